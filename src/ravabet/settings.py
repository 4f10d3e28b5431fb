"""One settings file for every deployment, driven by environment variables.

Embedded by default (SQLite in ``RAVABET_DATA_DIR``, database-backed task worker, files on
disk); real at scale through ``DATABASE_URL``, ``REDIS_URL`` and ``RAVABET_S3_BUCKET``.
Every variable is read through :mod:`ravabet.lib.env`, which refuses malformed values.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ravabet.lib.env import env_bool, env_choice, env_int, env_list, env_str, env_time

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env_str("RAVABET_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
ASSETS_DIR = Path(env_str("RAVABET_ASSETS_DIR", str(PROJECT_DIR / "build" / "static"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
TESTING = "pytest" in sys.modules or env_bool("RAVABET_TESTING")


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64), encoding="ascii")
    return key_file.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("RAVABET_DEBUG", False)
HTTPS = env_bool("RAVABET_HTTPS", False)
ALLOWED_HOSTS = env_list("RAVABET_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("RAVABET_CSRF_TRUSTED_ORIGINS")

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ravabet.core",
    "ravabet.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session timeout, which tells the person (or htmx) why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ravabet.core.middleware.RequestContextMiddleware",
    "ravabet.core.middleware.LanguageMiddleware",
    "ravabet.core.middleware.SessionTimeoutMiddleware",
    "ravabet.core.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ravabet.urls"
WSGI_APPLICATION = "ravabet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ravabet.core.context_processors.shell",
            ],
            "builtins": ["ravabet.core.templatetags.persian"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ravabet.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("RAVABET_DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout instead
        # of one failing with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000;"
        ),
    }
    # Tests use a file, not memory: threads and worker processes in the tests then share the
    # database with real locking, as in production. One file per test run (process id).
    _db["TEST"] = {
        "NAME": env_str("RAVABET_TEST_SQLITE", "") or str(DATA_DIR / f"test-{os.getpid()}.sqlite3")
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("RAVABET_CACHE_PREFIX", "ravabet"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -----------------------------------------------------------------------
TASK_BACKEND = env_choice("RAVABET_TASK_BACKEND", ("database", "redis", "immediate"), "database")
if TASK_BACKEND == "redis":
    if not REDIS_URL:
        raise ValueError("RAVABET_TASK_BACKEND=redis needs REDIS_URL")
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOB_MAX_ATTEMPTS = env_int("RAVABET_JOB_MAX_ATTEMPTS", 5, minimum=1, maximum=50)
JOB_STALE_AFTER = timedelta(seconds=env_int("RAVABET_JOB_STALE_SECONDS", 900, minimum=30))

# --- Files ----------------------------------------------------------------------------------
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static", ASSETS_DIR]
S3_BUCKET = env_str("RAVABET_S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("RAVABET_S3_ENDPOINT_URL") or None,
            "access_key": env_str("RAVABET_S3_ACCESS_KEY") or None,
            "secret_key": env_str("RAVABET_S3_SECRET_KEY") or None,
            "region_name": env_str("RAVABET_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING
# Under test, look files up per request instead of scanning every static file per test client.
WHITENOISE_AUTOREFRESH = TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [Path(env_str("RAVABET_LOCALE_DIR", str(PACKAGE_DIR / "locale")))]
LANGUAGE_COOKIE_NAME = "ravabet_language"
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ravabet.core.accounts.AccountBackend",
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("RAVABET_SESSION_ABSOLUTE_HOURS", 12, minimum=1))
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("RAVABET_SESSION_IDLE_MINUTES", 30, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Roles whose members must use a second factor; the default covers administrators.
SECOND_FACTOR_REQUIRED_ROLES = env_list("RAVABET_2FA_REQUIRED_ROLES", ["admin"])
OTP_TOTP_ISSUER = env_str("RAVABET_OTP_ISSUER", "Ravabet")

# Lockout counts failures per username *and* address together: agency staff share office
# addresses, so locking an address would lock a whole agency out.
AXES_FAILURE_LIMIT = env_int("RAVABET_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RAVABET_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ravabet.core.views.auth.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("RAVABET_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "geolocation": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- E-mail and messengers ------------------------------------------------------------------
EMAIL_HOST = env_str("RAVABET_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("RAVABET_EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("RAVABET_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("RAVABET_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("RAVABET_EMAIL_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    # Without an SMTP server, mail is written to files in the data folder for inspection.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("RAVABET_EMAIL_FROM", "ravabet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
BALE_API_URL = env_str("RAVABET_BALE_API_URL", "https://tapi.bale.ai")
BALE_BOT_TOKEN = env_str("RAVABET_BALE_TOKEN")
SMS_API_URL = env_str("RAVABET_SMS_API_URL", "https://api.kavenegar.com")
SMS_API_KEY = env_str("RAVABET_SMS_API_KEY")
SMS_SENDER = env_str("RAVABET_SMS_SENDER")
OUTBOX_MAX_ATTEMPTS = env_int("RAVABET_OUTBOX_MAX_ATTEMPTS", 6, minimum=1, maximum=50)
# Seconds; a slow gateway must not hold a worker. The total caps the whole request.
NOTIFY_CONNECT_TIMEOUT = 5.0
NOTIFY_TOTAL_TIMEOUT = 10.0
# The public address of the site, for links in e-mail and messenger messages.
SITE_URL = env_str("RAVABET_SITE_URL", "http://localhost:8000").rstrip("/")

# --- Media monitoring -----------------------------------------------------------------------
# Addresses the fetcher may reach beside public ones ("127.0.0.1:8001", for the demo's local
# news server); empty in production, where only public addresses on ports 80/443 are fetched.
MONITORING_FETCH_ALLOW = env_list("RAVABET_FETCH_ALLOW")
# An active source is polled every MIN × its tier seconds, a quiet one at most every MAX: an
# urgent item waits for the next poll, so 20 and 40 keep alerts within a minute of publication
# (p95, 2,000 sources on 2 cores: bench/monitoring/bench_alert_latency.py). Raise them to
# poll less where a slower alert will do.
MONITORING_POLL_MIN_SECONDS = env_int("RAVABET_POLL_MIN_SECONDS", 20, minimum=5)
MONITORING_POLL_MAX_SECONDS = env_int("RAVABET_POLL_MAX_SECONDS", 40, minimum=10)
# A source with nothing new for a day is dormant (a county's site that publishes twice a week):
# its interval stretches on up to 15 minutes, sparing the site a request every 40 seconds for
# days; its first new item brings it back within the bounds above at once.
MONITORING_POLL_DORMANT_AFTER = timedelta(
    hours=env_int("RAVABET_POLL_DORMANT_HOURS", 24, minimum=1)
)
MONITORING_POLL_DORMANT_SECONDS = env_int("RAVABET_POLL_DORMANT_SECONDS", 900, minimum=60)
# A claimed poll not finished by then is taken for lost (its worker died) and polled again;
# keep it above the longest poll (the fetch deadline is 20 s).
MONITORING_POLL_LEASE = timedelta(seconds=env_int("RAVABET_POLL_LEASE_SECONDS", 120, minimum=1))
MONITORING_ALERT_ESCALATE_AFTER = timedelta(
    minutes=env_int("RAVABET_ALERT_ESCALATE_MINUTES", 10, minimum=1)
)
MONITORING_DIGEST_TIME = env_time("RAVABET_DIGEST_TIME", "07:00")
# An item's LSH band keys (53 rows, for finding its copies and light edits) are kept this many
# days after it was collected, then pruned each night: copies arrive within days, and the band
# table would otherwise grow by 53 rows an item for ever. Later copies of an older item are
# still found if they are exact copies (by content hash); edited ones start a story of their own.
MONITORING_STORY_BAND_DAYS = env_int("RAVABET_STORY_BAND_DAYS", 30, minimum=7)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("RAVABET_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # httpx logs every request URL at INFO, and Bale's token and the SMS key are in the URL.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO; its refusals come at WARNING.
        "weasyprint": {"level": "WARNING"},
    },
}
