broker_url = "amqp://guest:guest@localhost:5672//"
