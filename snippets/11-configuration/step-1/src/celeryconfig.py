# app.config_from_object("celeryconfig") reads the names in this module as settings.
result_backend = "redis://localhost:6379/0"
timezone = "Asia/Seoul"
result_expires = 3600  # seconds (the default is one day)
