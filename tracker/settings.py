"""Parcours settings: one file, configured from the environment.

Every value read from the environment goes through the small helpers below, which raise
ImproperlyConfigured on a bad value instead of guessing (healthchecks' pattern).
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARCOURS_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    # Each app's templates are its own (no app overrides another's): the pages that show
    # several apps' data are composed in tracker.pages, by their views.
    "tracker.accounts",
    "tracker.assessments",
    "tracker.progress",
    "tracker.certificates",
    "tracker.exports",
    # teams: assignments and the team pages
    "tracker.teams",
    "tracker.reminders",
    # Company integrations, each inert unless its PARCOURS_* variables are set.
    "tracker.scim",
    "tracker.sso",
    "tracker.xapi",
    # The learner's pages composed of several apps: the dashboard, the catalogue's pages.
    "tracker.pages",
    "courses",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tracker.accounts.middleware.HtmxLoginRedirectMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.reminders.context_processors.notifications",
                "tracker.sso.context_processors.sso",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite in WAL mode by default (no server to install); DATABASE_URL switches to
# PostgreSQL. IMMEDIATE transactions stop SQLite from failing with "database is locked"
# when the web process and the worker write at the same time.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if urlparse(DATABASE_URL).scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    # The embedded default keeps its files in var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Kept open between requests, as PostgreSQL's above: opening one (the file,
            # the pragmas, the schema read on the first query) cost about 2.5 ms of CPU a
            # request, a sixth of a simple page (issue 14). Each web thread keeps its own.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# English dates read "1 Dec 2026" (tracker/formats/en), not the US "12/01/2026".
FORMAT_MODULE_PATH = ["tracker.formats"]
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
# Without a manifest (development, tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploaded files (certificates' scans) go through the storage API into MEDIA_ROOT: in
# var/ by default, a volume every web container mounts in compose.yaml. Never served as
# static files: a permission-checked view reads them (no MEDIA_URL route).
MEDIA_ROOT = Path(os.environ.get("PARCOURS_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Cache, broker, Celery ------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and urlparse(REDIS_URL).scheme not in {"redis", "rediss"}:
    raise ImproperlyConfigured("REDIS_URL must be a redis:// or rediss:// URL")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # Per process; room for the cached progress of a few thousand learners
    # (tracker/progress/cache.py) besides the login throttle's counters.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    # Embedded default: kombu's filesystem transport needs no server, yet a real worker
    # and beat consume it.
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

# Reminders (tracker/reminders): timings in seconds unless named otherwise.
# A claim older than this is presumed left by a dead worker and may be taken again.
REMINDERS_CLAIM_TIMEOUT_SECONDS = env_int("PARCOURS_REMINDERS_CLAIM_TIMEOUT", 10 * 60)
# First retry after a temporary mail error; each next one waits twice as long.
REMINDERS_RETRY_BACKOFF_SECONDS = env_int("PARCOURS_REMINDERS_RETRY_BACKOFF", 60)
REMINDERS_MAX_ATTEMPTS = env_int("PARCOURS_REMINDERS_MAX_ATTEMPTS", 8)
# A pending row whose send has not happened this long after it was due is re-enqueued.
REMINDERS_SWEEP_GRACE_SECONDS = env_int("PARCOURS_REMINDERS_SWEEP_GRACE", 5 * 60)
REMINDERS_SWEEP_LIMIT = env_int("PARCOURS_REMINDERS_SWEEP_LIMIT", 5000)
# How late a weekly reminder may still go out after a missed pass (then it is stale).
# A dispatcher pass holds a lease in the database for this long, renewed after each batch
# of users; a pass that starts while it is held skips. A pass that died lets go this late.
REMINDERS_DISPATCH_LEASE_SECONDS = env_int("PARCOURS_REMINDERS_DISPATCH_LEASE", 5 * 60)
# Publishing sends: how long to wait for the broker before leaving them to the sweeper.
REMINDERS_BROKER_CONNECT_TIMEOUT_SECONDS = env_int("PARCOURS_REMINDERS_BROKER_TIMEOUT", 2)
REMINDERS_CATCH_UP_HOURS = env_int("PARCOURS_REMINDERS_CATCH_UP_HOURS", 48)
REMINDERS_UNSUBSCRIBE_MAX_AGE = env_int("PARCOURS_REMINDERS_UNSUBSCRIBE_MAX_AGE", 180 * 86400)

# --- Mail -----------------------------------------------------------------------------
# Django 6.1 mailers. EMAIL_HOST switches to SMTP; without it (development) every email
# lands as a file in var/mail/ to read.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Parcours <no-reply@parcours.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("PARCOURS_SITE_URL", "http://localhost:8000")
# The mailto: half of the List-Unsubscribe header.
REMINDERS_UNSUBSCRIBE_MAILTO = env_str("PARCOURS_UNSUBSCRIBE_MAILTO", "unsubscribe@parcours.test")

# --- Security -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 14 * 24 * 3600)
# htmx sends the token it finds in the page (hx-headers on <body>), so no script needs to
# read the cookie: it can be HttpOnly.
CSRF_COOKIE_HTTPONLY = True
# A password reset link is valid for three hours (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("DJANGO_PASSWORD_RESET_TIMEOUT", 3 * 3600)
# Login throttling (tracker/accounts/throttle.py): failures counted in the cache.
# How long computed progress stays cached at most (0: not cached). Writes through the
# services make it stale at once whatever this says (tracker/progress/cache.py).
PARCOURS_PROGRESS_CACHE_SECONDS = env_int("PARCOURS_PROGRESS_CACHE_SECONDS", 15 * 60)

LOGIN_THROTTLE_EMAIL_LIMIT = env_int("PARCOURS_LOGIN_THROTTLE_EMAIL_LIMIT", 5)
LOGIN_THROTTLE_IP_LIMIT = env_int("PARCOURS_LOGIN_THROTTLE_IP_LIMIT", 30)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("PARCOURS_LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Upload limits: the catalogue upload refuses anything larger before parsing it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Company integrations (each off unless configured) ---------------------------------
# SCIM 2.0 provisioning at /scim/v2/ (tracker/scim): the directory's bearer token. Unset,
# every SCIM URL answers 404.
PARCOURS_SCIM_TOKEN = env_str("PARCOURS_SCIM_TOKEN", "") or ""
if PARCOURS_SCIM_TOKEN and len(PARCOURS_SCIM_TOKEN) < 32:
    raise ImproperlyConfigured("PARCOURS_SCIM_TOKEN must be at least 32 characters long")

# Single sign-on with OpenID Connect (tracker/sso): the provider's issuer URL (its
# endpoints are discovered from it) and this application's client at that provider.
PARCOURS_OIDC_ISSUER = (env_str("PARCOURS_OIDC_ISSUER", "") or "").rstrip("/")
PARCOURS_OIDC_CLIENT_ID = env_str("PARCOURS_OIDC_CLIENT_ID", "") or ""
PARCOURS_OIDC_CLIENT_SECRET = env_str("PARCOURS_OIDC_CLIENT_SECRET", "") or ""
PARCOURS_OIDC_SCOPES = env_str("PARCOURS_OIDC_SCOPES", "openid email profile")
# The claim listing the person's groups: those that are team names add them to the team.
PARCOURS_OIDC_GROUPS_CLAIM = env_str("PARCOURS_OIDC_GROUPS_CLAIM", "groups")
if PARCOURS_OIDC_ISSUER:
    if urlparse(PARCOURS_OIDC_ISSUER).scheme not in {"https", "http"}:
        raise ImproperlyConfigured("PARCOURS_OIDC_ISSUER must be an https:// URL")
    if not (PARCOURS_OIDC_CLIENT_ID and PARCOURS_OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "PARCOURS_OIDC_ISSUER needs PARCOURS_OIDC_CLIENT_ID and PARCOURS_OIDC_CLIENT_SECRET"
        )
# xAPI statements sent to a learning record store (tracker/xapi): its xAPI base URL
# (statements go to <endpoint>/statements) and HTTP Basic credentials.
PARCOURS_XAPI_ENDPOINT = env_str("PARCOURS_XAPI_ENDPOINT", "") or ""
PARCOURS_XAPI_USERNAME = env_str("PARCOURS_XAPI_USERNAME", "") or ""
PARCOURS_XAPI_PASSWORD = env_str("PARCOURS_XAPI_PASSWORD", "") or ""
if PARCOURS_XAPI_ENDPOINT and urlparse(PARCOURS_XAPI_ENDPOINT).scheme not in {"https", "http"}:
    raise ImproperlyConfigured("PARCOURS_XAPI_ENDPOINT must be an https:// URL")
# First wait after a failed send; each next one waits twice as long (an hour at most).
PARCOURS_XAPI_RETRY_BACKOFF = env_int("PARCOURS_XAPI_RETRY_BACKOFF", 30)

# The company sign-in's backend is listed only when it is configured.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"] + (
    ["tracker.sso.auth.CompanyAccountBackend"] if PARCOURS_OIDC_ISSUER else []
)

# The bundled catalogue, imported by `make run` (and the path tools rely on).
PARCOURS_CATALOGUE_DIR = BASE_DIR / "courses" / "catalogue"
