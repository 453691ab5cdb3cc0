"""Newsroom's settings, read from the environment.

Every variable is listed in the README with its default. Development defaults are safe: with
``DEBUG`` off (the default) the app refuses to start without a real ``SECRET_KEY`` and
``ALLOWED_HOSTS``.
"""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-key-never-used-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    # A missing key must stop the app: a generated one would differ between workers and
    # silently log everybody out on each restart.
    problems = []
    if len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure"):
        problems.append("SECRET_KEY must be set to a random string of at least 32 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the host names the site is served on")
    if problems:
        raise ImproperlyConfigured(
            "DEBUG is off, so Newsroom will not start: "
            + "; ".join(problems)
            + ". Set them in the environment (see the README, 'Settings'), "
            "or set DEBUG=1 for development."
        )

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "newsroom",  # the record of what changed, which the page cache reads
    "django_tasks",  # work off the request path (renditions), run by `manage.py db_worker`
    "newsroom.third_party_apps.BackgroundTasksConfig",  # django-tasks-db
    "media",  # the media library
    "articles",
    "people",  # bylines and author pages
    "topics",  # topics across sections
    "desk",  # autosave and presence in the article form
    "newsroom.third_party_apps.SignInThrottlingConfig",  # django-axes: sign-in throttling
    "crawlers",
]

MIDDLEWARE = [
    # First: a stored reader page is served before anything else runs, with the headers the
    # middleware below gave it when it was rendered (see newsroom/page_cache.py).
    "newsroom.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response.
    "newsroom.security_headers.SecurityHeadersMiddleware",
    # No NUL character in an address or a cookie.
    "newsroom.request_limits.AddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 304s for what the page cache does not keep (signed-in editors' pages).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Long bodies (a long article) only from the signed-in desk.
    "newsroom.request_limits.BodySizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crawlers.middleware.TextAndDataMiningMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account
# from one address, that account is locked for that address (only) for LOGIN_COOLOFF_MINUTES;
# a locked attempt is answered without checking the password, so guessing costs the server
# nothing. Administrators unlock in the desk (Access attempts), or `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "desk.sign_in.locked_out"
# Whose address: the connection's, unless TRUSTED_PROXIES reverse proxies in front add the
# client's to X-Forwarded-For (then the address that many from the right: desk/sign_in.py).
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "desk.sign_in.client_address"

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.metadata.site",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3 with Django's pool) from DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'newsroom.sqlite3'}",
        conn_max_age=0,  # connections are reused through the pool below, not kept per thread
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        pool={
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "4")),
            "timeout": 10,
        },
        # Parameters sent apart from the SQL, and a statement run five times prepared: it is
        # planned once per connection (planning the article query took longer than running it).
        server_side_binding=True,
        prepare_threshold=5,
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers share the file: readers never wait for a writer (WAL), and a transaction
    # that will write takes the lock when it begins, so two saves queue instead of one failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL;", transaction_mode="IMMEDIATE"
    )


# The page cache stores whole pages (newsroom/page_cache.py) in each process's own memory and,
# when REDIS_URL is set, in Redis, shared by every app server. Either way a page is served only
# while the record of changes in the database says it is current.
def memory_cache(name: str, megabytes: str) -> dict:
    size = int(float(os.environ.get(name, megabytes)) * 2**20)
    return {"BACKEND": "newsroom.memory_cache.MemoryCache", "OPTIONS": {"MAX_BYTES": size}}


CACHES = {"pages": {**memory_cache("PAGE_CACHE_MB", "12"), "LOCATION": "pages"}}
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "newsroom",
        # A Redis that stops answering costs one request a fraction of a second; then the page
        # cache leaves it alone for a while (newsroom/page_cache.py).
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }
else:
    CACHES["default"] = CACHES["pages"]  # the same memory: one copy of each page
# Rendered pieces of pages (list items), kept in each app server's own memory under keys made of
# what they show (an article's id, version and last change, its section's version, the
# language), so they never need invalidating: an edit makes a new key.
CACHES["fragments"] = {
    **memory_cache("FRAGMENT_CACHE_MB", "8"),
    "LOCATION": "fragments",
    "TIMEOUT": None,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese first (the default), then English; every public URL is prefixed.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
# Only used for labels in the admin; reader pages pick each language's own fields.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans", "en")}

TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai").strip()
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
    raise ImproperlyConfigured(
        f"TIME_ZONE={TIME_ZONE!r} is not a time zone name; use one like 'Asia/Shanghai' or 'UTC'."
    ) from error
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# Pictures: originals and renditions in var/media, or in an S3-compatible bucket when
# MEDIA_S3_BUCKET is set (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as boto3
# reads them). Pages link to them under /media/, which serves them from the store, or under
# MEDIA_CDN_URL when a CDN serves that store.
MEDIA_CDN_URL = os.environ.get("MEDIA_CDN_URL", "").strip()
MEDIA_URL = MEDIA_CDN_URL.rstrip("/") + "/" if MEDIA_CDN_URL else "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or BASE_DIR / "var" / "media")
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "").strip()
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("MEDIA_S3_REGION", "").strip() or None,
            "file_overwrite": True,
            "default_acl": None,
        },
    }
else:
    MEDIA_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # A rendition made twice at once is the same file: the second write replaces the first.
        "OPTIONS": {"allow_overwrite": True},
    }
# The largest picture the desk accepts, in bytes and in pixels (a small file can decode to a
# huge picture: a "decompression bomb").
IMAGE_MAX_BYTES = int(float(os.environ.get("IMAGE_MAX_MB", "40")) * 2**20)
IMAGE_MAX_PIXELS = int(float(os.environ.get("IMAGE_MAX_MEGAPIXELS", "60")) * 1_000_000)
# Renditions and other work off the request path: a queue in the database, one worker process
# (`manage.py db_worker`, started by `make run` and `make serve`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Behind a proxy that terminates TLS (see README, "Production").
if env_flag("HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    # Choices for the whole domain, off unless set (check --deploy says so while they are).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_flag("HSTS_PRELOAD")
    SECURE_SSL_REDIRECT = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Newsroom's own settings.
# The desk accepts an article with two bodies of articles.models.BODY_MAX_CHARACTERS each, even
# URL-encoded (a Chinese character takes nine bytes so); Django's default is 2.5 MB, which
# newsroom/request_limits.py keeps for all but those signed in to the desk. A proxy in front must
# allow as much for /admin/ (nginx: client_max_body_size 25m).
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# The publication's name in English and in Chinese (articles.metadata.site_name): the header,
# page titles, feeds, social cards, JSON-LD and the desk.
SITE_NAME = os.environ.get("SITE_NAME", "").strip() or "Newsroom"
SITE_NAME_ZH_HANS = os.environ.get("SITE_NAME_ZH_HANS", "").strip() or (
    "新闻室" if SITE_NAME == "Newsroom" else SITE_NAME
)
ARTICLES_PER_PAGE = 20
FRONT_PAGE_ARTICLES = 8
FRONT_PAGE_PER_SECTION = 4
# Reader pages: how long browsers, and CDNs or proxies, may keep them. Browsers ask again each
# time by default (a 304 if nothing changed); a CDN is told of every change (PURGE_URLS).
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "0"))
PAGE_SHARED_MAX_AGE = int(os.environ.get("PAGE_SHARED_MAX_AGE", "300"))


def env_switch(name: str, default: str = "on") -> bool:
    return os.environ.get(name, default).strip().lower() not in {"off", "0", "no", "false"}


PAGE_CACHE = env_switch("PAGE_CACHE")
# On PostgreSQL each process keeps a copy of the record of changes, told of each change by the
# database (LISTEN/NOTIFY); off, it asks the database on every request (see newsroom/changes.py).
PAGE_CACHE_LISTENS = env_switch("PAGE_CACHE_LISTENS")
# Where to listen, if not at DATABASE_URL (a pooler in transaction mode cannot LISTEN).
DATABASE_LISTEN_URL = os.environ.get("DATABASE_LISTEN_URL", "").strip()
# Caches in front of the app servers that take PURGE requests naming keys (Varnish with xkey).
PURGE_URLS = env_list("PURGE_URLS")
# The query parameters reader pages read; the page cache drops any other before rendering.
READER_QUERY_PARAMETERS = frozenset({"page", "q", "p"})
PREVIEW_LINK_MAX_AGE = int(os.environ.get("PREVIEW_LINK_MAX_AGE", str(7 * 24 * 3600)))
