"""Settings for pytest. The database and broker still come from the environment,
so CI runs the same suite on Postgres and Redis."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

SECRET_KEY = "test-only-not-secret-" + "x" * 40
DEBUG = False
# Argon2 is slow by design; tests check hashing is configured, not its cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = env.str(
    "TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "test-outbox")
AXES_ENABLED = True
ALLOWED_HOSTS = ["*"]
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# Tasks run in process unless a test starts a real worker (which sets this false).
CELERY_TASK_ALWAYS_EAGER = env.bool("TEST_CELERY_EAGER", default=True)
