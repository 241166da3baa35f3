"""Settings, driven by environment variables.

Defaults give the zero-set-up quick start (SQLite, demo mode). Anything that is
set but malformed stops start-up with a clear error rather than being ignored.
Production uses ``earlyhelp.settings_production``, which removes the defaults that
are only safe on a laptop.
"""

import warnings
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The quick start and the tests run in demo mode; production settings force it off.
DEMO_MODE = env.bool("DEMO_MODE", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="insecure-quick-start-key-not-for-production-use-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Every request runs in one transaction, so a view's audit event and the read or
# write it records commit or fail together.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # A writer waits up to 20 s for another to finish rather than failing at once.
            "timeout": 20,
            # Every request is a transaction (ATOMIC_REQUESTS) that may write: taking the write
            # lock at BEGIN means a transaction waits its turn, instead of failing with
            # "database is locked" when its read lock cannot be upgraded mid-way (which no
            # timeout helps with). Requests' transactions so run one at a time: enough for the
            # small team SQLite is for (production runs PostgreSQL).
            "transaction_mode": "IMMEDIATE",
            # WAL: reads outside a transaction (the session, the health check) never wait for
            # the writer. Set per connection, outside any transaction; it stays set in the file.
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "knox",
    "drf_spectacular",
    # Swagger UI served from our own static files, so /api/docs/ needs no CDN (ADR 0010).
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "people",
    "support_requests",
    "assessments",
    "consent",
    "panel",
    "casework",
    "neglect",
    "risk_factors",
    "patterns",
    "radar",
    "oversight",
    "outcomes",
    "demo",
    "dataprotection",
    "reporting",
    "directory",
    "offer",
    "consultancy",
    "children_centres",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Security headers (ADR 0010) sit above WhiteNoise and every middleware that can answer early,
    # so redirects, error pages and static files all carry them.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their caching; all else Django answers is no-store.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.RequireVerifiedStaffMiddleware",
    "accounts.middleware.RequirePasswordChangeMiddleware",
    # Outside the view's transaction: keeps the audit event of an API token's use when an error rolled it back.
    "accounts.middleware.ApiTokenUseAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.AccessLogMiddleware",
    # Innermost, so it sees a view's exception first: a refusal becomes a 400/409 page, not a 500.
    "core.middleware.ErrorContractMiddleware",
]

ROOT_URLCONF = "earlyhelp.urls"
WSGI_APPLICATION = "earlyhelp.wsgi.application"

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
                "core.context_processors.service",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
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
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: 10 hours absolute (cookie age, not refreshed), 30 minutes idle
# (enforced by accounts.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = int(timedelta(hours=10).total_seconds())
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = int(timedelta(minutes=30).total_seconds())
SESSION_ABSOLUTE_TIMEOUT = SESSION_COOKIE_AGE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Flash messages live in the server-side session, not a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Lockout: five failures lock the username+address pair for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Early Help")

# Single sign-on through the council's OpenID Connect provider (Microsoft Entra ID; ADR 0021): off
# unless the client and all four endpoints are set. It never creates accounts: it signs in the
# active account an administrator made with the same email address (accounts.oidc).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_BACKEND = "accounts.oidc.CouncilAccountBackend"
# Its code exchange is no password guess: django-axes neither counts nor blocks it (a locked
# account is refused by the backend itself).
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_ignores_code_exchange"
if all(
    (
        OIDC_RP_CLIENT_ID,
        OIDC_RP_CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    )
):
    AUTHENTICATION_BACKENDS.append(OIDC_BACKEND)
elif OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set: set OIDC_RP_CLIENT_SECRET and the four OIDC_OP_*_ENDPOINT too"
    )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# The quick start serves assets straight from static/build; production serves the
# collected, hashed copies (settings_production turns this off).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
# Until collectstatic has run (never, in the quick start) STATIC_ROOT does not exist.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a request without credentials is answered 401 with WWW-Authenticate: Token.
        "accounts.api_auth.AuditedTokenAuthentication",
        "accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # JSON only, with size (DATA_UPLOAD_MAX_MEMORY_SIZE: 413) and nesting (400) limits.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
}
# API tokens (django-rest-knox, ADR 0011): made only from a signed-in session that has given its
# second factor (or by an operator with create_api_token), stored as a SHA-512 digest, always expiring.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its table even when the model is swapped; a table nothing uses, whose
# key to users stops PostgreSQL emptying the users table between tests. Without migrations, Django
# skips the swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # Lets secret scanners recognise a leaked token.
    "TOKEN_PREFIX": "eh_",
    "TOKEN_TTL": timedelta(days=30),
    "AUTO_REFRESH": False,
}
API_TOKEN_DEFAULT_DAYS = 30
API_TOKEN_MAX_DAYS = 90
SPECTACULAR_SETTINGS = {
    "TITLE": "Early Help API",
    "DESCRIPTION": (
        "Multi-agency early help: people and families, requests for support and triage, assessments, "
        "consent and the early support panel. Every read is scoped and audited; the API calls the same "
        "services as the pages."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.add_common_error_responses",
        "core.openapi.describe_times_of_day",
    ],
    # Swagger UI's files come from drf-spectacular-sidecar (our static files), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content-Security-Policy (django-csp 4, ADR 0010): only our own files, no inline script or style
# anywhere, nothing may frame us, forms post only to us. A view that needs more (the API
# documentation) widens it for itself with csp_update, never here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Permissions-Policy (django-permissions-policy): the product uses no device or powerful browser
# feature, so each is switched off for us and for anything we might ever embed. (Chromium on Linux
# warns that it does not know bluetooth and web-share, which browsers on other platforms support.)
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "web-share",
        "xr-spatial-tracking",
    )
}

# The address staff use to reach the product: sign-in links in messages are built from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Email to staff through GOV.UK Notify (core.notify). Without an API key messages are logged, not sent.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BACKEND = env.str(
    "NOTIFY_BACKEND",
    default="core.notify.GovUkNotifyBackend" if NOTIFY_API_KEY else "core.notify.LoggingBackend",
)
# Background work (ADR 0018): tasks are queued in the database and run by `manage.py db_worker`;
# `manage.py run_scheduler` queues the scheduled jobs (core.schedule). Tests run tasks at once.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Our template key -> the Notify template id, e.g. NOTIFY_TEMPLATE_IDS=panel_outcome=abc-123,...
NOTIFY_TEMPLATE_IDS = env.dict("NOTIFY_TEMPLATE_IDS", default={})

# The council configuration pack loaded by `make run` and the demo data.
COUNCIL_PACK = env.path("COUNCIL_PACK", default=str(BASE_DIR / "config_packs" / "kirklees.yaml"))

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "scrub_request": {"()": "core.logging.ScrubRequestFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own request logger writes the full path and sometimes POST data on
        # errors; our AccessLogMiddleware logs a scrubbed line instead.
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
            "filters": ["scrub_request"],
        },
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
