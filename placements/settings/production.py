"""Production: everything secure by default, every secret from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_TASK_ALWAYS_EAGER, EMAIL_URL, env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Without a relay and a broker, emails (secret links included) would be written to
# var/outbox and tasks would run inside requests. Refuse to start, unless a one-off
# command (collectstatic at build time, `check --deploy`) says it sends nothing.
_MISSING = [
    name
    for name, missing in (
        ("EMAIL_URL", not EMAIL_URL),
        ("CELERY_BROKER_URL", CELERY_TASK_ALWAYS_EAGER),  # eager: no broker was given
    )
    if missing
]
if _MISSING and not env.bool("DJANGO_ONE_OFF_COMMAND", default=False):
    raise ImproperlyConfigured(
        f"Production needs {' and '.join(_MISSING)}: set the SMTP relay and the Redis broker "
        "(or DJANGO_ONE_OFF_COMMAND=true for a command that sends and queues nothing)"
    )
