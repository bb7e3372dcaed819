"""Settings for Administrativ Adgang, read from the environment.

`DJANGO_ENV` selects the profile: `development` (default; the embedded SQLite portal that
`make run` starts) or `production` (secure cookies, HSTS, no test portal unless asked for).
Everything else comes from environment variables with safe defaults, so one command runs the
portal on a fresh machine and `manage.py check --deploy` is clean in production.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise environ.ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env.str("ADGANG_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from DJANGO_SECRET_KEY, else one generated once and kept in var/ (mode 0600).

    A self-hosted installation then never runs with a published key, and the key survives
    restarts without an operator having to invent one.
    """
    if key := env.str("DJANGO_SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost"] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our core app first: its `db_worker` command (heartbeat and scheduler) overrides the
    # plain one of django_tasks_db.
    "adgang.core",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "adgang.ui",
    "adgang.accounts",
    "adgang.audit",
    "adgang.systems",
    "adgang.contacts",
    "adgang.messaging",
    "adgang.exemptions",
    "adgang.nemsms",
    "adgang.eventlog",
    "adgang.readaccess",
    "adgang.authorityinfo",
    "adgang.recall",
    "adgang.movepost",
    "adgang.statistics",
]

MIDDLEWARE = [
    "adgang.core.observability.RequestIdMiddleware",  # every response and log line has an id
    "adgang.core.metrics.RequestMetricsMiddleware",
    "adgang.core.middleware.HealthCheckMiddleware",  # first: probes skip sessions and redirects
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "adgang.accounts.middleware.SessionRefreshMiddleware",  # slides the idle timeout, 1 write/min
    "adgang.ui.middleware.DanishByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "adgang.accounts.middleware.ActingContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "adgang.accounts.middleware.SessionLifetimeMiddleware",  # inside messages and headers
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "adgang.core.browser_methods.BrowserMethodsMiddleware",  # innermost: pages take GET/POST
]

ROOT_URLCONF = "adgang.urls"
WSGI_APPLICATION = "adgang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "adgang.ui.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL (or anything else) via DATABASE_URL.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(VAR_DIR / 'adgang.sqlite3').as_posix()}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; the busy timeout
    # makes a writer wait for the other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The message log's covering index (organisation, time) INCLUDE (system ids) is for
    # PostgreSQL at scale; SQLite builds it from the key columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast (and let /readyz answer 503) when the database host does not answer.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "adgang.accounts.backends.TestPortalBackend",
    "adgang.accounts.oidc.AdgangOIDCBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:overview"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request (SPEC §14 "session timeout").
SESSION_COOKIE_AGE = env.int("ADGANG_SESSION_IDLE_SECONDS", default=30 * 60)
# Absolute lifetime (ASVS 3.3.2): a new login after this many hours, however busy the session.
ADGANG_SESSION_MAX_AGE_HOURS = env.int("ADGANG_SESSION_MAX_AGE_HOURS", default=12)
# Not saved on every request (an UPDATE per page view): SessionRefreshMiddleware refreshes the
# expiry at most once a minute, so a session ends within SESSION_COOKIE_AGE of its last request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "adgang.ui.views.csrf_failure"

# Internationalisation: Danish first, English second (SPEC: UI language).
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "adgang" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Development serves static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Background work: django-tasks with the database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# /readyz answers 503 when no worker has reported for this long.
ADGANG_WORKER_STALE_AFTER = timedelta(seconds=env.int("ADGANG_WORKER_STALE_SECONDS", default=60))
ADGANG_HEARTBEAT_SECONDS = env.int("ADGANG_HEARTBEAT_SECONDS", default=15)
# A task row still RUNNING this long after its start, whose worker no longer beats, was left by
# a killed worker; housekeeping marks it FAILED (core.tasks). Longer than any task runs.
ADGANG_TASK_ABANDONED_AFTER_SECONDS = env.int("ADGANG_TASK_ABANDONED_AFTER_SECONDS", default=3600)

# Login throttling (django-axes): five failures lock the client out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("ADGANG_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address as the API sees it: behind a proxy the right-most entry of
# ADGANG_API_CLIENT_IP_HEADER (django-ipware is not installed, so axes needs this).
AXES_CLIENT_IP_CALLABLE = "adgang.core.client_ip.client_ip"

# Content Security Policy: nothing inline, nothing from other origins.
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
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # ASVS 3.4.4: the `__Host-` prefix makes browsers accept the cookies only when Secure,
    # with Path=/ and no Domain (Django's defaults, kept), so no sibling host can plant them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("ADGANG_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("ADGANG_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("ADGANG_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The built-in test portal (SPEC §1, §15): on in development, off in production by default.
ADGANG_TESTPORTAL_ENABLED = env.bool("ADGANG_TESTPORTAL_ENABLED", default=not PRODUCTION)

# Outbound calls (REST PUSH endpoints, receipt endpoints) may target internal addresses only
# where this is on: the demo and tests talk to servers on localhost (DESIGN "HTTP out").
ADGANG_OUTBOUND_ALLOW_PRIVATE = env.bool("ADGANG_OUTBOUND_ALLOW_PRIVATE", default=not PRODUCTION)
# An extra CA certificate that outbound HTTPS (deliveries, receipts) trusts besides the system
# store: the demo receiver's self-signed certificate in development. Empty in production.
# In development it defaults to the demo receiver's certificate once `manage.py demo` made it.
_DEMO_CA_FILE = VAR_DIR / "demo-tls" / "dev.crt"
ADGANG_OUTBOUND_CA_FILE = env.str(
    "ADGANG_OUTBOUND_CA_FILE",
    default=str(_DEMO_CA_FILE) if not PRODUCTION and _DEMO_CA_FILE.exists() else "",
)

# Behind a reverse proxy, the request header carrying the API caller's address (NGDP-API.md
# "Authentication"), e.g. "HTTP_X_FORWARDED_FOR"; its right-most entry (the one our proxy
# appended) is used. Empty: the socket address (REMOTE_ADDR).
ADGANG_API_CLIENT_IP_HEADER = env.str("ADGANG_API_CLIENT_IP_HEADER", default="")
# API Basic auth: this many wrong keys for one system within the window answer 429 until it
# ends (adgang/systems/throttle.py; counted in CACHES["default"], per process unless shared).
ADGANG_API_AUTH_FAILURE_LIMIT = env.int("ADGANG_API_AUTH_FAILURE_LIMIT", default=10)
ADGANG_API_AUTH_FAILURE_WINDOW_SECONDS = env.int(
    "ADGANG_API_AUTH_FAILURE_WINDOW_SECONDS", default=300
)
# Django's cache (only the throttle above uses it): locmemcache:// counts per process;
# dbcache://adgang_cache (after `manage.py createcachetable`) or redis://… share the count.
CACHES = {"default": env.cache_url("ADGANG_CACHE_URL", default="locmemcache://")}

# Deep links to a contact point or group (SPEC §4): the citizen platform (borger.dk's Digital
# Post) and the business platform (Virk), which authorities use too.
ADGANG_DEEPLINK_CITIZEN_BASE = env.str(
    "ADGANG_DEEPLINK_CITIZEN_BASE", default="https://post.borger.dk"
)
ADGANG_DEEPLINK_BUSINESS_BASE = env.str("ADGANG_DEEPLINK_BUSINESS_BASE", default="https://virk.dk")

# The portal's own public address, for links that leave it: the NemSMS confirmation link sent
# by SMS (SPEC §7). No trailing slash.
ADGANG_PUBLIC_BASE_URL = env.str("ADGANG_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# E-mail (statistics reports, SPEC §11): the embedded default sends nothing; it keeps every
# e-mail in the database outbox (statistics.EmailOutbox). Production names a real backend,
# e.g. django.core.mail.backends.smtp.EmailBackend with Django's EMAIL_HOST settings.
EMAIL_BACKEND = env.str("ADGANG_EMAIL_BACKEND", default="adgang.statistics.mail.OutboxEmailBackend")
DEFAULT_FROM_EMAIL = env.str("ADGANG_DEFAULT_FROM_EMAIL", default="noreply@digitalpost.dk")
# Django's SMTP settings, used when ADGANG_EMAIL_BACKEND names the SMTP backend.
EMAIL_HOST = env.str("ADGANG_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("ADGANG_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("ADGANG_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("ADGANG_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("ADGANG_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("ADGANG_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("ADGANG_EMAIL_TIMEOUT", default=30)

# NemSMS (SPEC §7, §13): the class that sends text messages; the embedded default keeps them in
# the outbox (nemsms.SmsOutbox). A real gateway subclasses adgang.nemsms.gateway.SmsBackend.
ADGANG_SMS_BACKEND = env.str("ADGANG_SMS_BACKEND", default="adgang.nemsms.gateway.OutboxBackend")

# Flyt post (SPEC §12): a move's lease; a move whose worker has not renewed it for this long is
# taken up again by the periodic recovery job, which runs this often.
ADGANG_MOVEPOST_LEASE_SECONDS = env.int("ADGANG_MOVEPOST_LEASE_SECONDS", default=120)
ADGANG_MOVEPOST_RECOVER_SECONDS = env.int("ADGANG_MOVEPOST_RECOVER_SECONDS", default=60)

# Shown in the header of every page (SPEC §2).
ADGANG_SUPPORT_PHONE = env.str("ADGANG_SUPPORT_PHONE", default="33 98 00 38")

# CPR/CVR register adapter (SPEC §1 "Registers").
ADGANG_REGISTER = {
    "BACKEND": env.str(
        "ADGANG_REGISTER_BACKEND", default="adgang.registers.synthetic.SyntheticRegister"
    ),
    "OPTIONS": {"seed": env.int("ADGANG_REGISTER_SEED", default=2026)},
}

# OpenID Connect login (mozilla-django-oidc); enabled when a provider is configured.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
# Claim names: NemLog-in's professional-identity attributes by default.
ADGANG_OIDC_CLAIM_CVR = env.str(
    "ADGANG_OIDC_CLAIM_CVR", default="https://data.gov.dk/model/core/eid/professional/cvr"
)
ADGANG_OIDC_CLAIM_RID = env.str(
    "ADGANG_OIDC_CLAIM_RID", default="https://data.gov.dk/model/core/eid/professional/rid"
)
ADGANG_OIDC_CLAIM_NAME = env.str("ADGANG_OIDC_CLAIM_NAME", default="name")
ADGANG_OIDC_CLAIM_RIGHTS = env.str("ADGANG_OIDC_CLAIM_RIGHTS", default="adgang_rights")
# Only the platform operator's employees may hold Systemforvalter through a login's claims:
# an organisation's own rights administrator must not be able to grant access to all others.
ADGANG_PLATFORM_OPERATOR_CVRS = env.list("ADGANG_PLATFORM_OPERATOR_CVRS", default=["34051178"])
ADGANG_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT)

# The SFTP intake for SFTP sender systems (SPEC §13): `manage.py sftpserver`, started by
# `make run` beside web and worker. Its ed25519 host key is generated on first start.
ADGANG_SFTP_ENABLED = env.bool("ADGANG_SFTP_ENABLED", default=not PRODUCTION)
# `make run` also starts the demo's REST PUSH receiver system (once `manage.py demo` has
# connected it), so the demo shows real deliveries and business receipts.
ADGANG_DEMO_RECEIVER_ENABLED = env.bool("ADGANG_DEMO_RECEIVER_ENABLED", default=not PRODUCTION)
ADGANG_SFTP_HOST = env.str("ADGANG_SFTP_HOST", default="127.0.0.1")
ADGANG_SFTP_PORT = env.int("ADGANG_SFTP_PORT", default=2222)
ADGANG_SFTP_HOST_KEY = env.str(
    "ADGANG_SFTP_HOST_KEY", default=str(VAR_DIR / "sftp_host_ed25519_key")
)
# What all uploads in flight may hold together (memory and temporary files).
ADGANG_SFTP_SPOOL_MAX_BYTES = env.int("ADGANG_SFTP_SPOOL_MAX_BYTES", default=2 * 1024**3)

# Prometheus metrics at /metrics (docs/operations.md "Metrics"): off unless enabled; with a
# token the scraper must send `Authorization: Bearer <token>`; the allowed addresses or
# networks, when given, are checked against the connection's address.
ADGANG_METRICS_ENABLED = env.bool("ADGANG_METRICS_ENABLED", default=False)
ADGANG_METRICS_TOKEN = env.str("ADGANG_METRICS_TOKEN", default="")
ADGANG_METRICS_ALLOWED_IPS = env.list("ADGANG_METRICS_ALLOWED_IPS", default=[])

# `plain` for the console of `make run`; `json` (one object per line, with request and task
# ids) for production log shipping.
ADGANG_LOG_FORMAT = env.str("ADGANG_LOG_FORMAT", default="plain")
if ADGANG_LOG_FORMAT not in {"plain", "json"}:
    raise environ.ImproperlyConfigured("ADGANG_LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "adgang.core.observability.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "adgang.core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": ADGANG_LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("ADGANG_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},  # one INFO line per glyph subset in every PDF
        "asyncssh": {"level": "WARNING"},  # several INFO lines per SFTP connection
        # One INFO line per request, with the pinned address in the URL; deliveries record
        # their own outcome in the message log.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # A RUNNING and a SUCCESSFUL line for every periodic job every 15 seconds would drown
        # the console; failures are logged at ERROR and still show.
        "django_tasks": {"level": "WARNING"},
    },
}
FORM_RENDERER = "adgang.ui.forms.DKFDSFormRenderer"
OIDC_CALLBACK_CLASS = "adgang.accounts.oidc.AdgangOIDCCallbackView"
