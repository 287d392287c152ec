"""Whole-page cache for anonymous visitors.

A view (or a Wagtail page) opts in with :func:`allow` / :func:`cache_for_visitors` /
:class:`VisitorCachedPage`, naming the query parameters it reads. The middleware
(:class:`~.middleware.PageCacheMiddleware`) then serves the stored response to every
visitor without cookies until the *generation* changes: apps connect their models'
signals to :func:`invalidate` (see :func:`watch_models`), so a publish, an unpublish, a
move, a deletion or a registry edit is seen by the next request. Nothing about the
cache can cost a visitor their page: every cache error is a miss.
"""

from .invalidation import invalidate, invalidate_on_save, watch_models
from .pages import watch_pages
from .policy import (
    VisitorCachedPage,
    allow,
    cache_for_visitors,
    fresh_value,
    next_minute,
    register_fresh_value,
)

__all__ = [
    "VisitorCachedPage",
    "allow",
    "cache_for_visitors",
    "fresh_value",
    "invalidate",
    "invalidate_on_save",
    "next_minute",
    "register_fresh_value",
    "watch_models",
    "watch_pages",
]
