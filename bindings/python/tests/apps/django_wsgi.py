"""gunicorn + Django (WSGI, the middleware's sync path)."""

from django.core.handlers.wsgi import WSGIHandler

from apps import dispatch, django_hosts

app = dispatch.wsgi(django_hosts.handlers(WSGIHandler))
