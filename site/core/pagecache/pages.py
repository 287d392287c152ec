"""Wagtail pages: which of their events make the page cache forget."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.db.models.signals import post_delete

from .invalidation import invalidate


def watch_pages(page_models: Iterable[type[Model]]) -> None:
    """Publishing, unpublishing, moving or deleting one of these pages forgets every
    cached page: menus, breadcrumbs, the home page's news and links change with it.
    (Scheduled publishing and workflow approval publish through the same signals.)"""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for model in page_models:
        uid = f"core.pagecache.page.{model._meta.label}"
        for signal in (page_published, page_unpublished, post_page_move, post_delete):
            signal.connect(invalidate, sender=model, dispatch_uid=uid)
