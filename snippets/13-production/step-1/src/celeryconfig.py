broker_url = "redis://localhost:6379/0"
result_backend = "redis://localhost:6379/1"

broker_transport_options = {
    "visibility_timeout": 2,  # seconds; the default is 3600 (one hour)
    # look for overdue messages every second (by default every 10 x 10 s)
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
