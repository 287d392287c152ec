"""Provider accounts: an organisation's staff edit only their organisation's services.

A *provider* is a signed-in user who is in «Поставщики услуг» or is listed as a member
of an organisation (``OrganizationMember``), and who may not publish services. Such a
user sees, edits, copies, deletes and verifies only the services of their own
organisations (and of those organisations' translations); what they save waits for
the registry editors' approval in the workflow «Проверка реестра». Registry editors
(who may publish) and superusers are never limited.

The rule is applied three ways so that no admin address slips past it: the
permission policy of ``Service`` (buttons, bulk actions, Wagtail's own instance
checks), the viewset's listing queryset, and a guard on every admin URL of a
service (``scoped_view``: another organisation's service is «not found»).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Organization, OrganizationMember, Service

PROVIDERS_GROUP = "Поставщики услуг"
REVIEW_WORKFLOW = "Проверка реестра"
_CACHE = "_registry_is_provider"


def is_provider(user) -> bool:
    """True for an organisation's staff account (limited to its organisations)."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = not user.has_perm("registry.publish_service") and (
            user.groups.filter(name=PROVIDERS_GROUP).exists()
            or OrganizationMember.objects.filter(user=user).exists()
        )
        setattr(user, _CACHE, cached)
    return cached


def organizations_of(user) -> QuerySet[Organization]:
    """The user's organisations in every language (translations share a key)."""
    keys = OrganizationMember.objects.filter(user=user).values("organization__translation_key")
    return Organization.objects.filter(translation_key__in=keys)


def services_for(user, queryset: QuerySet[Service]) -> QuerySet[Service]:
    """`queryset` as this user may see it: all of it, or a provider's own services."""
    if not is_provider(user):
        return queryset
    return queryset.filter(organization__in=organizations_of(user))


def may_touch(user, service: Service) -> bool:
    """A saved service is within the user's reach (its stored organisation counts,
    not a draft's); a service being created is checked by its form."""
    if service.pk is None or not is_provider(user):
        return True
    return services_for(user, Service.objects.filter(pk=service.pk)).exists()


class ServicePermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, and for providers their own organisations only."""

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_permission(user, action) and may_touch(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        return self.user_has_any_permission(user, actions) and may_touch(user, instance)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[Service]:
        return services_for(user, super().instances_user_has_any_permission_for(user, actions))


def _reachable(user, pk) -> bool:
    try:
        rows = Service.objects.filter(pk=int(unquote(str(pk))))
    except ValueError:
        return False  # not a service's number at all
    return services_for(user, rows).exists()


def scoped_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an admin view addressed by a service's pk: another organisation's service is
    «not found» for a provider, whatever the view (edit, history, revisions, …)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        pk = kwargs.get("pk")
        if pk is not None and is_provider(request.user) and not _reachable(request.user, pk):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded
