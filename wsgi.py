"""WSGI entry point: `flask --app wsgi …` and any WSGI server."""

from webapp import create_app

app = create_app()
