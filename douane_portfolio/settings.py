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
        raise ImproperlyConfigured(
            "SECRET_KEY is verplicht wanneer DEBUG uit staat. "
            "Voor de ontwikkelopzet: zet DEBUG=1 (zoals make run en make check doen)."
        )
    SECRET_KEY = "onveilig-alleen-voor-ontwikkeling-" + "x" * 32

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "douane_portfolio.beheer.BeheerConfig",  # django.contrib.admin, writes run again
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
    "herinneringen",
    "programmas",
    "risicos",
    "audits",
    "rapportage",
    # --- API (issue 15) ---
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # --- end API ---
    "importeren",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "douane_portfolio.middleware.NietCachen",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "douane_portfolio.middleware.SessieVernieuwen",
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


def verplicht_in_productie(naam):
    """Production (DEBUG off) names its database and broker; only development falls back
    to the embedded SQLite file and file-system broker."""
    if not DEBUG and not os.environ.get(naam):
        raise ImproperlyConfigured(
            f"{naam} is verplicht wanneer DEBUG uit staat (er is geen stille terugval op de "
            "ingebouwde ontwikkelopzet). Zet bijvoorbeeld "
            + {
                "DATABASE_URL": "DATABASE_URL=postgres://gebruiker:wachtwoord@host:5432/naam",
                "CELERY_BROKER_URL": "CELERY_BROKER_URL=redis://host:6379/0",
                "CACHE_URL": "CACHE_URL=redis://host:6379/1 (of locmem:// voor één proces)",
            }[naam]
            + ", of DEBUG=1 voor ontwikkeling."
        )


# Database: DATABASE_URL in dj-database-url form; default a SQLite file under var/.
verplicht_in_productie("DATABASE_URL")
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

# Cache: what one process caches (the report's outline) the others must see, so
# production names a shared one, CACHE_URL=redis://host:6379/1; locmem:// (each process
# its own memory) is the development default and fits a single process only.
verplicht_in_productie("CACHE_URL")
CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith("file:///"):
    # Shared by the processes of one machine (web and worker) without a Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://"),
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r} wordt niet ondersteund: gebruik redis://host:6379/1, "
        "file:///pad/naar/map (één machine), of locmem:// voor één proces."
    )

AUTH_USER_MODEL = "douane_portfolio.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Inloggen: password (off but for break-glass with LOKAAL_INLOGGEN=0) and SSO.
    "inloggen.backends.LokaalBackend",
    "inloggen.oidc.OidcBackend",
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
AXES_USERNAME_CALLABLE = "douane_portfolio.inlogpogingen.gebruikersnaam"
AXES_LOCKOUT_TEMPLATE = "registration/geblokkeerd.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_VERBOSE = envbool("AXES_VERBOSE", False)

# --- Inloggen (OIDC, MFA) ---------------------------------------------------------------
# README, "Inloggen". Single sign-on through OpenID Connect (mozilla-django-oidc) is on
# once OIDC_CLIENT_ID is set; local accounts get a second factor (django-otp, TOTP).
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "inloggen",
]
_na_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE.insert(_na_auth, "django_otp.middleware.OTPMiddleware")
# Inside the CSP middleware, which then sees the provider's origin it adds.
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "inloggen.middleware.InloggenMiddleware"
)

# alle: every local account; beheer: Beheerder, superusers and the admin; uit: nobody.
# `make run` (DEBUG) defaults to uit so the demo needs no authenticator app.
MFA_VERPLICHT = os.environ.get("MFA_VERPLICHT", "uit" if DEBUG else "beheer").strip().lower()
if MFA_VERPLICHT not in ("alle", "beheer", "uit"):
    raise ImproperlyConfigured(f"MFA_VERPLICHT: alle, beheer of uit, niet {MFA_VERPLICHT!r}")
OTP_TOTP_ISSUER = os.environ.get("MFA_NAAM_IN_APP", "Douane Portfolio")
# Wrong codes are counted by django-axes, like wrong passwords (one counter, one lock).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

LOKAAL_INLOGGEN = envbool("LOKAAL_INLOGGEN", True)
OIDC_ORGANISATIE = os.environ.get("OIDC_ORGANISATIE", "uw organisatie")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
# Either the discovery document, or the endpoints one by one (explicit ones win).
OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_END_SESSION_ENDPOINT", "")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the RP-initiated logout
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10)
OIDC_VERIFY_SSL = envbool("OIDC_VERIFY_SSL", True)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_terug"
OIDC_CLAIM_GROEPEN = os.environ.get("OIDC_CLAIM_GROEPEN", "groups")
OIDC_CLAIM_EMAIL = os.environ.get("OIDC_CLAIM_EMAIL", "email")
OIDC_CLAIM_VOORNAAM = os.environ.get("OIDC_CLAIM_VOORNAAM", "given_name")
OIDC_CLAIM_ACHTERNAAM = os.environ.get("OIDC_CLAIM_ACHTERNAAM", "family_name")
OIDC_CLAIM_GEBRUIKERSNAAM = os.environ.get("OIDC_CLAIM_GEBRUIKERSNAAM", "preferred_username")
OIDC_CLAIM_MANAGER = os.environ.get("OIDC_CLAIM_MANAGER", "")
# Match an existing account on its e-mail when no subject is linked yet (migration).
OIDC_KOPPEL_OP_EMAIL = envbool("OIDC_KOPPEL_OP_EMAIL", False)
# Role -> the provider's group names (or app roles) that give it, e.g.
# OIDC_ROL_BEHEERDER=portfolio-office. Applied at every SSO log-in.
OIDC_ROLLEN = {
    rol: envlist(f"OIDC_ROL_{rol.upper()}", [])
    for rol in ("Programmamanager", "Risicofunctionaris", "Auditor", "Beheerder", "Lezer")
}
# --- einde Inloggen -----------------------------------------------------------------------

# Sessions end after SESSION_TIMEOUT_MINUTES without a request (to the minute: the
# expiry moves forward once a minute at most, see middleware.SessieVernieuwen, instead of
# SESSION_SAVE_EVERY_REQUEST's write on every request).
SESSION_COOKIE_AGE = envint("SESSION_TIMEOUT_MINUTES", 60) * 60
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
# Opt-in: they bind every subdomain of the agency's domain and (preload) are hard to undo.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Off by choice, so `check --deploy` need not warn about them (W005, W021).
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
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

# Celery. Default broker (development only): kombu's file system transport, which needs
# no server.
verplicht_in_productie("CELERY_BROKER_URL")
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
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it for another:
# at once when only its pool process died (reject_on_worker_lost), else after the broker's
# visibility timeout (set below, with the reminder task it must outlast).
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


# Reminders (README, "Herinneringen" and "Precies één keer"): days ahead, escalation,
# weekly digest day, and how the sweep claims, retries and reports its mails.
HERINNERINGEN_VOORAF = sorted(
    {int(d) for d in envlist("HERINNERINGEN_VOORAF", ["14", "3"])}, reverse=True
)
HERINNERINGEN_ESCALATIE_NA = envint("HERINNERINGEN_ESCALATIE_NA", 14)
HERINNERINGEN_WEEKDAG = envint("HERINNERINGEN_WEEKDAG", 1)  # ISO: 1 = maandag
# A reminder day starts at this local time: runs before it still belong to the day before.
HERINNERINGEN_VANAF = os.environ.get("HERINNERINGEN_VANAF", "07:00")
# A claim (one mail, taken just before it is handed to the mail server) that is older
# than this belongs to a dead worker; it must outlast the longest single send, which
# the system check herinneringen.E001 holds against EMAIL_TIMEOUT.
HERINNERINGEN_CLAIM_MINUTEN = float(os.environ.get("HERINNERINGEN_CLAIM_MINUTEN", "15"))
# A failed mail is tried again after 5, 10, 20 … minutes (at most 4 hours), until it is
# sent or a Beheerder cancels it; from this many attempts the Beheerder is warned.
HERINNERINGEN_HERPROBEER_MINUTEN = float(os.environ.get("HERINNERINGEN_HERPROBEER_MINUTEN", "5"))
HERINNERINGEN_WAARSCHUWEN_NA = envint("HERINNERINGEN_WAARSCHUWEN_NA", 3)
HERINNERINGEN_ALARM_ADRES = os.environ.get("HERINNERINGEN_ALARM_ADRES", "")
# A batch claims no new mail after this many seconds; the rest goes with the next sweep.
HERINNERINGEN_RUN_SECONDEN = envint("HERINNERINGEN_RUN_SECONDEN", 600)
# A digest lists at most this many reminders per section, the most urgent first, with
# the total and a link to the full list (a ministry-wide escalation can hold thousands).
HERINNERINGEN_PER_DEEL = envint("HERINNERINGEN_PER_DEEL", 25)
# Actions the sweep reads and records per batch: its memory does not grow with them.
# Each action comes with its owner and context objects: at 2000 the first run at scale
# 0.1 held 164 MB (RSS) before its first mail, at 500 140 MB (README, herinneringsrun).
HERINNERINGEN_BATCH = envint("HERINNERINGEN_BATCH", 500)
# Recipients per batch task: the sweep queues one task per this many people, which
# composes and sends their mails; workers share the batches, each holds one at a time.
HERINNERINGEN_PER_TAAK = envint("HERINNERINGEN_PER_TAAK", 100)
# A batch task that waited longer than this for a worker is dropped; the next sweep
# queues what is still due. Longer than its retries (5 + 10 + 20 minutes).
HERINNERINGEN_DEEL_EXPIRES = envint("HERINNERINGEN_DEEL_EXPIRES", 3600)
# Every quarter of an hour: the sweep is idempotent, so a run lost with the broker or a
# day without a worker is made up within minutes, and so are due retries.
HERINNERINGEN_SCHEMA = beat_schema(os.environ.get("HERINNERINGEN_SCHEMA", "*/15 * * * *"))

# How long the sweep and each batch task may take: a batch's budget, the last send it
# started (at most 20 SMTP replies of EMAIL_TIMEOUT each) and a minute to spare.
# Redelivery follows from it.
HERINNERINGEN_TAAK_SECONDEN = HERINNERINGEN_RUN_SECONDEN + 20 * EMAIL_TIMEOUT + 60
# A failed task run is retried after 5, 10 and 20 minutes (HERINNERINGEN_TAAK_HERPROBEREN).
HERINNERINGEN_TAAK_HERPROBEREN = [300, 600, 1200]
# Redis hands an unacknowledged task (acks_late: its worker died) to another worker
# after the visibility timeout; kombu's default is an hour. It must exceed the longest
# run and the longest retry countdown (a retry waits unacknowledged on its worker),
# else a living task would be handed out twice. RabbitMQ redelivers at once when the
# connection drops; its consumer_timeout (30 min by default) already exceeds both.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = (
        max(HERINNERINGEN_TAAK_SECONDEN, *HERINNERINGEN_TAAK_HERPROBEREN) + 300
    )

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

# A refused request (400/403/404) is one line without a traceback; a server error is one
# record with its traceback. Django's own "django" handlers are dropped so that nothing
# is written twice (once by them, once by the root).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "geweigerd_zonder_traceback": {"()": "douane_portfolio.logboek.GeweigerdZonderTraceback"}
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["geweigerd_zonder_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # Every log-in is already in the axes tables; the log only needs the problems.
        "axes": {"level": "WARNING"},
    },
}

DJANGO_TABLES2_TEMPLATE = "lijsten/tabel.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "tabel"}

LIJST_PAGINA_GROOTTE = envint("LIJST_PAGINA_GROOTTE", 50)
# The report's PDF/Word is made during the request up to this many active initiatives
# (a few seconds at most); above it a Celery worker makes it while a page shows progress.
RAPPORT_DIRECT_TOT = envint("RAPPORT_DIRECT_TOT", 100)
# The report on screen: a page holds about this many lines (table rows, list items,
# headings, paragraphs); the whole report on one page only up to RAPPORT_ALLES_TOT lines.
RAPPORT_PAGINA_OMVANG = envint("RAPPORT_PAGINA_OMVANG", 250)
RAPPORT_ALLES_TOT = envint("RAPPORT_ALLES_TOT", 1500)
# Above RAPPORT_DIRECT_TOT the report's pages on screen are made by a worker too: beat
# checks every minute whether the data of a live report changed and has a worker make
# the new state, and a reader who comes first sees progress (or the previous state,
# labelled) instead of waiting ~10 s. It needs a cache the worker shares with the web
# processes, so it is off with locmem:// (pages made in the request, as before).
RAPPORT_VOORBOUW = envbool("RAPPORT_VOORBOUW", CACHE_URL != "locmem://")
RAPPORT_VOORBOUW_SCHEMA = beat_schema(os.environ.get("RAPPORT_VOORBOUW_SCHEMA", "60"))
# Data changed less than this many seconds ago is still moving (an import, a series of
# edits): beat waits for quiet, but rebuilds at least every RAPPORT_VOORBOUW_UITERLIJK.
RAPPORT_VOORBOUW_RUST = envint("RAPPORT_VOORBOUW_RUST", 20)
RAPPORT_VOORBOUW_UITERLIJK = envint("RAPPORT_VOORBOUW_UITERLIJK", 600)
if RAPPORT_VOORBOUW and RAPPORT_VOORBOUW_SCHEMA is not None:
    CELERY_BEAT_SCHEDULE["rapport-voorbouwen"] = {
        "task": "rapportage.tasks.rapport_voorbouwen",
        "schedule": RAPPORT_VOORBOUW_SCHEMA,
        "options": {"expires": int(kortste_tussenpoos(RAPPORT_VOORBOUW_SCHEMA) * 0.9)},
    }
# Largest evidence file an auditor or action owner may upload (the proxy must allow it too).
AUDITS_BEWIJS_MAX_BYTES = envint("AUDITS_BEWIJS_MAX_BYTES", 10 * 1024 * 1024)
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")
# With DEBUG off `laad_demo` refuses unless this says the environment is a demo.
DEMO_TOEGESTAAN = envbool("DEMO_TOEGESTAAN", False)

# --- API (README, "API") ---
# Personal keys expire after API_SLEUTEL_GELDIG_DAGEN unless their owner picks fewer days;
# each key may make API_SLEUTEL_LIMIET requests (DRF rate, e.g. "1000/hour").
API_SLEUTEL_GELDIG_DAGEN = envint("API_SLEUTEL_GELDIG_DAGEN", 90)
API_SLEUTEL_LIMIET = os.environ.get("API_SLEUTEL_LIMIET", "1000/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authenticatie.SleutelAuthenticatie",
        "api.authenticatie.SessieAuthenticatie",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.authenticatie.SleutelBereik",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.authenticatie.SleutelThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problemen.probleem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Douane Portfolio API",
    "DESCRIPTION": "Portfolio, risico's en audits; dezelfde rechten als de schermen. "
    "Fouten zijn probleemdetails (RFC 9457); schrijven vraagt If-Match met de ETag.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our own static files: the CSP allows no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set (check --deploy fails on spectacular's naming warnings).
    "ENUM_NAME_OVERRIDES": {
        "RapportStatusEnum": "programmas.models.Status",
        "ActieStatusEnum": "douane_portfolio.models.ActieStatus",
        "RisicoStatusEnum": "risicos.models.RisicoStatus",
        "DialoogStatusEnum": "risicos.models.DialoogStatus",
        "BevindingStatusEnum": "audits.models.BevindingStatus",
        "KansEnum": "risicos.models.Kans",
        "ImpactEnum": "risicos.models.Impact",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.problemen_toevoegen",
    ],
}
# --- end API ---

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
