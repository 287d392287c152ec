"""Production-safe settings, driven by environment variables.

Everything that differs between deployments is read from the environment
(12-factor). ``dev.py`` and ``test.py`` loosen these defaults; production uses
this module directly and refuses to start without its secrets.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/
BASE_DIR = PROJECT_DIR.parent  # the repository root
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production refuses to start without it: set the "
        "SECRET_KEY environment variable to a long random string (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ----------------------------------------------------------

INSTALLED_APPS = [
    "safechildhood.core",
    "safechildhood.home",
    "safechildhood.news",
    "safechildhood.registry",
    "safechildhood.requests",
    "search",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_recaptcha",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Headers for every response, /healthz included (it is exempt from the SSL redirect).
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "safechildhood.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Control characters out of every GET/POST parameter before any view (issue 9).
    "safechildhood.core.clean_input.CleanInputMiddleware",
    # Database down: a 503 page without the database (after static files, before the session).
    "safechildhood.core.outage.DatabaseOutageMiddleware",
    # Report keys opened in a request are forgotten when it ends (requests.sealed_fields).
    "safechildhood.requests.sealed_fields.OpenKeysMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "safechildhood.core.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end when idle or too old; nothing of the admin before the second factor.
    "safechildhood.core.signin.middleware.StaffSessionMiddleware",
    "safechildhood.core.signin.middleware.SecondFactorMiddleware",
    # The signed-in user's private key for this request (cookie half + session half).
    "safechildhood.core.signin.keyring.KeyringMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "safechildhood.urls"
WSGI_APPLICATION = "safechildhood.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:password@127.0.0.1:5432/safechildhood.
# Without it: an embedded SQLite file under var/.

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Wait for a writer instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    # Transactions take the write lock when they begin: one that read and then writes
    # (a locked staff change) would otherwise meet another such writer in a deadlock,
    # which SQLite answers at once with "database is locked" instead of waiting.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer must cost seconds, not minutes (psycopg waits
    # 130 s by default, a DNS server that does not answer 10 s): the same backend
    # with the host name looked up within DB_RESOLVE_TIMEOUT seconds, a connection
    # timeout, and a pooled connection to a vanished host dropped when what we sent
    # stays unacknowledged for DB_TCP_USER_TIMEOUT milliseconds.
    DATABASES["default"]["ENGINE"] = "safechildhood.core.db.postgresql"
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=2))
    _pg_options.setdefault("tcp_user_timeout", env.int("DB_TCP_USER_TIMEOUT", default=5000))
DB_RESOLVE_TIMEOUT = env.float("DB_RESOLVE_TIMEOUT", default=1.0)
# Database down (safechildhood.core.outage): after a failed connection a process answers
# with the outage page for DB_OUTAGE_PAUSE seconds without asking again; the page says
# Retry-After DB_OUTAGE_RETRY_AFTER. Its numbers and links come from here, not from the
# editors' setting in the database.
DB_OUTAGE_PAUSE = env.float("DB_OUTAGE_PAUSE", default=5.0)
DB_OUTAGE_RETRY_AFTER = env.int("DB_OUTAGE_RETRY_AFTER", default=30)
FALLBACK_EMERGENCY_NUMBER = env.str("FALLBACK_EMERGENCY_NUMBER", default="112")
FALLBACK_HELPLINE_NUMBER = env.str("FALLBACK_HELPLINE_NUMBER", default="8-800-2000-122")
FALLBACK_SAFETY_URL = env.str("FALLBACK_SAFETY_URL", default="/kak-skryt-poseshchenie-sayta/")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------
# REDIS_URL, e.g. redis://127.0.0.1:6379/0. Without it: a per-process memory cache.
# While Redis is unreachable each process serves from its own memory cache and
# retries Redis every REDIS_RETRY_AFTER seconds (safechildhood/core/cache.py).

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "safechildhood.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="safechildhood"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
                "RETRY_AFTER": env.float("REDIS_RETRY_AFTER", default=10),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for visitors without cookies (safechildhood.core.pagecache), in the cache
# above, forgotten whenever an editor publishes or changes the registry. Seconds a page is
# kept at most; 0 turns the page cache off. At most PAGE_CACHE_MAX_VARIANTS query strings
# (?page=…, ?q=…) of one address are stored per lifetime.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_MAX_VARIANTS = env.int("PAGE_CACHE_MAX_VARIANTS", default=100)
PAGE_CACHE_SKIP_PATHS = [r"/admin/", r"/(?:en/)?(?:report|search)/", r"/api/", r"/documents/"]

# --- E-mail --------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 or consolemail://.

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Background tasks ----------------------------------------------------------
# Stored in the database so that a queued e-mail survives a restart; run the worker
# with `python manage.py db_worker`.

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz reports the queue as "stale" (still 200) when a due task has waited this long.
HEALTH_TASKS_STALE_AFTER = env.int("HEALTH_TASKS_STALE_AFTER", default=300)

# --- Passwords -----------------------------------------------------------------------
# At least 12 characters, not like the user's name or e-mail, not a common password, not
# only digits (Django's validators; their messages come in Russian and English).

PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# --- Staff sign-in (safechildhood.core.signin) -------------------------------------------
# Second factor: required for superusers and for holders of these permissions (anyone who
# can read reports or their statistics, or reset colleagues' factors);
# TWO_FACTOR_REQUIRED_FOR_ALL_STAFF=1
# requires it of every admin user. Others may turn it on in their account.

TWO_FACTOR_REQUIRED_PERMISSIONS = env.list(
    "TWO_FACTOR_REQUIRED_PERMISSIONS",
    default=["requests.view_report", "requests.view_statistics", "core.reset_second_factor"],
)
TWO_FACTOR_REQUIRED_FOR_ALL_STAFF = env.bool("TWO_FACTOR_REQUIRED_FOR_ALL_STAFF", default=False)
# Key pairs (safechildhood.core.signin.keyring): made at sign-in for superusers and for
# holders of these permissions; unlocked with the password and kept for the session in
# two halves, the session store and this cookie (HttpOnly, only sent to the admin).
KEY_PAIR_PERMISSIONS = env.list("KEY_PAIR_PERMISSIONS", default=["requests.view_report"])
KEYRING_COOKIE_NAME = "sc_keyring"
KEYRING_COOKIE_PATH = "/admin/"
# Argon2id cost (passes, bytes of memory) of keys derived from what people know: a staff
# password (libsodium's "interactive" preset, paid once per sign-in) and a receipt code
# (OWASP's minimum, paid on each send and status lookup; budget: 150 ms per report).
KEYS_KDF_COSTS = {"password": (2, 64 * 1024 * 1024), "receipt": (2, 19 * 1024 * 1024)}
WAGTAILADMIN_USER_LOGIN_FORM = "safechildhood.core.signin.forms.LoginForm"
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Безопасное детство")
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's own back-off after a wrong code: 1, 2, 4… s
# Passkeys (django-otp-webauthn) as a second factor only, never instead of the password.
# Without WEBAUTHN_RP_ID the site's host is the relying party (Django checks it against
# ALLOWED_HOSTS); WEBAUTHN_ORIGINS lists the origins when the site has several.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "safechildhood.core.signin.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="")
OTP_WEBAUTHN_RP_ID_CALLABLE = "safechildhood.core.signin.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ORIGINS", default=[])
# Without WEBAUTHN_ORIGINS the expected origin is derived from the validated host (the
# helper above), so the package's "no allowed origins" check does not apply.
PASSKEY_SILENCED_CHECKS = [] if OTP_WEBAUTHN_ALLOWED_ORIGINS else ["otp_webauthn.E030"]
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "django_otp_webauthn"

# Throttling: after a failure the next attempt for that user name waits 0, 1, 3, 7 s;
# the SIGNIN_HOLD_AFTER_FAILURES-th failure in a row holds it for SIGNIN_HOLD_MINUTES,
# each further hold twice as long (at most SIGNIN_HOLD_MAX_HOURS). A client (keyed hash
# of its address) gets SIGNIN_CLIENT_FAILURES failures per SIGNIN_CLIENT_WINDOW_MINUTES.
SIGNIN_HOLD_AFTER_FAILURES = env.int("SIGNIN_HOLD_AFTER_FAILURES", default=5)
SIGNIN_HOLD_MINUTES = env.int("SIGNIN_HOLD_MINUTES", default=15)
SIGNIN_HOLD_MAX_HOURS = env.int("SIGNIN_HOLD_MAX_HOURS", default=24)
SIGNIN_CLIENT_FAILURES = env.int("SIGNIN_CLIENT_FAILURES", default=20)
SIGNIN_CLIENT_WINDOW_MINUTES = env.int("SIGNIN_CLIENT_WINDOW_MINUTES", default=15)
# Reverse proxies in front of the site that append to X-Forwarded-For (0: the socket's
# address). Only ever hashed with a key, for rate limits; never stored or logged.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("REPORTS_TRUSTED_PROXY_COUNT", default=0)
)

# Sessions: a signed-in session ends after this long without a request, and this long
# after sign-in whatever happens (only staff have accounts).
ADMIN_SESSION_IDLE_MINUTES = env.int("ADMIN_SESSION_IDLE_MINUTES", default=30)
ADMIN_SESSION_MAX_HOURS = env.int("ADMIN_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = ADMIN_SESSION_MAX_HOURS * 60 * 60

for _name, _value, _lowest, _highest in [
    ("SIGNIN_HOLD_AFTER_FAILURES", SIGNIN_HOLD_AFTER_FAILURES, 2, 20),
    ("SIGNIN_HOLD_MINUTES", SIGNIN_HOLD_MINUTES, 1, 24 * 60),
    ("SIGNIN_HOLD_MAX_HOURS", SIGNIN_HOLD_MAX_HOURS, 1, 7 * 24),
    ("SIGNIN_CLIENT_FAILURES", SIGNIN_CLIENT_FAILURES, 5, 1000),
    ("SIGNIN_CLIENT_WINDOW_MINUTES", SIGNIN_CLIENT_WINDOW_MINUTES, 1, 24 * 60),
    ("ADMIN_SESSION_IDLE_MINUTES", ADMIN_SESSION_IDLE_MINUTES, 1, 24 * 60),
    ("ADMIN_SESSION_MAX_HOURS", ADMIN_SESSION_MAX_HOURS, 1, 7 * 24),
]:
    if not _lowest <= _value <= _highest:
        raise ImproperlyConfigured(
            f"{_name}={_value} is outside the safe range {_lowest}–{_highest}: "
            "staff sign-in would be too weak or unusable."
        )
if ADMIN_SESSION_IDLE_MINUTES > ADMIN_SESSION_MAX_HOURS * 60:
    raise ImproperlyConfigured("ADMIN_SESSION_IDLE_MINUTES is longer than ADMIN_SESSION_MAX_HOURS.")

# --- Languages and time --------------------------------------------------------
# Russian first (unprefixed URLs), English second (/en/).

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Regions differ: Vologda and Tatarstan are on Moscow time, others are not.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")

# --- Static and media ----------------------------------------------------------

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "static_collected")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Service registry (safechildhood.registry) ------------------------------------
# An entry not verified (HSDS assured_date) for this many days is listed as stale
# in the admin's freshness panel.

REGISTRY_STALE_AFTER_DAYS = env.int("REGISTRY_STALE_AFTER_DAYS", default=180)
# An imported place with coordinates but no district named: the nearest district centre
# within this many kilometres is taken (used when districts have no outlines).
REGISTRY_IMPORT_DISTRICT_RADIUS_KM = env.float("REGISTRY_IMPORT_DISTRICT_RADIUS_KM", default=30.0)

# Public registry pages. The map's tile server, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png ({s} subdomains allowed); empty: no
# tiles, the map shows its markers on a plain background (nothing is loaded from
# elsewhere). Its origin is added to the CSP's img-src below.
REGISTRY_MAP_TILE_URL = env.str("REGISTRY_MAP_TILE_URL", default="")
REGISTRY_MAP_TILE_ATTRIBUTION = env.str("REGISTRY_MAP_TILE_ATTRIBUTION", default="")
# A place the gazetteer does not know may be looked up in the operator's own geocoder:
# a Nominatim (…/search) or Photon (…/api) address; empty: off (the default: no visitor's
# words go to anyone). Server-side, with a short timeout; nothing typed is logged.
REGISTRY_GEOCODER_URL = env.str("REGISTRY_GEOCODER_URL", default="")
REGISTRY_GEOCODER_KIND = env.str("REGISTRY_GEOCODER_KIND", default="nominatim")
REGISTRY_GEOCODER_TIMEOUT = env.float("REGISTRY_GEOCODER_TIMEOUT", default=2.0)
# Where «Сообщить об ошибке в записи» goes (comma-separated); empty: the active
# members of the «Редакторы реестра» group who have an e-mail address.
REGISTRY_CORRECTIONS_EMAIL = env.list("REGISTRY_CORRECTIONS_EMAIL", default=[])
# Provider accounts (README «Поставщики услуг»): members of an organisation get one e-mail
# about its entries not verified for REGISTRY_STALE_AFTER_DAYS, at most once every
# REGISTRY_REMINDER_EVERY_DAYS, sent at REGISTRY_REMINDER_HOUR (site time); each entry's
# «всё верно» link works for REGISTRY_CONFIRM_LINK_DAYS.
REGISTRY_REMINDER_EVERY_DAYS = env.int("REGISTRY_REMINDER_EVERY_DAYS", default=30)
REGISTRY_REMINDER_HOUR = env.int("REGISTRY_REMINDER_HOUR", default=9)
REGISTRY_CONFIRM_LINK_DAYS = env.int("REGISTRY_CONFIRM_LINK_DAYS", default=14)

# --- Concern reports (safechildhood.requests) -----------------------------------------
# Reports are sealed to their readers' keys (safechildhood.requests.sealing, README
# «Кто может прочитать обращение»). The escrow public key (made by `manage.py
# create_escrow_key`; its private half kept offline by the operator) receives a copy of
# every report key: production refuses to start without it.
REPORTS_ESCROW_PUBLIC_KEY = env.str("REPORTS_ESCROW_PUBLIC_KEY", default="")
if not REPORTS_ESCROW_PUBLIC_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "REPORTS_ESCROW_PUBLIC_KEY is not set. Production refuses to start without it: every "
        "report key is sealed to it for recovery. Create the pair with `manage.py "
        "create_escrow_key` and keep the private half offline."
    )
# Fernet keys of reports stored before sealing (comma-separated). Needed only until
# `manage.py seal_reports` has moved every report to the new scheme; then remove them:
# nothing else uses them.
REPORTS_ENCRYPTION_KEYS = env.list("REPORTS_ENCRYPTION_KEYS", default=[])
# Closed reports are stripped of their content this many days after closing.
REPORTS_RETENTION_DAYS = env.int("REPORTS_RETENTION_DAYS", default=365)
# Where a new report is announced when its district has no SOS service with an address.
REPORTS_FALLBACK_EMAIL = env.str("REPORTS_FALLBACK_EMAIL", default="")
# Promised reaction times (shown on the start page; overdue reports are flagged). An
# urgent report still new after the first alerts the coordinators; a report without any
# staff action for the second sends a reminder (requests/alerts.py). At least one hour.
REPORTS_URGENT_SLA_HOURS = max(1, env.int("REPORTS_URGENT_SLA_HOURS", default=1))
REPORTS_SLA_HOURS = max(1, env.int("REPORTS_SLA_HOURS", default=24))
# Minutes between two checks for overdue reports (1 to 60), and the hour (site time, 0
# to 23) of the daily digest for staff who chose it for non-urgent alerts.
REPORTS_ALERT_CHECK_MINUTES = min(60, max(1, env.int("REPORTS_ALERT_CHECK_MINUTES", default=15)))
REPORTS_DIGEST_HOUR = min(23, max(0, env.int("REPORTS_DIGEST_HOUR", default=8)))
# Abuse protection: seconds a human needs at least to fill the form, and the proof of
# work's cost (PBKDF2 iterations per attempt; about 256 attempts on average).
REPORTS_MIN_FILL_SECONDS = env.int("REPORTS_MIN_FILL_SECONDS", default=5)
REPORTS_ALTCHA_COST = env.int("REPORTS_ALTCHA_COST", default=10000)

# --- Wagtail -------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Безопасное детство"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no call to the internet at run time
WAGTAIL_GRAVATAR_PROVIDER_URL = (
    None  # staff avatars: no request (with an e-mail hash) to gravatar.com
)
WAGTAILEMBEDS_FINDERS: list = []  # oEmbed would call third parties
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# Search. Wagtail's own index (admin search, the registry's filters) is always the
# database backend: PostgreSQL full text with the Russian configuration, or SQLite
# FTS5 with Russian stems (search/sqlite.py). The public search asks SEARCH_ENGINE
# (search/engine.py): the same database by default, Elasticsearch 8 through
# elasticsearch-dsl when ELASTICSEARCH_URL is set (one index per language, named
# ELASTICSEARCH_INDEX-<language>; fill it with `manage.py search_index --rebuild`).
WAGTAILSEARCH_BACKENDS = {
    "default": (
        {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "russian"}
        if IS_POSTGRES
        else {"BACKEND": "search.sqlite"}
    )
}
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="safechildhood")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
SEARCH_ENGINE = (
    "search.elastic.engine.ElasticEngine" if ELASTICSEARCH_URL else "search.database.DatabaseEngine"
)
# Search statistics (Wagtail's daily hits and our no-result counts) are kept this
# many days; queries are never linked to a visitor.
WAGTAILSEARCH_HITS_MAX_AGE = env.int("SEARCH_STATS_DAYS", default=90)

# --- reCAPTCHA (only when the operator configures keys) ------------------------
# Without keys the report form uses the self-hosted ALTCHA proof of work instead.

RECAPTCHA_ENABLED = bool(env.str("RECAPTCHA_PUBLIC_KEY", default=""))
if RECAPTCHA_ENABLED:
    RECAPTCHA_PUBLIC_KEY = env.str("RECAPTCHA_PUBLIC_KEY")
    RECAPTCHA_PRIVATE_KEY = env.str("RECAPTCHA_PRIVATE_KEY")
    SILENCED_SYSTEM_CHECKS: list[str] = [*PASSKEY_SILENCED_CHECKS]
else:
    SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error", *PASSKEY_SILENCED_CHECKS]

# --- Security --------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=True) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Permissions-Policy (django-permissions-policy): powerful features the site never uses are
# off, for its pages and anything they could embed. Geolocation too, except on the registry
# list, whose «Показать ближайшие ко мне» asks for it (registry/views.py).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Content Security Policy: every asset is self-hosted, so the public site allows
# only its own origin. The Wagtail admin uses inline scripts and is excluded.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if REGISTRY_MAP_TILE_URL:  # the registry map's tiles, when an operator configures a server
    from urllib.parse import urlsplit

    _tiles = urlsplit(REGISTRY_MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# Where the quick-exit button sends a visitor when no site setting overrides it.
QUICK_EXIT_DEFAULT_URL = env.str("QUICK_EXIT_URL", default="https://yandex.ru/pogoda/")

# --- Logging ---------------------------------------------------------------------
# Privacy: no log line carries a visitor's IP address. Django's request loggers
# are kept to errors, every line is scrubbed of addresses, and gunicorn has no access
# log and scrubs its error log (gunicorn.conf.py).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            # Hides anything shaped like an IP address (site/core/log_privacy.py).
            "()": "safechildhood.core.log_privacy.AddressScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {
        # At DEBUG, a missing template variable logs the whole template context, which on
        # the report pages is what a reporter typed: never let that reach a log.
        "no_template_context": {"()": "safechildhood.requests.logging_filters.DropTemplateContext"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "ERROR", "propagate": True},
        "django.request": {"level": "ERROR", "propagate": True},
        # The Elasticsearch client logs a traceback per failed attempt; the engine
        # logs one warning and falls back to the database (search/elastic/engine.py).
        "elastic_transport": {"level": "ERROR", "propagate": True},
        "django.template": {"filters": ["no_template_context"], "propagate": True},
        # django-otp-webauthn logs a rejected passkey's exception; its text has no address.
        "django_otp_webauthn": {"level": "WARNING", "propagate": True},
    },
}
