from run import app


@app.task
def hello():
    return "hello"


if __name__ == "__main__":
    # Run as a script, this module is called __main__, so the task is
    # named after the app's main name instead.
    print(hello.name)
