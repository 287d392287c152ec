"""Registry admin: snippets grouped under «Реестр помощи», freshness checks, "mark verified".

Everything is Wagtail's own machinery: snippet viewsets (drafts, revisions,
preview, locking, history, translation by wagtail-localize, CSV/XLSX export),
a bulk action for "mark verified" (also offered per row), a dashboard panel and
the audit log.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, LiveStatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.models import WorkflowState
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from safechildhood.core.admin_access import GuardedSnippetViewSet
from safechildhood.core.admin_sidebar import live_count

from . import admin_search
from .corrections import ServiceCorrection
from .importing.admin import export_menu_item, import_menu_item  # and their admin URLs
from .models import (
    CalendarDay,
    District,
    EverydayPhrase,
    Location,
    Organization,
    OrganizationMember,
    Service,
    ServiceArea,
    ServiceKind,
    Settlement,
    TargetGroup,
    default_locale_filter,
)
from .providers import ServicePermissionPolicy, is_provider, scoped_view, services_for
from .services_actions import CONFIRMED_BY_LINK_ACTION, MARK_VERIFIED_ACTION, mark_verified

# Before the viewsets: their views, buttons and bulk actions ask this policy.
register_permission_policy(Service, ServicePermissionPolicy(Service))


def stale_after_days() -> int:
    return settings.REGISTRY_STALE_AFTER_DAYS


# --- Filters -------------------------------------------------------------------------------


class VerifiedFilter(django_filters.ChoiceFilter):
    def filter(self, qs, value):
        cutoff = timezone.localdate() - dt.timedelta(days=stale_after_days())
        if value == "fresh":
            return qs.filter(assured_date__gte=cutoff)
        if value == "stale":
            return qs.filter(Q(assured_date__lt=cutoff) | Q(assured_date__isnull=True))
        if value == "never":
            return qs.filter(assured_date__isnull=True)
        return qs


def taxonomy_choices(model):
    def queryset(request):
        return model.objects.filter(**default_locale_filter())

    return queryset


class ServiceFilterSet(WagtailFilterSet):
    # Filters go through `pk__in` subqueries so that they combine with the admin's
    # search (Wagtail search only accepts declared filter fields).
    district = django_filters.ModelChoiceFilter(
        label=_("Район"), queryset=District.objects.all(), method="filter_district"
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Вид помощи"), queryset=taxonomy_choices(ServiceKind), method="filter_kind"
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("Кому помогает"),
        queryset=taxonomy_choices(TargetGroup),
        method="filter_target_group",
    )
    verified = VerifiedFilter(
        label=_("Проверка"),
        choices=[
            ("fresh", _("Проверено недавно")),
            ("stale", _("Давно не проверялось")),
            ("never", _("Ни разу не проверялось")),
        ],
    )

    no_district = django_filters.BooleanFilter(
        label=_("Без района"),
        method="filter_no_district",
        help_text=_("Места, район которых не определился при импорте"),
    )

    class Meta:
        model = Service
        fields = ["status", "is_24_7", "is_free", "is_demo"]

    def filter_no_district(self, queryset, name, value):
        without = Location.objects.filter(district__isnull=True).values("service_id")
        return queryset.filter(pk__in=without) if value else queryset.exclude(pk__in=without)

    def filter_district(self, queryset, name, value):
        return queryset.filter(pk__in=Service.objects.serving_district(value).values("pk"))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(pk__in=Service.objects.of_kind(value.code).values("pk"))

    def filter_target_group(self, queryset, name, value):
        return queryset.filter(pk__in=Service.objects.for_target_group(value.code).values("pk"))


# --- Listing columns -------------------------------------------------------------------------


class VerifiedColumn(DateColumn):
    """«Проверено» with a warning when older than REGISTRY_STALE_AFTER_DAYS."""

    cell_template_name = "registry/admin/verified_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["is_stale"] = instance.is_stale()
        return context


# --- Viewsets ----------------------------------------------------------------------------------


class RegistrySnippetViewSet(GuardedSnippetViewSet):
    """Choosers and workflow views that ask for permissions (Wagtail's own ask for none)."""


class ServiceIndexView(SnippetIndexView):
    """The listing's search also finds words across fields and phone numbers."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        autocompleted = super().search_queryset(queryset)
        return admin_search.search_services(queryset, self.search_query, autocompleted)


class ServiceViewSet(RegistrySnippetViewSet):
    model = Service
    index_view_class = ServiceIndexView
    icon = "help"
    menu_label = _("Службы")
    menu_name = "registry_services"
    filterset_class = ServiceFilterSet
    list_per_page = 50
    ordering = ["name"]
    list_display = [
        "name",
        Column("organization", label=_("Организация"), sort_key="organization__name"),
        Column("districts_display", label=_("Районы")),
        Column("status", label=_("Состояние"), accessor="get_status_display", sort_key="status"),
        VerifiedColumn("assured_date", label=_("Проверено"), sort_key="assured_date"),
        LiveStatusTagColumn(),
    ]
    list_export = [
        "name",
        "alternate_name",
        "slug",
        "organization",
        "kinds_display",
        "target_groups_display",
        "districts_display",
        "addresses_display",
        "phones_display",
        "email",
        "url",
        "status",
        "is_24_7",
        "is_free",
        "interpretation_services",
        "alert",
        "assured_date",
        "assurer_display",
        "external_id",
        "live",
        "modified",
    ]
    export_headings = {
        "name": _("Название"),
        "alternate_name": _("Другое название"),
        "slug": _("Адрес (slug)"),
        "organization": _("Организация"),
        "kinds_display": _("Виды помощи"),
        "target_groups_display": _("Кому помогает"),
        "districts_display": _("Районы"),
        "addresses_display": _("Адреса"),
        "phones_display": _("Телефоны"),
        "email": _("Электронная почта"),
        "url": _("Страница службы"),
        "status": _("Состояние"),
        "is_24_7": _("Круглосуточно"),
        "is_free": _("Бесплатно"),
        "interpretation_services": _("Перевод (в т. ч. жестовый)"),
        "alert": _("Срочное объявление"),
        "assured_date": _("Проверено"),
        "assurer_display": _("Кто проверил"),
        "external_id": _("Внешний идентификатор"),
        "live": _("Опубликовано"),
        "modified": _("Изменено"),
    }
    export_filename = "services"

    def get_urlpatterns(self):
        """Every address of one service refuses a provider another organisation's."""
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            pattern.callback = scoped_view(pattern.callback)
        return patterns

    def get_queryset(self, request):
        return (
            services_for(request.user, Service.objects.all())
            .select_related("organization", "assurer", "locale")
            .prefetch_related(
                "kinds",
                "target_groups",
                "phones",
                Prefetch("locations", Location.objects.select_related("district")),
                Prefetch("service_areas", ServiceArea.objects.select_related("district")),
                # The status column asks whether each one is in moderation.
                Prefetch(
                    "_workflow_states",
                    WorkflowState.objects.active().select_related("current_task_state__task"),
                    to_attr="_current_workflow_states",
                ),
            )
        )


class OrganizationViewSet(RegistrySnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Организации")
    menu_name = "registry_organizations"
    list_display = [
        "name",
        "alternate_name",
        Column("phones_display", label=_("Телефоны")),
        "email",
    ]
    list_filter = ["is_demo"]
    list_export = ["name", "alternate_name", "legal_status", "website", "email", "phones_display"]
    export_headings = {"phones_display": _("Телефоны")}
    export_filename = "organizations"

    def get_queryset(self, request):
        return Organization.objects.all().prefetch_related("phones")


class OrganizationMemberViewSet(RegistrySnippetViewSet):
    """Who keeps which organisation's entries current (provider accounts)."""

    model = OrganizationMember
    icon = "user"
    menu_label = _("Сотрудники организаций")
    menu_name = "registry_members"
    list_display = ["user", "organization", DateColumn("reminded_at", label=_("Напоминание"))]
    list_filter = ["organization"]
    ordering = ["organization__name", "user__username"]

    def get_queryset(self, request):
        return OrganizationMember.objects.select_related("user", "organization")


class ServiceKindViewSet(RegistrySnippetViewSet):
    model = ServiceKind
    icon = "tag"
    menu_label = _("Виды помощи")
    menu_name = "registry_kinds"
    list_display = ["name", "code", "sort_order"]
    ordering = ["sort_order", "name"]


class TargetGroupViewSet(RegistrySnippetViewSet):
    model = TargetGroup
    icon = "user"
    menu_label = _("Целевые группы")
    menu_name = "registry_target_groups"
    list_display = ["name", "code", "sort_order"]
    ordering = ["sort_order", "name"]


class EverydayPhraseViewSet(RegistrySnippetViewSet):
    """The everyday vocabulary: what visitors type, and which help it means."""

    model = EverydayPhrase
    icon = "openquote"
    menu_label = _("Слова посетителей")
    menu_name = "registry_everyday_words"
    list_display = [
        "phrase",
        Column("kinds_text", label=_("Виды помощи")),
        Column("groups_text", label=_("Целевые группы")),
    ]
    list_filter = ["is_demo"]
    search_fields = ["phrase"]
    ordering = ["phrase"]

    def get_queryset(self, request):
        return EverydayPhrase.objects.prefetch_related("kinds", "target_groups")


class DistrictViewSet(RegistrySnippetViewSet):
    model = District
    icon = "site"
    menu_label = _("Районы")
    menu_name = "registry_districts"
    list_display = ["name", "region", "kind", "slug"]
    list_filter = ["region", "kind"]
    list_export = [
        "name",
        "name_en",
        "slug",
        "kind",
        "region",
        "region_en",
        "latitude",
        "longitude",
    ]
    export_filename = "districts"
    ordering = ["region", "name"]


class SettlementViewSet(RegistrySnippetViewSet):
    """The gazetteer: places a visitor may type in the registry's box. Bulk loading:
    ``manage.py import_settlements FILE.csv``."""

    model = Settlement
    icon = "pick"
    menu_label = _("Населённые пункты")
    menu_name = "registry_settlements"
    list_display = ["name", "kind", "district", "latitude", "longitude"]
    list_filter = ["district", "kind", "is_demo"]
    search_fields = ["name", "other_names"]
    list_export = ["name", "kind", "district", "latitude", "longitude", "other_names", "slug"]
    export_filename = "settlements"
    ordering = ["name"]

    def get_queryset(self, request):
        return Settlement.objects.select_related("district")


class CalendarDayViewSet(RegistrySnippetViewSet):
    """The region's official calendar: holidays, transferred days off and working days,
    year by year. It closes (or lends hours to) every service that is not round the clock
    and has no special day of its own then."""

    model = CalendarDay
    icon = "date"
    menu_label = _("Праздники и переносы")
    menu_name = "registry_calendar"
    list_display = [
        "date",
        Column("kind", label=_("Что за день"), accessor="get_kind_display", sort_key="kind"),
        "name",
        Column(
            "works_as_weekday", label=_("Работают как в"), accessor="get_works_as_weekday_display"
        ),
    ]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name"]
    ordering = ["-date"]
    list_export = ["date", "kind", "name", "name_en", "works_as_weekday", "source"]
    export_filename = "calendar"


def stale_services_url() -> str:
    list_url = reverse(Service.snippet_viewset.get_url_name("list"))
    return f"{list_url}?{urlencode({'verified': 'stale'})}"


def no_district_services_url() -> str:
    """Services with a place whose district an import could not determine."""
    list_url = reverse(Service.snippet_viewset.get_url_name("list"))
    return f"{list_url}?{urlencode({'no_district': 'true'})}"


class StaleServicesMenuItem(MenuItem):
    """«Требуют проверки», «Без района»: the services list filtered, which a provider's
    list already limits to their own organisations' entries."""

    def is_shown(self, request) -> bool:
        return request.user.has_perm("registry.change_service")


class RegistryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Реестр помощи")
    menu_icon = "help"
    menu_order = 250
    items = (
        ServiceViewSet,
        OrganizationViewSet,
        OrganizationMemberViewSet,
        ServiceKindViewSet,
        TargetGroupViewSet,
        EverydayPhraseViewSet,
        CalendarDayViewSet,
        DistrictViewSet,
        SettlementViewSet,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.insert(
            1,
            StaleServicesMenuItem(
                _("Требуют проверки"),
                stale_services_url(),
                name="registry_stale",
                icon_name="warning",
                order=len(items) + 1,
            ),
        )
        items.insert(
            2,
            StaleServicesMenuItem(
                _("Без района"),
                no_district_services_url(),
                name="registry_no_district",
                icon_name="site",
                order=len(items) + 1,
            ),
        )
        items.append(import_menu_item(order=len(items) + 1))
        items.append(export_menu_item(order=len(items) + 1))
        items.append(corrections_menu_item(order=len(items) + 1))
        return items


register_snippet(RegistryViewSetGroup)


# --- "Mark verified" ---------------------------------------------------------------------------


class MarkVerifiedBulkAction(SnippetBulkAction):
    display_name = _("Отметить проверенными")
    action_type = "mark_verified"
    aria_label = _("Отметить выбранные службы как проверенные сегодня")
    template_name = "registry/admin/confirm_bulk_mark_verified.html"
    action_priority = 20
    models = [Service]

    def check_perm(self, snippet) -> bool:
        return service_policy().user_has_permission_for_instance(
            self.request.user, "change", snippet
        )

    def get_execution_context(self) -> dict:
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return mark_verified(list(objects), user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d служба отмечена как проверенная сегодня",
            "%(count)d служб отмечено как проверенные сегодня",
            num_parent_objects,
        ) % {"count": num_parent_objects}


hooks.register("register_bulk_action", MarkVerifiedBulkAction)


def service_policy() -> ServicePermissionPolicy:
    return policy_registry.get_by_type(Service)


def mark_verified_url(service: Service, next_url: str | None = None) -> str:
    url = reverse("wagtail_bulk_action", args=("registry", "service", "mark_verified"))
    query = {"id": service.pk}
    if next_url:
        query["next"] = next_url
    return f"{url}?{urlencode(query)}"


@hooks.register("register_snippet_listing_buttons")
def mark_verified_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Service) and service_policy().user_has_permission_for_instance(
        user, "change", snippet
    ):
        yield ListingButton(
            _("Отметить проверенной"),
            mark_verified_url(snippet, next_url),
            icon_name="check",
            priority=15,
        )


@hooks.register("register_log_actions")
def register_registry_log_actions(actions) -> None:
    actions.register_action(
        MARK_VERIFIED_ACTION, _("Отметка о проверке"), _("Данные проверены со службой")
    )
    actions.register_action(
        CONFIRMED_BY_LINK_ACTION,
        _("Подтверждено по ссылке"),
        _("Сотрудник организации подтвердил данные по ссылке из письма"),
    )


@hooks.register("construct_snippet_action_menu")
def submit_first_for_providers(menu_items, request, context) -> None:
    """A provider's main button sends the entry to the editors («Проверка реестра»)."""
    if context.get("model") is not Service or not is_provider(request.user):
        return
    submit = [item for item in menu_items if item.name == "action-submit"]
    if submit:
        menu_items.remove(submit[0])
        menu_items.insert(0, submit[0])


# --- Freshness dashboard panel ---------------------------------------------------------------


class FreshnessPanel(Component):
    """On the admin home page: how many published services need re-checking, oldest first."""

    name = "registry_freshness"
    order = 150
    template_name = "registry/admin/freshness_panel.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context=None) -> dict:
        days = stale_after_days()
        public = Service.objects.filter(live=True).exclude(status=Service.Status.CLOSED)
        stale = services_for(self.request.user, public).stale(days)
        oldest = stale.order_by(F("assured_date").asc(nulls_first=True), "name")[:10]
        edit_url_name = Service.snippet_viewset.get_url_name("edit")
        return {
            "days": days,
            "count": stale.count(),
            "services": [
                {
                    "service": service,
                    "edit_url": reverse(edit_url_name, args=[service.pk]),
                    "verify_url": mark_verified_url(service, reverse("wagtailadmin_home")),
                }
                for service in oldest
            ],
            "list_url": stale_services_url(),
        }


@hooks.register("construct_homepage_panels")
def add_freshness_panel(request, panels) -> None:
    if request.user.has_perm("registry.change_service"):
        panels.append(FreshnessPanel(request))


# --- «Сообщения об ошибках»: visitors' and specialists' notes that an entry is wrong ------


class CorrectionViewSet(ModelViewSet):
    """Every note a visitor or a specialist sent, e-mailed or not, until an editor marks it done.

    Notes are never written by hand: no add or copy; the edit form only says
    «Исправлено» (the note itself is shown read-only). Wagtail's audit log records who
    closed it."""

    model = ServiceCorrection
    name = "registry_corrections"
    icon = "warning"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    add_to_reference_index = False
    list_display = [
        "service",
        Column("description", label=_("Что не так"), accessor="short_description"),
        Column("source", label=_("Кто сообщил"), accessor="get_source_display"),
        DateColumn("created_at", label=_("Получено")),
        "is_resolved",
    ]
    list_filter = ["is_resolved", "source"]
    ordering = ["is_resolved", "-created_at"]
    panels = [
        FieldPanel("service", read_only=True),
        FieldPanel("description", read_only=True),
        FieldPanel("source", read_only=True),
        FieldPanel("contact", read_only=True),
        FieldPanel("created_at", read_only=True),
        FieldPanel("emailed_at", read_only=True),
        FieldPanel("is_resolved"),
    ]

    def get_queryset(self, request):
        return ServiceCorrection.objects.select_related("service")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(add_url_name=None, **kwargs)


correction_viewset = CorrectionViewSet()


@hooks.register("register_admin_viewset")
def register_correction_viewset():
    return correction_viewset


def open_corrections() -> int:
    return ServiceCorrection.objects.filter(is_resolved=False).count()


@hooks.register("sidebar_live_parts")
def open_corrections_shown(request) -> int:
    """The count in «Сообщения об ошибках (2)»: the cached sidebar is looked up by it."""
    return live_count(request, "registry.view_servicecorrection", open_corrections)


class CorrectionsMenuItem(MenuItem):
    """«Сообщения об ошибках (2)»: the count of notes not yet dealt with."""

    def is_shown(self, request) -> bool:
        return request.user.has_perm("registry.view_servicecorrection")

    def render_component(self, request):
        from wagtail.admin.ui.sidebar import LinkMenuItem

        count = open_corrections_shown(request)
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name)


def corrections_menu_item(order: int) -> MenuItem:
    return CorrectionsMenuItem(
        _("Сообщения об ошибках"),
        reverse(correction_viewset.get_url_name("index")) + "?is_resolved=false",
        name="registry_corrections",
        icon_name="warning",
        order=order,
    )


class CorrectionsPanel(Component):
    """On the admin home page: the newest notes that no editor has dealt with yet."""

    name = "registry_corrections"
    order = 140
    template_name = "registry/admin/corrections_panel.html"
    LIMIT = 5

    def get_context_data(self, parent_context=None) -> dict:
        notes = ServiceCorrection.objects.filter(is_resolved=False).select_related("service")
        edit = correction_viewset.get_url_name("edit")
        return {
            "count": notes.count(),
            "notes": [
                {"note": note, "edit_url": reverse(edit, args=[note.pk])}
                for note in notes.order_by("-created_at")[: self.LIMIT]
            ],
            "list_url": reverse(correction_viewset.get_url_name("index")) + "?is_resolved=false",
        }


@hooks.register("construct_homepage_panels")
def add_corrections_panel(request, panels) -> None:
    if request.user.has_perm("registry.view_servicecorrection"):
        panels.append(CorrectionsPanel())
