"""Settings read from the environment in one place.

The embedded default needs no environment at all: SQLite in var/, tasks run in
process, emails written to var/outbox/. Set DATABASE_URL, CELERY_BROKER_URL and
EMAIL_URL to run on Postgres, Redis and an SMTP relay.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "placements",
    "providers",
    "referrals",
    "approvals",
    "portal",
]

MIDDLEWARE = [
    "placements.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "placements.static.AssetsWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "placements.middleware.SessionTimeoutMiddleware",
    # A directory session is checked with the directory every few minutes (placements.sso).
    "placements.sso.DirectorySessionRefresh",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSP: the pages these render carry its nonce and header.
    "placements.middleware.PrivateResponseMiddleware",
    "placements.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "placements.urls"
WSGI_APPLICATION = "placements.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "placements.context_processors.service",
            ],
        },
    },
]

# --- Data ------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "placements.User"

# --- People and sessions ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on with the council's directory (placements.sso), when set up below.
    "placements.sso.DirectoryBackend",
]

# --- Single sign-on (OpenID Connect; placements.sso) ---------------------------------
# On when a client id and the provider's issuer or discovery URL are set. For Entra ID:
# OIDC_ISSUER=https://login.microsoftonline.com/<tenant id>/v2.0 (README).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGORITHM", default="RS256")
# The claim holding the person's email, and whether the council trusts it without the
# provider's `email_verified` (Entra ID sends none: its `email` or `preferred_username`
# is the tenant's own).
OIDC_EMAIL_CLAIM = env.str("OIDC_EMAIL_CLAIM", default="email")
OIDC_TRUST_EMAIL = env.bool("OIDC_TRUST_EMAIL", default=False)
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your council account")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = True  # placements.sso decides: only from mapped groups, if at all
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_LEEWAY_SECONDS = env.int("OIDC_LEEWAY_SECONDS", default=60)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
# A second factor (placements.second_factor): time-based codes from an authenticator app,
# named in the app by this issuer; a wrong code makes the next wait 1, 2, 4... seconds.
OTP_TOTP_ISSUER = env.str("SECOND_FACTOR_ISSUER", default="Placements brokerage")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# How long a password sign-in waits for its second factor before starting again.
SECOND_FACTOR_WAIT_SECONDS = 10 * 60

# How often a session signed in with the directory is checked with it (silently).
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env.int("OIDC_RECHECK_SECONDS", default=15 * 60)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signed-out"

# Idle and absolute limits, enforced by placements.middleware.SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
# A provider signed in to its account (by an emailed link): an hour at most, 20 minutes idle.
PROVIDER_SESSION_SECONDS = env.int("PROVIDER_SESSION_SECONDS", default=60 * 60)
PROVIDER_SESSION_IDLE_SECONDS = env.int("PROVIDER_SESSION_IDLE_SECONDS", default=20 * 60)
PROVIDER_SIGN_IN_LINK_MINUTES = env.int("PROVIDER_SIGN_IN_LINK_MINUTES", default=15)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# How often the duty action list fetches its rows again while it is open (seconds).
ACTION_LIST_REFRESH_SECONDS = env.int("ACTION_LIST_REFRESH_SECONDS", default=30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock the pair (username, address), so one person mistyping cannot
# lock out a whole office behind one NAT address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# The client's address read through the trusted proxies (placements/client_address.py).
AXES_CLIENT_IP_CALLABLE = "placements.client_address.client_ip"
# Every failure is logged, so an account's failures from any address slow its next try.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
ACCOUNT_BACKOFF_FREE = env.int("ACCOUNT_BACKOFF_FREE", default=8)

# Messages can name a child ("... has been removed"): keep them server-side.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security headers -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Locale -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:ia"

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
GOVUK_FRONTEND_ASSETS = BASE_DIR / "static" / "vendor" / "govuk-frontend" / "assets"

# --- Forms ------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# No request body far beyond the largest upload (10 MB) is read at all; up to this size
# a form says what is too big in its own words.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
PROVIDER_IMPORT_MAX_BYTES = env.int("PROVIDER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Applying costs about 11 ms a changed row: keep the worst case near 20 s.
PROVIDER_IMPORT_MAX_ROWS = env.int("PROVIDER_IMPORT_MAX_ROWS", default=2000)
# A spreadsheet with more rows than this is imported by the worker, with a progress page;
# smaller ones at once, in the request.
PROVIDER_IMPORT_BACKGROUND_ROWS = env.int("PROVIDER_IMPORT_BACKGROUND_ROWS", default=200)
# Ofsted's provider-level data for all of England: a few thousand rows, a few MB.
OFSTED_IMPORT_MAX_BYTES = env.int("OFSTED_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
OFSTED_IMPORT_MAX_ROWS = env.int("OFSTED_IMPORT_MAX_ROWS", default=20000)

# --- Email ------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_OUTBOX_DIR", default=str(VAR_DIR / "outbox"))
# A hung SMTP server must not hold a sender past its claim on the message.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="placements@council.example")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Background work ----------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"  # nothing leaves the process in the embedded mode
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is down must not hold a request: give up connecting quickly (the
# outbox sweep sends what could not be queued).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "placements.tasks.outbox_sweep", "schedule": 60.0},
    # Chasers before provider deadlines, and rounds closed at them.
    "search-scan": {"task": "referrals.tasks.search_scan", "schedule": 15 * 60.0},
    # Options waiting a working day for the social worker's choice.
    "options-remind": {"task": "approvals.tasks.options_remind", "schedule": 15 * 60.0},
    # Providers whose declared vacancies are going stale asked to confirm them.
    "vacancies-confirm-ask": {
        "task": "portal.tasks.vacancies_confirm_ask",
        "schedule": 24 * 60 * 60.0,
    },
}
# The cache holds only what is worth losing: how far a background provider import has
# got. The web and the workers must share it, so with a Redis broker it lives in that
# Redis; without one, tasks run in process and a cache in the process does.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CELERY_BROKER_URL,
            "KEY_PREFIX": "placements",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
# A sender holds a message this long; a sender that died lets it go after that. Keep it
# above the send task's hard time limit (120 s), so a live sender never loses its claim.
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=150)
# The sweep resends what is still unsent this long after it was written.
OUTBOX_SWEEP_AFTER_SECONDS = env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=60)

# --- Logging: no personal data in logs; identifiers only --------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Secret links (providers', password) never reach a log, from any logger.
    "filters": {"secret_links": {"()": "placements.access_log.RedactSecretLinks"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_links"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The anonymiser's English word lists: ordinary words (Debian's wbritish-large) and common
# ones (wbritish). Without them the service refuses to start (a system check).
ANONYMISER_WORD_LIST = env("ANONYMISER_WORD_LIST", default="/usr/share/dict/british-english-large")
ANONYMISER_COMMON_WORD_LIST = env(
    "ANONYMISER_COMMON_WORD_LIST", default="/usr/share/dict/british-english"
)
