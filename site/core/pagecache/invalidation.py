"""The generation: one value in the cache that every stored page must match.

Changing it drops every stored page at once (no key listing, works the same on
Redis and in memory). It is a random token, never a counter, so a generation lost
to eviction cannot come back and revive old pages.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from .store import GENERATION_KEY, cache_call

# Saves that only touch Wagtail's draft and lock bookkeeping change nothing a visitor sees.
BOOKKEEPING_FIELDS = frozenset(
    {
        "latest_revision",
        "has_unpublished_changes",
        "draft_title",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def new_generation() -> str:
    """Start a new generation: every stored page is out of date from now on."""
    token = uuid.uuid4().hex
    cache_call("set", GENERATION_KEY, token, None)
    return token


def invalidate(**kwargs) -> None:
    """Signal receiver: forget every stored page now, and again after the commit.

    Now, so that this request and tests see the change; after the commit, so that a
    page rendered by another process from the data as it was before the commit and
    stored under the intermediate generation is dropped too.
    """
    new_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(new_generation, robust=True)


def invalidate_on_save(sender, update_fields=None, **kwargs) -> None:
    """``post_save`` receiver: like :func:`invalidate`, except for draft or lock saves."""
    if update_fields and BOOKKEEPING_FIELDS.issuperset(update_fields):
        return
    invalidate()


def watch_models(models_: Iterable[type[models.Model]]) -> None:
    """Forget stored pages whenever one of these models is saved or deleted."""
    for model in models_:
        uid = f"core.pagecache.{model._meta.label}"
        post_save.connect(invalidate_on_save, sender=model, dispatch_uid=uid)
        post_delete.connect(invalidate, sender=model, dispatch_uid=uid)
