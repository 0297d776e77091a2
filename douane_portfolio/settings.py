"""Settings for douane_portfolio.

One module for every environment: production differs only by environment variables
(see README, "Configuratie"). The defaults give the embedded set-up of `make run`:
SQLite and a file-system Celery broker under `var/`, mails written as files.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on", "ja")


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is verplicht wanneer DEBUG uit staat.")
    SECRET_KEY = "onveilig-alleen-voor-ontwikkeling-" + "x" * 32

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "douane_portfolio",
    "programmas",
    "risicos",
    "audits",
    "rapportage",
    "importeren",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a log-in unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "douane_portfolio.urls"
WSGI_APPLICATION = "douane_portfolio.wsgi.application"

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
                "douane_portfolio.context_processors.navigatie",
            ],
        },
    },
]

# Database: DATABASE_URL in dj-database-url form; default a SQLite file under var/.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to the same file: WAL lets readers go on while one
    # writes, IMMEDIATE takes the write lock up front so two writers wait instead of
    # failing halfway with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if os.environ.get("SQLITE_TEST_NAME"):
        # A file test database, so that a real Celery worker process can see it.
        DATABASES["default"]["TEST"] = {"NAME": os.environ["SQLITE_TEST_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "douane_portfolio.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed log-ins: after AXES_FAILURE_LIMIT failures for one user name from one address,
# that combination waits AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/geblokkeerd.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_VERBOSE = envbool("AXES_VERBOSE", False)

# Sessions end after SESSION_TIMEOUT_MINUTES without a request.
SESSION_COOKIE_AGE = envint("SESSION_TIMEOUT_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
# Hashed, compressed file names need `collectstatic`; without it (development, tests)
# the files are served straight from static/.
STATIC_MANIFEST = envbool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    # Uploaded evidence is never served from MEDIA_URL: views check permissions first.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a redirect to HTTPS;
# behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
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

# E-mail: files under var/mail/ in the embedded set-up, SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH") or VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# A hanging SMTP server must not hold a worker (and its claim on a mail) for ever.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Douane Portfolio <portfolio@douane.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Default broker: kombu's file system transport, which needs no server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Without it kombu writes its exchange tables to ./control, wherever it runs.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it for another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Several environments may share one Redis; each then names its own queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")


def beat_schema(waarde):
    """A five-field crontab ("0 7 * * *", in CELERY_TIMEZONE), a number of seconds, or
    None for "uit"."""
    waarde = waarde.strip()
    if waarde.lower() in ("uit", "off", "0", ""):
        return None
    if waarde.replace(".", "", 1).isdigit():
        return float(waarde)
    velden = waarde.split()
    if len(velden) != 5:
        raise ImproperlyConfigured(f"Geen crontab van vijf velden of aantal seconden: {waarde!r}")
    minuut, uur, dag, maand, weekdag = velden
    return crontab(
        minute=minuut, hour=uur, day_of_month=dag, month_of_year=maand, day_of_week=weekdag
    )


def kortste_tussenpoos(schema):
    """Seconds between the two closest runs of a schedule (days only widen the gaps)."""
    if not isinstance(schema, crontab):
        return schema
    momenten = sorted(uur * 60 + minuut for uur in schema.hour for minuut in schema.minute)
    gaten = [b - a for a, b in zip(momenten, momenten[1:], strict=False)]
    gaten.append(momenten[0] + 24 * 60 - momenten[-1])
    return min(gaten) * 60


# Reminders (README, "Herinneringen"): days ahead, escalation, weekly digest day, and how
# long a worker may hold a claimed mail before a later run takes it over.
HERINNERINGEN_VOORAF = sorted(
    {int(d) for d in envlist("HERINNERINGEN_VOORAF", ["14", "3"])}, reverse=True
)
HERINNERINGEN_ESCALATIE_NA = envint("HERINNERINGEN_ESCALATIE_NA", 14)
HERINNERINGEN_WEEKDAG = envint("HERINNERINGEN_WEEKDAG", 1)  # ISO: 1 = maandag
HERINNERINGEN_CLAIM_MINUTEN = envint("HERINNERINGEN_CLAIM_MINUTEN", 30)
HERINNERINGEN_SCHEMA = beat_schema(os.environ.get("HERINNERINGEN_SCHEMA", "0 7 * * *"))

CELERY_BEAT_SCHEDULE = {}
if HERINNERINGEN_SCHEMA is not None:
    CELERY_BEAT_SCHEDULE["herinneringen-versturen"] = {
        "task": "douane_portfolio.tasks.herinneringen_versturen",
        "schedule": HERINNERINGEN_SCHEMA,
        # A run that waited longer than this for a worker is dropped: the next one
        # catches up, and runs never pile up behind a stopped worker.
        "options": {
            "expires": envint(
                "HERINNERINGEN_EXPIRES", int(kortste_tussenpoos(HERINNERINGEN_SCHEMA) * 0.9)
            )
        },
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Every log-in is already in the axes tables; the log only needs the problems.
        "axes": {"level": "WARNING"},
    },
}

DJANGO_TABLES2_TEMPLATE = "lijsten/tabel.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "tabel"}

LIJST_PAGINA_GROOTTE = envint("LIJST_PAGINA_GROOTTE", 50)
# Largest evidence file an auditor or action owner may upload (the proxy must allow it too).
AUDITS_BEWIJS_MAX_BYTES = envint("AUDITS_BEWIJS_MAX_BYTES", 10 * 1024 * 1024)
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")

# --- Importeren (importeren/) ---
# Largest register file, most data rows per file, and from how many rows a preview or an
# import runs in a Celery worker (with a progress bar) instead of in the request.
IMPORTEREN_MAX_BYTES = envint("IMPORTEREN_MAX_BYTES", 5 * 1024 * 1024)
IMPORTEREN_MAX_RIJEN = envint("IMPORTEREN_MAX_RIJEN", 10_000)
IMPORTEREN_TAAK_VANAF = envint("IMPORTEREN_TAAK_VANAF", 500)
# --- einde Importeren ---

# The embedded set-up keeps its state in var/; make sure its folders exist.
_folders = [VAR_DIR, MEDIA_ROOT, STATIC_ROOT]
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    _folders.append(EMAIL_FILE_PATH)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _folders += [_broker_dir / "queue", _broker_dir / "processed", _broker_dir / "control"]
for _folder in _folders:
    _folder.mkdir(parents=True, exist_ok=True)
