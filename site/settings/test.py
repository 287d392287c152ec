"""Tests: fast hasher, memory cache, tasks run immediately, mail kept in memory."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DEBUG", "0")
# A fixed, public test key for report encryption (never use it anywhere else).
os.environ.setdefault("REPORTS_ENCRYPTION_KEYS", "x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=")
# A fixed, public escrow key pair for tests; its private half is in tests/sealing.py.
os.environ.setdefault("REPORTS_ESCROW_PUBLIC_KEY", "_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=")

from .base import *  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Argon2id at its minimum (1 pass, 64 KiB) for keys from passwords and receipt codes:
# the same code paths, a thousand times faster. bench/ measures the production costs.
KEYS_KDF_COSTS = {"password": (1, 64 * 1024), "receipt": (1, 64 * 1024)}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off unless a test turns it on (tests/core/): most tests build content without signals.
PAGE_CACHE_SECONDS = 0
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Production refuses undelivering mail and a loopback admin URL (site/core/production_checks.py);
# tests keep mail in memory and run on loopback on purpose.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "core.E001", "core.E002"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = VAR_DIR / "test-media"
QUICK_EXIT_DEFAULT_URL = "https://yandex.ru/pogoda/"

# Keep test output readable: tasks and page events log at INFO.
LOGGING["root"]["level"] = "WARNING"

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's shared-cache memory database: tests that send from several
    # threads at once need SQLite's real locking, which waits for the writer (the
    # shared cache answers "table is locked" at once instead).
    # Nothing here needs to survive a power cut: no fsync per commit.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"
