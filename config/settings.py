"""Konkurs settings: one module, read from the environment.

With nothing set it runs embedded (SQLite, local files, eager tasks, e-mail to
files). Set DATABASE_URL, CELERY_BROKER_URL, AWS_STORAGE_BUCKET_NAME, EMAIL_URL,
SECRET_KEY, ALLOWED_HOSTS and DEBUG=false to run for real.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)  # embedded mode keeps its SQLite file, media and mail here

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

EMBEDDED_SECRET = "embedded-insecure-secret-change-me"
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=EMBEDDED_SECRET)
if not DEBUG and SECRET_KEY == EMBEDDED_SECRET:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Who runs the site (core.site): defaults for what staff may change on the site settings page
# (/site/settings/) or through PATCH /api/v1/site/; "Konkurs" is only the default name.
SITE_NAME = env.str("SITE_NAME", default="Konkurs")
SITE_OPERATOR = env.str("SITE_OPERATOR", default="")
SITE_OPERATOR_URL = env.str("SITE_OPERATOR_URL", default="")
SITE_CONTACT_EMAIL = env.str("SITE_CONTACT_EMAIL", default="")
SITE_CONTACT_PHONE = env.str("SITE_CONTACT_PHONE", default="")
SITE_CONTACT_ADDRESS = env.str("SITE_CONTACT_ADDRESS", default="")
SITE_LOGO_MAX_KB = env.int("SITE_LOGO_MAX_KB", default=512)
SITE_SETTINGS_CACHE_SECONDS = env.int("SITE_SETTINGS_CACHE_SECONDS", default=300)
# Open data of results and grants (awards.opendata, /open-data/): the licence (an SPDX id of
# core.models.OpenDataLicence; staff may choose another on the site settings page) and the prefix
# of the grants' identifiers (360Giving-style; keep it once published, identifiers must not change).
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC-BY-4.0")
OPEN_DATA_ID_PREFIX = env.str("OPEN_DATA_ID_PREFIX", default="360G-konkurs")
OPEN_DATA_FUNDER_ID = env.str("OPEN_DATA_FUNDER_ID", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_fsm",
    "django_fsm_log",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "core",
    "notifications",
    "accounts",
    "contests",
    "applications",
    "review",
    "grants",
    "depository",
    "awards",
    "reports",
    "webhooks",
    "eservices",
    "campaigns",
    "congress",
    "mailings",
]

# Per-process memory when embedded; CACHE_URL=redis://… shares rankings between workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

MIDDLEWARE = [
    # First: the moment a request reached us, which deadlines are judged at (core/arrival.py).
    "core.arrival.ArrivalMiddleware",
    # API-Version on every /api/ answer; Deprecation/Sunset on deprecated operations (core/api_version.py).
    "core.api_version.ApiVersionMiddleware",
    # Compresses text answers to people not logged in (BREACH: core/compression.py).
    "core.compression.SafeGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages open in LANGUAGE_CODE unless the person chose (cookie, profile); the API follows
    # Accept-Language too (core/locale.py).
    "core.locale.LanguageMiddleware",
    # Every error answered under the API is RFC 9457 problem details, in that language (core/problems.py).
    "core.problems.ProblemDetailsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The file storage being down answers 503 with a page saying so (core/middleware.py).
    "core.middleware.StorageUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "notifications.context_processors.unread_messages",
                "core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'konkurs.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a worker share the file. Transactions open
    # IMMEDIATE, taking the write lock up front: a writer then waits (up to the timeout) for the
    # one before it instead of failing with "database is locked" when its read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    # Persistent connections: a request (or a Celery task) reuses its worker's connection for up
    # to DB_CONN_MAX_AGE seconds instead of opening one each time; the health check replaces a
    # connection the server dropped (a restart, a killed backend) before it is used, not after.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
    # Parameters sent apart from the SQL, and a statement run this many times on a connection is
    # prepared: PostgreSQL then skips planning it again (planning the scoped load of an application
    # costs several times its execution). Behind a pooler in transaction mode that cannot keep
    # prepared statements, set DB_PREPARE_THRESHOLD to an empty value (none prepared).
    # A statement with more parameters than the protocol carries goes with them inlined
    # (core/pg_cursor.py).
    from core.pg_cursor import BoundUnlessTooManyCursor

    threshold = env.str("DB_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "cursor_factory": BoundUnlessTooManyCursor,
            "prepare_threshold": int(threshold) if threshold else None,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="uk")
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Requests under these paths follow the client's Accept-Language when no language was chosen;
# pages do not (Ukrainian by default, core/locale.py). Under API_PATH_PREFIX errors answer JSON.
API_PATH_PREFIX = "/api/"
ACCEPT_LANGUAGE_PATHS = [API_PATH_PREFIX]
# A form sent from a stale page: a page in the site's look, not Django's (core/errors.py).
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# A chosen language is remembered for a year, not only until the browser closes.
LANGUAGE_COOKIE_AGE = env.int("LANGUAGE_COOKIE_AGE", default=365 * 24 * 3600)
USE_I18N = True
TIME_ZONE = "Europe/Kyiv"
USE_TZ = True
# A published deadline may be moved earlier only to this many days from now or later, unless the
# organiser forces it with a reason (contests.models.Contest.deadline_move_problems).
DEADLINE_NOTICE_DAYS = env.int("DEADLINE_NOTICE_DAYS", default=7)

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded archives (DOCX, XLSX, ODT are ZIPs) are refused before anything is unpacked when their
# members declare more than this in all, more than this many times their compressed size, or more
# members (core.files.check_archive).
UPLOAD_ARCHIVE_MAX_UNPACKED_MB = env.int("UPLOAD_ARCHIVE_MAX_UNPACKED_MB", default=100)
UPLOAD_ARCHIVE_MAX_RATIO = env.int("UPLOAD_ARCHIVE_MAX_RATIO", default=100)
UPLOAD_ARCHIVE_MAX_MEMBERS = env.int("UPLOAD_ARCHIVE_MAX_MEMBERS", default=10_000)

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Private bucket: files leave only through permission-checked views or presigned URLs.
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    AWS_S3_FILE_OVERWRITE = False
    # An unreachable storage must answer within a request (503, core.files), not hang a worker.
    from botocore.config import Config as _S3Config

    AWS_S3_CLIENT_CONFIG = _S3Config(
        connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=3.0),
        read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=20.0),
        retries={"max_attempts": env.int("AWS_S3_MAX_ATTEMPTS", default=3), "mode": "standard"},
    )
    DEFAULT_FILE_BACKEND = "storages.backends.s3.S3Storage"
else:
    DEFAULT_FILE_BACKEND = "django.core.files.storage.FileSystemStorage"
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_BACKEND},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
if EMAIL_CONFIG.get("EMAIL_BACKEND", "").endswith("filebased.EmailBackend"):
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail"))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Konkurs <noreply@konkurs.localhost>")
# A silent SMTP server fails the attempt (recorded on the message), not the worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=EMAIL_CONFIG.get("EMAIL_TIMEOUT") or 30)
# Delivery attempts of one e-mail before it is marked failed (backoff 30 s, 1, 2, 4, 8… min).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
# Webhooks (webhooks/services.py): tries per delivery (backoff 30 s, 1, 2, 4… min), the request's
# timeout in seconds, and when a failing endpoint is disabled and its owners told: after this many
# deliveries in a row failed, or after failing this many hours. Plain http:// is refused except
# to this machine with DEBUG or WEBHOOKS_ALLOW_HTTP (tests' local receiver).
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=8)
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=5.0)
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", default=10)
WEBHOOKS_DISABLE_AFTER_HOURS = env.int("WEBHOOKS_DISABLE_AFTER_HOURS", default=24)
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
# Publishing must fail fast when the broker is down: the outbox row is already committed
# and the sweeper enqueues it later, so the user's request never waits on the broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 10}
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    "send-reminders": {"task": "notifications.send_reminders", "schedule": 3600.0},
    "sweep-webhooks": {"task": "webhooks.sweep", "schedule": 60.0},
    "campaign-schedules": {"task": "campaigns.run_schedules", "schedule": 3600.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.otp_auth.SessionAuthentication",  # + no changes before the second factor
        "accounts.authentication.ApiTokenAuthentication",  # hashed, scoped, expiring (accounts.tokens)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "core.paging.Pagination",  # page numbers; `page` twice or empty: 404
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.FilterBackend",  # django-filter's, answering invalid choices in our words
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",  # + If-Match and 412 of versioned records
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # The stock parsers, but a JSON body nested too deep and a multipart part whose headers are too
    # long (a file name of hundreds of characters) answer 400 with a message for people, not 500.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsing.JSONParser",
        "rest_framework.parsers.FormParser",
        "core.parsing.MultiPartParser",
    ],
}
# Per client address (accounts/api/throttles.py): API sign-up, its e-mail confirmation, accepting
# invitations. "N/second|minute|hour|day"; too many answer 429 with Retry-After.
API_THROTTLE_RATES = {
    "sign_up": env.str("THROTTLE_SIGN_UP", default="10/hour"),
    "confirm_email": env.str("THROTTLE_CONFIRM_EMAIL", default="30/hour"),
    "accept_invitation": env.str("THROTTLE_ACCEPT_INVITATION", default="20/hour"),
}
# How long the link that confirms an API sign-up's e-mail address works.
EMAIL_CONFIRMATION_DAYS = env.int("EMAIL_CONFIRMATION_DAYS", default=3)
# The API's version: the schema's info.version, the API-Version header, the /api/v1/ root
# (core/api_version.py). Breaking changes go to /api/v2/ (README, "API versions").
API_VERSION = "1.0.0"

SPECTACULAR_SETTINGS = {
    "TITLE": "Konkurs API",
    "DESCRIPTION": "Contests and grant programmes: calls, applications, review, grants.",
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `state`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ContestStateEnum": "contests.models.Contest.State",
        "ApplicationStateEnum": "applications.models.Application.State",
        "IneligibilityReasonEnum": "applications.models.IneligibilityReason",
        "ReviewStateEnum": "review.models.Review.State",
        "RoundStateEnum": "review.models.Round.State",
        "DocumentKindEnum": "awards.models.Diploma.Kind",
        "IssueRunKindEnum": "awards.models.IssueRun.Kind",
        "OrganisationKindEnum": "accounts.models.Organisation.Kind",
        "RegionEnum": "accounts.regions.Region",
    },
}

# Arrival of a request (core/arrival.py): the front proxy's `X-Request-Start` is believed only
# from these direct peers (IP addresses or networks, `unix` for a Unix socket), and only when
# it is neither in the future nor older than REQUEST_START_MAX_AGE seconds.
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=[])
REQUEST_START_MAX_AGE = env.int("REQUEST_START_MAX_AGE", default=300)

# Production hardening: on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# ---------------------------------------------------------------------------------------------
# Security (issue 16). One block per area; each is edited only by its owner.
# --- brute-force protection (django-axes) ---
# Failed logins (web, API token, admin) lock the account after AXES_FAILURE_LIMIT failures,
# whatever the address, and an address after AXES_IP_FAILURE_LIMIT failures, whatever the
# accounts (accounts.lockout.LockoutHandler), for AXES_COOLOFF_MINUTES since the locking failure.
# Password-reset and sign-up requests are limited by the same numbers (accounts.lockout.limit).
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
# A refused attempt while locked does not push the end of the lock further (it stays as told).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.api.throttles.client_address"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address"]
# Successful logins are in our security log (accounts.security_log), not in axes' access log.
AXES_DISABLE_ACCESS_LOG = True
# --- password hashing ---
# argon2 first; older PBKDF2 hashes still check and are re-hashed with argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# --- second factor (django-otp) ---
# Staff, organisers and grant officers pass a second factor (an authenticator app's code or a
# recovery code) before any page, and before any API change (accounts.otp, accounts.api.otp).
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_after_auth:_after_auth] = [
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "accounts.otp.TwoStepMiddleware",
]
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", default="Konkurs")
# After each wrong code the next one is tried only after 1, 2, 4, 8… seconds (× the factor).
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)
# How long after a right password the code may be entered before logging in starts over.
OTP_LOGIN_SECONDS = env.int("OTP_LOGIN_SECONDS", default=300)
# --- content security policy (django-csp) and Permissions-Policy ---
# No inline script or style on any page (tests/core/test_csp_templates.py keeps it so): scripts
# and styles come from our own static files. A script that truly must be inline carries the
# response's nonce ({{ request.csp_nonce }}); the nonce is in the header only on responses that
# used one. Browsers report violations to /csp-report/, logged as warnings ("konkurs.csp").
# CSP_REPORT_ONLY=true only reports (to try a changed policy on a running site) without refusing.
from csp.constants import NONCE as _csp_NONCE  # noqa: E402  (the per-response nonce marker)

INSTALLED_APPS.append("csp")
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE[_after_security:_after_security] = [
    "csp.middleware.CSPMiddleware",
    "core.security_headers.PermissionsPolicyMiddleware",
]
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _csp_NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": [env.str("CSP_REPORT_URI", default="/csp-report/")],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
# Browser features no page of ours uses are off for every page (core.security_headers). Passkeys
# (publickey-credentials-*) are left at the browser's default, this site only.
PERMISSIONS_POLICY = {
    feature: []
    for feature in env.list(
        "PERMISSIONS_POLICY_DENY",
        default=["camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth"],
    )
}
# --- API tokens and sessions ---
# API tokens (accounts.tokens): valid API_TOKEN_DAYS unless the person asks for fewer or more
# days, never more than API_TOKEN_MAX_DAYS. Privileged people (staff, organisers, grant
# officers) are logged out after PRIVILEGED_IDLE_MINUTES without a request (accounts.sessions).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
PRIVILEGED_IDLE_MINUTES = env.int("PRIVILEGED_IDLE_MINUTES", default=30)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.sessions.IdleTimeoutMiddleware",
)
# --- personal data ---
