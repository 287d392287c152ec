"""The guard every staff action on one report passes, written once.

An action (change the status, add a note, record a visit…) is a POST from the report page.
Each one must refuse the same things in the same order: anything but a POST, a user
without ``change_report``, a report outside the user's districts (``for_user``: a 404, as
everywhere in the inbox), a purged report; and, for actions that write text, a sealed
report whose key this user does not hold yet. A guard written out in each view drifts;
:func:`report_action` is the one copy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages

from . import sealing
from .models import Report

LOCKED_EXPLANATION = _(
    "У вас пока нет ключа к этому обращению, поэтому его текст и переписка скрыты, а "
    "написать в нём ничего нельзя. Ключ выдаст коллега, у которого он есть: это "
    "происходит само, когда он работает в админке, или кнопкой «Выдать доступ» на "
    "странице обращения."
)

Action = Callable[..., HttpResponse]


def require_change(request: HttpRequest) -> None:
    """Every action, single or bulk, needs the same permission."""
    if not request.user.has_perm("requests.change_report"):
        raise PermissionDenied


def scoped_report(request: HttpRequest, pk: int) -> Report:
    """The report an action may touch: in the user's districts, not purged, key opened."""
    require_change(request)
    report = get_object_or_404(Report.objects.for_user(request.user), pk=pk)
    if report.purged_at:
        raise Http404
    sealing.open_for_request(request, report)  # writing text needs the report's key
    return report


def back(report: Report) -> HttpResponse:
    """Every action ends on the report page, where its message is shown."""
    return redirect("inbox:detail", pk=report.pk)


def locked(request: HttpRequest, report: Report) -> HttpResponse | None:
    """Text cannot be written to a report whose key this user does not hold yet."""
    if sealing.current_key(report) is not None or report.sealed_at is None:
        return None
    messages.error(request, LOCKED_EXPLANATION)
    return back(report)


def form_errors(form: forms.Form) -> str:
    """A form's reasons as one line: the report page shows an action's refusal as a message."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def report_action(*, writes_text: bool = False) -> Callable[[Action], Action]:
    """Turn ``view(request, report, **kwargs)`` into a URL view ``(request, pk, **kwargs)``
    behind the guard; ``writes_text`` adds the refusal of a report still locked for the user."""

    def decorate(view: Action) -> Action:
        @functools.wraps(view)
        def guarded(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                raise Http404
            report = scoped_report(request, pk)
            if writes_text and (refused := locked(request, report)):
                return refused
            return view(request, report, *args, **kwargs)

        return guarded

    return decorate
