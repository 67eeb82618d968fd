"""Settings shared by every environment; everything configurable comes from the environment.

Environment variables (documented in the README): SECRET_KEY, DJANGO_DEBUG, ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL, SMS_API_RATE_LIMITS, SMS_BACKUP_DIR, SMS_BACKUP_KEY_FILE, SMS_TRUSTED_PROXIES.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from sms import __version__

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VERSION = __version__


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def env_rates(name, default):
    """`read=6000/m,write=1200/m` → the defaults with those tiers replaced (a malformed entry fails)."""
    pairs = (item.split("=", 1) for item in env_list(name, []))
    return {**default, **{tier.strip(): rate.strip() for tier, rate in pairs}}


def env_networks(name):
    """`127.0.0.1,10.0.0.0/8` → ["127.0.0.1/32", "10.0.0.0/8"]; a malformed entry stops the start-up."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as error:
            from django.core.exceptions import ImproperlyConfigured

            message = f"{name}: {item!r} is not an IP address or network ({error})."
            raise ImproperlyConfigured(message) from None
    return networks


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "sms.apps.SmsAdminConfig",  # django.contrib.admin with SMS's site (sms/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "sms",
    "students",
    "courses",
    "grades",
    "attendance",
    "audit",
    "metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sms.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sms.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sms.preferences.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "sms.urls"
WSGI_APPLICATION = "sms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sms.context_processors.sms",
            ],
        },
    },
]

# SQLite is the embedded default so a fresh machine needs nothing running.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers — page views, and a backup's snapshot of a large database — no longer block
    # writers, and writers no longer block them (measured in README, Backups). The mode is stored in
    # the database file; an in-memory database (the tests') keeps its own. A writer still waits for
    # another writer, and for a restore, which copies every page in one write: 20 s instead of 5
    # before "database is locked".
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL", "timeout": 20,
                                       **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit wants a cache shared by all processes. The embedded default runs one
    # process with LocMem, where counts are exact; production sets REDIS_URL (see README).
    "django_ratelimit.E003",
    # Django's own RedisCache increments atomically; the check only knows django-redis.
    "django_ratelimit.W001",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("el", _("Greek"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Athens"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session ends when the browser closes, and at the latest 8 hours after signing in (one school
# day), whatever the activity. No idle timeout: typing grades into a roster sends no request, so an
# idle timeout would sign a teacher out mid-roster and the typed grades would be lost on submit.
# On a shared staff-room computer, "Sign out" or closing the browser ends the session.
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_ENGINE = "sms.sessions"  # counts the 8 hours from the sign-in, not from the last save
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and images only
# from our own origin, so an injected <script> or inline handler does not run. Our pages keep their
# JavaScript and CSS in static/ (no inline <script> or <style>); Swagger UI loads its initialiser
# as a file too (SpectacularSwaggerSplitView). Images also from data: URIs (Swagger UI's icons).
# The DRF browsable API has two inline style attributes, which the browser ignores (cosmetic).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SMS_BACKUP_DIR = Path(os.environ.get("SMS_BACKUP_DIR", BASE_DIR / "backups"))
SMS_BACKUP_KEY_FILE = Path(
    os.environ.get("SMS_BACKUP_KEY_FILE", BASE_DIR / ".sms-keys" / "backup-master.key")
)

REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 (WWW-Authenticate: Token), not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["sms.api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "sms.api.parsers.JSONParser",  # DRF's, plus a 400 for over-deep nesting
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "sms.api.renderers.EnvelopeJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "sms.api.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "sms.api.pagination.EnvelopePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["sms.api.ratelimit.TieredRateLimit"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# Requests per client (user, or IP when anonymous) and tier, counted in the default cache. The
# environment may replace tiers, e.g. SMS_API_RATE_LIMITS="read=100000/m,write=100000/m" for the
# load test (bench/load/), which measures capacity rather than the limits.
SMS_API_RATE_LIMITS = env_rates("SMS_API_RATE_LIMITS", {"read": "600/m", "write": "120/m", "auth": "10/m"})
# Sign-in attempts (right or wrong) per minute, by client IP and by username (sms/views.py);
# beyond them the form says "wait a minute", so a password guesser gets ~5 tries a minute per account.
SMS_LOGIN_RATE_LIMITS = {"ip": "20/m", "username": "5/m"}
# A cache that cannot count lets requests through (see sms/api/ratelimit.py for why).
RATELIMIT_FAIL_OPEN = True
# The reverse proxies (TLS terminators) in front of the site: addresses or networks whose
# X-Forwarded-For is believed when they are the peer (sms.middleware.client_ip). Empty: nobody's,
# the peer's address is the client's, as a site without a proxy needs (the header is then forgeable).
SMS_TRUSTED_PROXIES = env_networks("SMS_TRUSTED_PROXIES")

SPECTACULAR_SETTINGS = {
    "TITLE": "SMS — Student Management System API",
    "DESCRIPTION": (
        "Every JSON response is an envelope: {success, data, error, meta}. `data` holds the payload "
        "(lists: {items, total, page, page_size, pages}); `error` is null or {code, message, details, "
        "path}; `meta` has request_id (also the X-Request-ID header), timestamp (UTC) and version. "
        "A method a path does not list answers 405 (HTTP_405) in the envelope: enrollments, for "
        "one, have no PUT or PATCH (nothing in them is editable; delete and enrol again). "
        "Authenticate with `Authorization: Token <key>` from POST /api/v1/auth/token/."
    ),
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"AuditActionEnum": "audit.models.Action.choices"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sms.api.schema.wrap_in_envelope",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "sms.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
CSRF_FAILURE_VIEW = "sms.errors.csrf_failure"
