"""One settings file, driven by environment variables.

Every variable is read through a tiny helper that fails loudly on a value it does not
understand, so a typo in production stops the process instead of silently using a default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

# Rotating the key: put the old key here (comma-separated) while the new one is in
# DJANGO_SECRET_KEY; sessions and reset links signed with the old key keep working until
# they expire, then the old key is removed (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The built-in widget templates, for the TemplatesSetting form renderer below.
    "django.forms",
    "django_htmx",
    # The task queue's table (django.tasks' database backend): mails wait there for the worker.
    "django_tasks_db",
    "plans",
    "funds",
    "reporting",
    "calls",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: refuse it by its Content-Length (config/untrusted.py).
    "config.untrusted.BodyTooLargeMiddleware",
    # Static files straight from the app server (compressed, cached forever when hashed):
    # no separately configured proxy is needed for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "config.middleware.DatabaseBusyMiddleware",
    "config.middleware.PdfRenderErrorMiddleware",
    "config.errors.SwedishErrorPagesInDebugMiddleware",
]

# Without JavaScript the allocation matrix posts two fields per cell: 300 recipients × 8 areas
# is 4 800 fields. Django's default (1 000) would refuse it with a 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 6000

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# One form look for the whole site: templates/forms/form.html and field.html.
FORM_RENDERER = "config.forms.SiteFormRenderer"

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
                "django.template.context_processors.csp",
                "funds.navigation.member_nav",
                "funds.navigation.nav_section",
            ],
        },
    },
]

# SQLite is only the zero-setup demo default; production and the test suite use PostgreSQL.
# Connections are kept for a minute and checked before reuse (a restarted database or a
# load balancer's idle cut does not surface as an error).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's SQLite: write-ahead log so readers never wait for a writer, a busy timeout
    # instead of an immediate "database is locked", and write transactions that take the
    # write lock when they begin (a deferred one that upgrades later can deadlock and fail).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": env_int("DJANGO_SQLITE_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Swedish only: the users, the documents and the authorities are Swedish. No LocaleMiddleware,
# so a browser that asks for English (Accept-Language: en) still gets the Swedish interface.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production runs `collectstatic` before it starts: WhiteNoise then serves compressed copies
# under hashed names, cached for a year. Without collected files (development, tests) the
# plain files are served from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Django 6.1's MAILERS (EMAIL_BACKEND is deprecated): console in development, SMTP otherwise.
_MAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
            "port": env_int("DJANGO_EMAIL_PORT", 25),
        }
        if _MAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
# Absolute links in e-mails (reminders) start with this, e.g. https://medel.example.se
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
# Where the public pages /tillganglighet/ and /personuppgifter/ send questions and reports of
# accessibility gaps; empty: they point to the organisations' own addresses instead.
CONTACT_EMAIL = os.environ.get("DJANGO_CONTACT_EMAIL", "").strip()
# The dataskyddsombud's or registrator's address for questions about personal data; empty:
# CONTACT_EMAIL.
PRIVACY_CONTACT_EMAIL = os.environ.get("DJANGO_PRIVACY_CONTACT_EMAIL", "").strip()

# Mails and letters wait in the same PostgreSQL database as the change they announce (the
# task row commits with it) until `manage.py db_worker` sends them (docs/operations.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Attempts per mail before it is shown as "misslyckad", and the wait before each retry
# (doubled every time, from this many seconds).
MAIL_MAX_ATTEMPTS = env_int("DJANGO_MAIL_MAX_ATTEMPTS", 5)
MAIL_RETRY_SECONDS = env_int("DJANGO_MAIL_RETRY_SECONDS", 60)

# The membership roles that administer their own organisation: invite, change and remove its
# members and reviewers, and edit its settings and logo. Site staff (superusers) create
# organisations and national reference data.
ORGANISATION_ADMIN_ROLES = env_list("DJANGO_ORGANISATION_ADMIN_ROLES", ["admin", "coordinator"])
# How long an invitation link works.
INVITATION_DAYS = env_int("DJANGO_INVITATION_DAYS", 14)

# Content Security Policy: nothing inline without the per-request nonce, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# The Swedish 400/403/404/500 pages also with DEBUG on (the demo), instead of Django's
# technical pages; set DJANGO_SWEDISH_ERROR_PAGES_IN_DEBUG=0 to see tracebacks in the browser.
SWEDISH_ERROR_PAGES_IN_DEBUG = env_bool("DJANGO_SWEDISH_ERROR_PAGES_IN_DEBUG", True)
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings are worth reading.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# --- Sign-in -----------------------------------------------------------------------------
# Single sign-on over OpenID Connect (mozilla-django-oidc), local passwords that can be
# switched off, lockout of repeated failures (django-axes) and sessions that end when idle.
# Every variable is described in docs/operations.md, "Sign-in".
INSTALLED_APPS += ["axes", "signin"]
# The idle-session refresh needs the user (after AuthenticationMiddleware); Axes turns a
# lockout flagged during the request into the Swedish lockout page, so it wraps the rest.
MIDDLEWARE += ["signin.middleware.SessionIdleMiddleware", "axes.middleware.AxesMiddleware"]


def _env_required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_OIDC_ENABLED is on.")
    return value


OIDC_ENABLED = env_bool("DJANGO_OIDC_ENABLED", False)
LOCAL_PASSWORDS_ENABLED = env_bool("DJANGO_LOCAL_PASSWORDS_ENABLED", True)
if not (OIDC_ENABLED or LOCAL_PASSWORDS_ENABLED):
    raise ImproperlyConfigured(
        "DJANGO_LOCAL_PASSWORDS_ENABLED=0 needs DJANGO_OIDC_ENABLED=1: nobody could sign in."
    )
# Axes first: it refuses a locked-out account or address before any password is checked.
# It has no get_user, so a session is kept by the backend that signed the user in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_PASSWORDS_ENABLED else []),
    *(["signin.backends.InvitedStaffBackend"] if OIDC_ENABLED else []),
]
OIDC_BUTTON_LABEL = os.environ.get("DJANGO_OIDC_BUTTON_LABEL", "Logga in med organisationens konto")
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = _env_required("DJANGO_OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _env_required("DJANGO_OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _env_required("DJANGO_OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = _env_required("DJANGO_OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _env_required("DJANGO_OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _env_required("DJANGO_OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = os.environ.get("DJANGO_OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
# Staff are invited by an administrator; a working identity-provider account is not enough.
OIDC_CREATE_USER = False
# Seconds to wait for the identity provider's token, userinfo and key endpoints.
OIDC_TIMEOUT = env_int("DJANGO_OIDC_TIMEOUT_SECONDS", 10)

# Lockout: a few failures lock the account, more lock the address. Many staff of a town
# hall share one public address, so the address gets a higher limit of its own.
AXES_FAILURE_LIMIT = env_int("DJANGO_SIGNIN_FAILURE_LIMIT", 5)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_SIGNIN_ADDRESS_FAILURE_LIMIT", 30)
SIGNIN_LOCKOUT_MINUTES = env_int("DJANGO_SIGNIN_LOCKOUT_MINUTES", 15)
if min(AXES_FAILURE_LIMIT, SIGNIN_ADDRESS_FAILURE_LIMIT, SIGNIN_LOCKOUT_MINUTES) < 1:
    raise ImproperlyConfigured("The DJANGO_SIGNIN_* limits and minutes must be at least 1.")
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
# The order matters: signin.lockout.SignInAxesHandler reads the account's count first.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "signin.lockout.SignInAxesHandler"
AXES_LOCKOUT_CALLABLE = "signin.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "signin.lockout.client_ip"
AXES_USERNAME_CALLABLE = "signin.lockout.client_username"
# No start-up banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False
# How many reverse proxies (load balancer, TLS terminator) append to X-Forwarded-For in front
# of the app. 0: the client is REMOTE_ADDR and the header is ignored, since anyone can send it.
SIGNIN_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# Password reset and sign-up verification mails per hour, per address and per client
# (signin/ratelimit.py). Counted in the cache: per worker with the default local-memory
# cache, so with N workers a client gets at most N times these (docs/operations.md).
MAIL_LIMIT_PER_ADDRESS = env_int("DJANGO_MAIL_LIMIT_PER_ADDRESS", 3)
MAIL_LIMIT_PER_CLIENT = env_int("DJANGO_MAIL_LIMIT_PER_CLIENT", 10)
if min(MAIL_LIMIT_PER_ADDRESS, MAIL_LIMIT_PER_CLIENT) < 1:
    raise ImproperlyConfigured("The DJANGO_MAIL_LIMIT_* values must be at least 1.")

# Sessions end when the browser closes, or after this many minutes without a request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_IDLE_MINUTES = env_int("DJANGO_SESSION_IDLE_MINUTES", 60)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("DJANGO_SESSION_IDLE_MINUTES must be at least 1.")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# --- Open data (reporting/opendata/) ---
# The licence every published dataset carries in the DCAT catalogue; CC0 unless the
# organisations running this installation decide otherwise.
OPEN_DATA_LICENSE = os.environ.get(
    "DJANGO_OPEN_DATA_LICENSE", "http://creativecommons.org/publicdomain/zero/1.0/"
)
# Who publishes the catalogue as a whole (a county partnership, an IT department). Empty: the
# organisations whose years are published.
OPEN_DATA_PUBLISHER = os.environ.get("DJANGO_OPEN_DATA_PUBLISHER", "")
# The e-mail address the catalogue gives as every dataset's contact point (dcat:contactPoint),
# e.g. oppnadata@kommun.se. `check --deploy` warns while it or SITE_URL is empty.
OPEN_DATA_CONTACT_EMAIL = os.environ.get("DJANGO_OPEN_DATA_CONTACT_EMAIL", "")
