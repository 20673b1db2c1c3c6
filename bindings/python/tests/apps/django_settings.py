"""Settings of the Django test servers. Each host's CORS settings are
applied with override_settings while its handler loads its middleware
(apps.django_hosts); nothing CORS is configured here."""

SECRET_KEY = "unicors-tests"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "apps.django_urls"
INSTALLED_APPS = ["unicors.django"]
MIDDLEWARE = ["unicors.django.CorsMiddleware"]
USE_TZ = True
