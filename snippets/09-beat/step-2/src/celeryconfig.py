from celery.schedules import crontab, solar

broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

# crontab and solar schedules are read in this time zone
timezone = "Asia/Seoul"

beat_schedule = {
    # 09:00 on weekdays (Sunday is 0, so mon-fri is 1-5)
    "morning-report": {
        "task": "tasks.tick",
        "schedule": crontab(minute=0, hour=9, day_of_week="mon-fri"),
        "args": ("morning-report",),
    },
    # at sunset in Seoul (latitude, longitude); needs the ephem package
    "lights-on": {
        "task": "tasks.tick",
        "schedule": solar("sunset", 37.5665, 126.9780),
        "args": ("lights-on",),
    },
}
