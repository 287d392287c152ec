"""The Elasticsearch client and the names of the indices, from settings.

One index per language, reached through an alias: ``{ELASTICSEARCH_INDEX}-{lang}``
(``safechildhood-ru``) points at a concrete, timestamped index
(``safechildhood-ru-20250101120000123456``), so that ``search_index --rebuild``
fills a new index while visitors keep searching the old one, then swaps the alias.
"""

from __future__ import annotations

import functools
import urllib.parse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch_dsl import connections

# Name of the connection in elasticsearch_dsl's registry.
CONNECTION_ALIAS = "safechildhood"
# A visitor waits for the answer: give up quickly and let the database answer instead
# (``ELASTICSEARCH_TIMEOUT`` overrides it).
TIMEOUT_SECONDS = 5.0
DEFAULT_PREFIX = "safechildhood"

# What "Elasticsearch did not answer properly" looks like: connection refused, a
# timeout, a TLS error (TransportError and its subclasses), or an HTTP error status
# (ApiError: a missing index, an overloaded node).
ELASTIC_ERRORS: tuple[type[Exception], ...] = (TransportError, ApiError, ImproperlyConfigured)


def is_configured() -> bool:
    """Whether Elasticsearch is in use at all (``ELASTICSEARCH_URL`` is set)."""
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def safe_url(url: str | None = None) -> str:
    """The URL without credentials, for messages and logs."""
    parsed = urllib.parse.urlsplit(url if url is not None else settings.ELASTICSEARCH_URL)
    host = parsed.hostname or ""
    if parsed.port:
        host = f"{host}:{parsed.port}"
    return urllib.parse.urlunsplit((parsed.scheme, host, parsed.path, "", ""))


@functools.lru_cache(maxsize=4)
def _client_for(url: str, timeout: float) -> Elasticsearch:
    try:
        client = Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)
    except ValueError as exc:  # no scheme or port: "localhost" instead of "http://localhost:9200"
        raise ImproperlyConfigured(f"ELASTICSEARCH_URL {safe_url(url)!r}: {exc}") from exc
    # Registered for elasticsearch_dsl too, so `Search(using=CONNECTION_ALIAS)` works.
    connections.add_connection(CONNECTION_ALIAS, client)
    return client


def get_client() -> Elasticsearch:
    """The client for ``ELASTICSEARCH_URL`` (one per URL and process: it keeps a pool).

    Raises ``ImproperlyConfigured`` when the URL is unset or unusable.
    """
    if not is_configured():
        raise ImproperlyConfigured("ELASTICSEARCH_URL is not set")
    timeout = float(getattr(settings, "ELASTICSEARCH_TIMEOUT", None) or TIMEOUT_SECONDS)
    return _client_for(settings.ELASTICSEARCH_URL, timeout)


def index_prefix() -> str:
    """``ELASTICSEARCH_INDEX`` in lower case (Elasticsearch refuses upper-case index names)."""
    return (getattr(settings, "ELASTICSEARCH_INDEX", "") or DEFAULT_PREFIX).lower()


def languages() -> list[str]:
    """The site's language codes: one index each."""
    return [code for code, _name in settings.LANGUAGES]


def index_alias(language: str) -> str:
    """The alias every search and update goes through: ``safechildhood-ru``."""
    return f"{index_prefix()}-{language.lower()}"


def new_index_name(language: str) -> str:
    """A fresh concrete index for `language`, named after the moment it is created."""
    return f"{index_alias(language)}-{timezone.now():%Y%m%d%H%M%S%f}"
