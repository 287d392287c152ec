"""Local development: debug on, an insecure key, plain HTTP, SQLite by default."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
# A fixed, public development key for report encryption: never use it in production.
os.environ.setdefault("REPORTS_ENCRYPTION_KEYS", "oMn7qtn_P2cPU_rzrzD6oFYgQslykzSlwlilxO9Gneg=")

from .base import *  # noqa: E402

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *ALLOWED_HOSTS]
SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
