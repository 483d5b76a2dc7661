"""Scrubroom settings: every value comes from the environment (see .env.example).

Defaults are production-safe: with SCRUBROOM_DEBUG unset, a secret key, allowed hosts and a
region must be given, cookies are secure and HTTPS is enforced. Bad values fail loudly at import.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A string from NAME, or from the file named by NAME_FILE (for container secrets).

    Empty counts as unset, so a blank line copied from .env.example keeps the default.
    """
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {error}") from None
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """sqlite:///relative/or//absolute/path or postgres://user:pass@host:port/name?options.

    A PostgreSQL URL's query string is passed to the driver as connection options
    (`?sslmode=verify-full&sslrootcert=/run/secrets/ca.pem`); libpq refuses one it does not
    know at the first connection. SQLite takes none, and says so rather than drop them.
    """
    parts = urlsplit(url)
    try:
        options = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ImproperlyConfigured(
            f"SCRUBROOM_DATABASE_URL has a malformed query string: {parts.query!r}"
        ) from None
    names = [name for name, _value in options]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured("SCRUBROOM_DATABASE_URL names a connection option twice")
    if parts.scheme == "sqlite":
        if options:
            raise ImproperlyConfigured(
                "SCRUBROOM_DATABASE_URL: SQLite takes no options, but the URL has "
                f"?{parts.query}; remove them (they would be ignored)."
            )
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        name = Path(path) if Path(path).is_absolute() else BASE_DIR / path
        # SQLite creates the file but not its folder; a fresh clone has no var/ yet.
        name.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
                # Several processes (Daphne, management commands) may open the file at
                # once; wait for a lock rather than fail with "database is locked".
                "timeout": 30,
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        # Django reads these OPTIONS itself, as Python values a query string cannot carry
        # (`?pool=false` would be a true string); libpq never sees them.
        django_own = sorted(
            set(names) & {"assume_role", "isolation_level", "pool", "server_side_binding"}
        )
        if django_own:
            raise ImproperlyConfigured(
                f"SCRUBROOM_DATABASE_URL: {', '.join(django_own)} configure Django, not the "
                "driver, and cannot be given in the URL."
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(options),
        }
    raise ImproperlyConfigured(
        f"SCRUBROOM_DATABASE_URL has an unsupported scheme: {parts.scheme!r}"
    )


DEBUG = env_bool("SCRUBROOM_DEBUG", False)

SECRET_KEY = env_str("SCRUBROOM_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SCRUBROOM_SECRET_KEY (or SCRUBROOM_SECRET_KEY_FILE) is required"
        )
    # Local development only: sessions survive restarts, and nothing real is protected by it.
    SECRET_KEY = "django-insecure-local-development-only-not-a-secret"  # noqa: S105

ALLOWED_HOSTS = env_list("SCRUBROOM_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("SCRUBROOM_CSRF_TRUSTED_ORIGINS", [])

# The deployment's region. Every data store declares its own region below, and the system
# checks in scrubroom/residency.py refuse to start unless they all match this one.
SCRUBROOM_REGION = env_str("SCRUBROOM_REGION", "local" if DEBUG else "")
if not SCRUBROOM_REGION:
    raise ImproperlyConfigured("SCRUBROOM_REGION is required (e.g. eu-central)")
# Development declares every store in the deployment's region; production must say so itself.
_store_region_default = SCRUBROOM_REGION if DEBUG else ""
SCRUBROOM_STORE_REGIONS = {
    "database": env_str("SCRUBROOM_DATABASE_REGION", _store_region_default),
    "media": env_str("SCRUBROOM_MEDIA_REGION", _store_region_default),
    "redis": env_str("SCRUBROOM_REDIS_REGION", _store_region_default),
    "email": env_str("SCRUBROOM_EMAIL_REGION", _store_region_default),
    "backups": env_str("SCRUBROOM_BACKUP_REGION", _store_region_default),
}
# Where backups of the database and media go: s3://bucket/prefix or a folder.
SCRUBROOM_BACKUP_TARGET = env_str(
    "SCRUBROOM_BACKUP_TARGET", str(BASE_DIR / "var" / "backups") if DEBUG else ""
)

# When true, every member (not only moderators and admins) must enrol a second factor.
SCRUBROOM_REQUIRE_MFA_FOR_ALL = env_bool("SCRUBROOM_REQUIRE_MFA_FOR_ALL", False)

INSTALLED_APPS = [
    "daphne",  # first, so that runserver serves ASGI (and websockets) too
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "scrubroom.apps.ScrubroomAdminConfig",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Ours, from the top of the import contract (pyproject.toml) to the bottom.
    "scrubroom",
    "moderation",
    "forum",
    "uploads",
    "members",
    "review",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "scrubroom.middleware.PrivateResponsesMiddleware",
    "scrubroom.security_log.RequestLogMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "members.middleware.MembershipGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "members.middleware.SessionLifeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "scrubroom.urls"
ASGI_APPLICATION = "scrubroom.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "scrubroom.context_processors.notifications",
                "scrubroom.context_processors.staff_powers",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("SCRUBROOM_DATABASE_URL", "sqlite:///var/scrubroom.sqlite3")
    )
}
# The test suite keeps its SQLite test database in a file, so that a real server process
# (Daphne, for the live and browser tests) can share what a test committed.
if env_str("SCRUBROOM_TEST_DATABASE_NAME") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("SCRUBROOM_TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("SCRUBROOM_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 caps its pool at 100 connections; a burst of sockets
                        # needs more.
                        "max_connections": 1000,
                        # redis-py 8 also reads with a 5 s socket timeout by default, the
                        # same as channels_redis's blocking receive (BZPOPMIN, 5 s): an idle
                        # socket's receive then fails with TimeoutError and kills its
                        # consumer. Reads must outlast the blocking pop.
                        "socket_timeout": 30,
                    }
                ]
            },
        }
    }
else:
    # A real cache (not the dummy one): allauth's login rate limits and TOTP replay
    # protection depend on it. Per process, which is right for the single-process default.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
# members/passwords.py: a 415,648-entry breached list (Django's 20,000 included), checked on
# the password's core too, and similarity to the site's name and the member's own details.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "members.passwords.MemberSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "members.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login, nobody has a username, and an address must be verified.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# members/accounts.py: per-account failures slow sign-in down (never lock a colleague out);
# the limit per client address stays strict. Sign-up costs the same for a taken address.
ACCOUNT_ADAPTER = "members.accounts.AccountAdapter"
ACCOUNT_FORMS = {"signup": "members.accounts.SignupForm"}
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,60/h/ip"}

# Per member per hour (members/quotas.py), and open live connections per member per process.
SCRUBROOM_QUOTAS = {
    "upload": env_int("SCRUBROOM_QUOTA_UPLOADS", 120),
    "reply": env_int("SCRUBROOM_QUOTA_REPLIES", 60),
    "flag": env_int("SCRUBROOM_QUOTA_FLAGS", 30),
    "search": env_int("SCRUBROOM_QUOTA_SEARCHES", 300),
    # The screen's hints while typing: one call per pause of a second, at most.
    "screen": env_int("SCRUBROOM_QUOTA_SCREENS", 1200),
}
# And in any ten seconds: a script sending the hourly allowance at once would keep the
# screen's worker threads busy for minutes (a 20,000-character text costs ~150 ms).
SCRUBROOM_SCREEN_BURST = env_int("SCRUBROOM_SCREEN_BURST", 10)
SCRUBROOM_SOCKETS_PER_MEMBER = env_int("SCRUBROOM_SOCKETS_PER_MEMBER", 16)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Scrubroom] "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# A stolen session must not add an address, make it primary or change the password: each
# asks for the password (or a second factor) again.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_ADAPTER = "members.mfa.MFAAdapter"
# Behind nginx, the client address is the last hop the proxy appends (see docker-compose.yml).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("SCRUBROOM_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Scrubroom"
# One 30-second step either side (RFC 6238's allowance for delay): a code typed on a phone as
# it turns over is still taken. allauth marks a used code for the whole window, so a code
# still works once only.
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
# Passkeys need a secure origin; plain http://127.0.0.1 is allowed only while developing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# TOTP secrets and recovery-code seeds are encrypted in the database (members/secrets_at_rest.py)
# with these Fernet keys, comma-separated (or one a line in the _FILE), newest first: the first
# encrypts, every one decrypts; README.md says how to rotate them. Without DEBUG they are
# required (members.E002); while debugging a key derived from SECRET_KEY stands in.
SCRUBROOM_MFA_KEYS = [
    key.strip()
    for key in env_str("SCRUBROOM_MFA_KEYS").replace("\n", ",").split(",")
    if key.strip()
]
if not SCRUBROOM_MFA_KEYS and DEBUG:
    _derived = hashlib.sha256(f"scrubroom.mfa-keys:{SECRET_KEY}".encode()).digest()
    SCRUBROOM_MFA_KEYS = [base64.urlsafe_b64encode(_derived).decode("ascii")]
USERSESSIONS_TRACK_ACTIVITY = False

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Automatic logoff: a session lasts a working day at most.
SESSION_COOKIE_AGE = env_int("SCRUBROOM_SESSION_SECONDS", 12 * 60 * 60)
# And an idle limit within it: a session untouched this long ends (staff sooner, since their
# sessions can do more).
SCRUBROOM_IDLE_SECONDS = env_int("SCRUBROOM_IDLE_SECONDS", 12 * 60 * 60)
SCRUBROOM_STAFF_IDLE_SECONDS = env_int("SCRUBROOM_STAFF_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The __Host- prefix binds a cookie to this exact origin (Secure, Path=/, no Domain): a
# sibling subdomain can neither set nor shadow it. Plain-HTTP development can't use it.
COOKIE_PREFIX = "" if DEBUG else "__Host-"
SESSION_COOKIE_NAME = f"{COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{COOKIE_PREFIX}csrftoken"

# Security headers. Production values are the defaults; DEBUG relaxes only what plain HTTP needs.
SECURE_SSL_REDIRECT = env_bool("SCRUBROOM_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SCRUBROOM_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SCRUBROOM_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Everything comes from this origin: no CDN, font host or analytics, and no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("SCRUBROOM_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private files (credential documents, case images) are never under a public URL:
# they are served only through views that check permission.
PRIVATE_MEDIA_ROOT = Path(
    env_str("SCRUBROOM_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))
)
# With SCRUBROOM_S3_BUCKET set, private files go to S3-compatible object storage instead
# (MinIO in docker-compose.yml). The bucket must be private; files are still served only
# through permission-checked views, never by presigned URL.
S3_BUCKET = env_str("SCRUBROOM_S3_BUCKET")
if S3_BUCKET:
    _private_storage: dict = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("SCRUBROOM_S3_ENDPOINT_URL") or None,
            # Unset: boto3's own chain (instance role, AWS_* variables).
            "access_key": env_str("SCRUBROOM_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("SCRUBROOM_S3_SECRET_ACCESS_KEY") or None,
            "region_name": SCRUBROOM_STORE_REGIONS["media"] or None,
            "addressing_style": env_str("SCRUBROOM_S3_ADDRESSING_STYLE", "path"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _private_storage,
    "private": _private_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Images: checked before any pixel is decoded (uploads/scrub.py). A 10 KB PNG can claim
# 81 megapixels; Pillow's own default limit (89 MP) is far too generous.
SCRUBROOM_UPLOAD_LIMITS = {
    "max_bytes": env_int("SCRUBROOM_UPLOAD_MAX_MB", 25) * 1024 * 1024,
    "max_pixels": env_int("SCRUBROOM_UPLOAD_MAX_MEGAPIXELS", 50) * 1_000_000,
    "max_dimension": env_int("SCRUBROOM_UPLOAD_MAX_DIMENSION", 20_000),
    "max_frames": env_int("SCRUBROOM_UPLOAD_MAX_FRAMES", 100),
}
SCRUBROOM_UPLOADS_PER_POST = env_int("SCRUBROOM_UPLOADS_PER_POST", 10)
# Scrubs at once in one server process (each holds a file, its output and a worker process),
# and how long an upload waits for a slot before the browser is told "busy, retrying".
SCRUBROOM_SCRUBS_PER_PROCESS = env_int("SCRUBROOM_SCRUBS_PER_PROCESS", 2)
SCRUBROOM_SCRUB_WAIT_SECONDS = env_int("SCRUBROOM_SCRUB_WAIT_SECONDS", 10)
# Flags: how many a member may raise a day, and how many "possible patient identifier" flags
# from different members hide a post at once, pending review (one moderator's flag does).
SCRUBROOM_FLAGS_PER_DAY = env_int("SCRUBROOM_FLAGS_PER_DAY", 10)
SCRUBROOM_IDENTIFIER_FLAGS_TO_HIDE = env_int("SCRUBROOM_IDENTIFIER_FLAGS_TO_HIDE", 2)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads stay in memory (never a temporary file), up to the image limit: uploads/handlers.py.
FILE_UPLOAD_HANDLERS = ["uploads.handlers.MemoryOnlyUploadHandler"]
# The largest request body any layer takes: an image at the limit and the form around it
# (nginx's client_max_body_size in deploy/nginx.conf is the same 30 MB). Daphne keeps a body
# in memory and answers a larger one with 413, reading no more of it (scrubroom/inmemory_bodies.py).
SCRUBROOM_REQUEST_MAX_BYTES = SCRUBROOM_UPLOAD_LIMITS["max_bytes"] + 5 * 1024 * 1024
# Django's ASGI handler copies each body into a SpooledTemporaryFile of this size, which rolls
# over to a file in /tmp beyond it: no smaller than the largest body, so it never does
# (scrubroom.E030 keeps the two together).
FILE_UPLOAD_MAX_MEMORY_SIZE = SCRUBROOM_REQUEST_MAX_BYTES

_email_host = env_str("SCRUBROOM_EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("SCRUBROOM_EMAIL_PORT", 587),
                "username": env_str("SCRUBROOM_EMAIL_USER"),
                "password": env_str("SCRUBROOM_EMAIL_PASSWORD"),
                "use_tls": env_bool("SCRUBROOM_EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # The console backend would write confirmation and reset links into production logs.
    raise ImproperlyConfigured("SCRUBROOM_EMAIL_HOST is required (an in-region mail relay)")
DEFAULT_FROM_EMAIL = env_str("SCRUBROOM_FROM_EMAIL", "Scrubroom <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Logs carry ids and actions, never emails, names or case text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A second line of defence: even a message that slipped through loses its email
    # addresses (Django logs request paths, and database errors quote the failing row).
    "filters": {
        "redact": {"()": "scrubroom.logs.RedactPersonalData"},
        "request_id": {"()": "scrubroom.security_log.RequestIdFilter"},
        "forbidden": {"()": "scrubroom.logs.DropOrdinaryForbidden"},
    },
    "formatters": {
        # UTC, to the second, first on each line (ASVS 16.2.2): lines from several processes
        # and hosts sort into one timeline.
        "plain": {
            "()": "scrubroom.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%SZ",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["forbidden", "request_id", "redact"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("SCRUBROOM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
