"""Demo data never overwrites what people changed: the create-only rule of every demo loader.

``manage.py load_demo`` runs each app's demo loader inside :func:`loading`. A loader
looks its objects up by a stable key (a page's slug under its parent, an
``external_id`` "demo:…", a district's slug, a code) and **creates what is missing and
leaves what exists as it is**: an editor may have changed a demo page, a service, a
news item or a setting, and running ``make run`` again must not undo that (nor
republish a page). Only ``load_demo --reset`` (:func:`resetting` is true) writes the
demo's values back over existing objects.

A new loader follows the rule with :func:`ensure` (rows) or :func:`may_fill`
(objects it fills itself, such as pages): nothing else to register.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

_RESET: ContextVar[bool] = ContextVar("demo_reset", default=False)


@contextmanager
def loading(*, reset: bool = False) -> Iterator[None]:
    """Run demo loaders; with `reset` they put the demo's values back over edits."""
    token = _RESET.set(reset)
    try:
        yield
    finally:
        _RESET.reset(token)


def resetting() -> bool:
    """True inside ``load_demo --reset``: existing demo objects get the demo's values again."""
    return _RESET.get()


def may_fill(created: bool) -> bool:
    """Whether a loader may write demo content into an object: one it has just created,
    or any under ``--reset``. An object that existed before is someone's to keep."""
    return created or resetting()


def ensure(
    model: type[models.Model],
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    fill_blank: Iterable[str] = (),
) -> tuple[models.Model, bool]:
    """The row `lookup` finds, created from `values` when missing (``(row, created)``).

    An existing row is left as it is, unless under ``--reset``, when `values` are
    written back to it. `fill_blank` names fields the demo gained after rows were
    made (a new column): an existing row gets their demo value only where it is blank.
    """
    if resetting():
        return model.objects.update_or_create(defaults=dict(values), **lookup)
    row, created = model.objects.get_or_create(defaults=dict(values), **lookup)
    blank = [name for name in fill_blank if not created and getattr(row, name) in ("", None)]
    for name in blank:
        setattr(row, name, values[name])
    if blank:
        row.save(update_fields=blank)
    return row, created
