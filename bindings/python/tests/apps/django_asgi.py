"""uvicorn + Django (ASGI, the middleware's async path)."""

from django.core.handlers.asgi import ASGIHandler

from apps import dispatch, django_hosts

app = dispatch.asgi(django_hosts.handlers(ASGIHandler))
