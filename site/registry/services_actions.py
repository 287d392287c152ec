"""What an editor can do to a service beyond editing it: the registry's domain actions.

The admin (``wagtail_hooks``) offers them as buttons and bulk actions; the rules live here.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from wagtail.log_actions import log

from .models import Service

MARK_VERIFIED_ACTION = "registry.mark_verified"
CONFIRMED_BY_LINK_ACTION = "registry.confirmed_by_link"


def mark_verified(services: Sequence[Service], user, action: str = MARK_VERIFIED_ACTION) -> int:
    """Set «Проверено» to today for the services and their translations; audit-logged.

    Verification is not an edit: `modified` stays as it is, and a pending draft
    keeps its content (``Service.with_content_json`` keeps the newer date). `action` names
    the log entry: an editor's mark, or a provider's «всё верно» link.
    """
    today = timezone.localdate()
    keys = {service.translation_key for service in services}
    targets = list(Service.objects.filter(translation_key__in=keys))
    Service.objects.filter(pk__in=[s.pk for s in targets]).update(
        assured_date=today, assurer=user, assurer_name="", assurer_email=""
    )
    for service in targets:
        service.assured_date, service.assurer = today, user
        log(instance=service, action=action, user=user)
    return len(services)
