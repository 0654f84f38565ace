"""Django settings, read from the environment (see .env.example). Runs with no configuration."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF

from midback.env import ConfigError, database_from_url, envbool, envint, envlist, envsecret, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(envstr("MIDBACK_DATA_DIR", str(REPO_DIR / "data")))

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY", DEV_SECRET_KEY)
PRODUCTION = envbool("MIDBACK_PRODUCTION", False)
if PRODUCTION and (DEBUG or SECRET_KEY == DEV_SECRET_KEY):
    raise ConfigError("MIDBACK_PRODUCTION=1 needs DEBUG off and a real SECRET_KEY")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unset, links that a request leads to (the calendar feed) use the address it came to.
SITE_URL_SET = bool(envstr("SITE_URL", ""))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "midback.core",
    "midback.content",
    "midback.care",
    "midback.clinic",
    "midback.practice",
    "midback.reminders",
]

MIDDLEWARE = [
    "midback.core.middleware.PrivateResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "midback.api.ApiMethodNotAllowedMiddleware",
    "midback.core.middleware.ApiRequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "midback.care.devices.DeviceSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "midback.urls"
WSGI_APPLICATION = "midback.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Only for page parts rendered on every request of a hot path (midback/practice/jinja.py);
        # found in each app's jinja2/ folder, asked for through practice.jinja.template().
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "midback.practice.jinja.environment"},
    },
]

DATABASES = {"default": database_from_url(envstr("DATABASE_URL", ""), DATA_DIR / "midback.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process (attempt limits, used authenticator codes): the database
# (its table is made by a migration) unless REDIS_URL names a Redis server.
REDIS_URL = envstr("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "midback_cache",
        "TIMEOUT": 3600,  # incr() keeps a counter this long; limits set their own windows
        # Room for a week and scripts per program version (midback/frozen.py): Django's
        # default of 300 would make it cull, and a cull could drop attempt-limit counters.
        "OPTIONS": {"MAX_ENTRIES": 500_000},
    }
}
# Addresses of reverse proxies whose X-Forwarded-For is believed (the client is the address the
# nearest trusted proxy saw). Empty: the connection's own address is the client.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
# Webhook endpoints on this machine's loopback addresses (plain http:// too): tests and
# benchmarks only. Private and other special addresses are refused whatever this says.
WEBHOOK_ALLOW_LOOPBACK = envbool("WEBHOOK_ALLOW_LOOPBACK", False)
# The dashboard's covering index is PostgreSQL-only by design; SQLite just skips it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

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

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Static URLs carry a hash of the file's content (ES module imports too), so a browser or the
# service worker never keeps an old file under a current name. Needs `collectstatic` (the `serve`
# command and the test session run it); with DEBUG on, plain names are served from the apps.
# Build output that collectstatic also picks up: the camera coach's TensorFlow.js files and
# models, copied from node_modules by `midback coachfiles` (never committed).
COACH_STATIC_DIR = Path(envstr("MIDBACK_BUILD_STATIC", str(REPO_DIR / "build" / "static")))
COACH_STATIC_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [COACH_STATIC_DIR]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "midback.staticstorage.HashedStaticStorage"},
}
WHITENOISE_USE_FINDERS = True
# Model weights (.bin) barely compress, and brotli on 15 MB of them took minutes per collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "bin"),
)
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers; the cookies are Secure whenever the site is served over HTTPS.
HTTPS = SITE_URL.startswith("https://")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS and PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Email (reminders and summaries). Development prints mail to the console.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if envstr("EMAIL_HOST", "")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "MidBack <reminders@midback.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
