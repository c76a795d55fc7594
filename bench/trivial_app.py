"""The ceiling of the load benchmark: a Flask route that does nothing, served by gunicorn
with the same settings as the site, so the figures show what the machine, gunicorn and the
load generator allow before the application does any work."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
