"""Settings for the HTTP benchmarks (``make bench-http``, ``make load``): production settings
(``safechildhood.settings.base``, configured by the environment bench/server.py sets) plus
one bench-only address, ``/__bench__/bare/<name>/``, that returns stored bytes with no work:
the yardstick the cached pages are measured against in the same run."""

from safechildhood.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The yardstick never goes through the page cache's lookup.
PAGE_CACHE_SKIP_PATHS = [*PAGE_CACHE_SKIP_PATHS, r"/__bench__/"]  # noqa: F405
