"""The Django test view: every path, every method (see apps.common.reply)."""

from django.http import HttpResponse
from django.urls import re_path

from apps import common


def view(request):
    mode = request.headers.get("X-App-Mode", "")
    if common.raises(mode):
        raise RuntimeError("raised by the test app")
    status, headers = common.reply(mode)
    response = HttpResponse(b"ok", status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


urlpatterns = [re_path(r"^.*$", view)]
