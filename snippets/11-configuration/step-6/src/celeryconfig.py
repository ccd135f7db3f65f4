broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

# Sign every task message, and accept only signed ones
task_serializer = "auth"
accept_content = ["auth"]
security_key = "worker.key"  # the private key that signs
security_certificate = "worker.pem"  # its certificate, named in every message
security_cert_store = "*.pem"  # the certificates whose signatures are trusted

# Results stay JSON: the caller must accept them (without this line it would accept only "auth")
result_accept_content = ["json"]
