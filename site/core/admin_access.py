"""Model permissions where Wagtail and wagtail-localize ask for none.

Wagtail's snippet choosers and wagtail-localize's snippet API, translations report,
"Translate" and "Sync translations" views check only that a user may enter the
admin (or holds the global ``submit_translation`` permission). Here every one of
them asks what Wagtail's own snippet list and edit views ask: may this user see
(add, change, delete or view) the model, may they change or publish this object.
The guarded views are mounted in front of the originals by ``wagtail_hooks.py``.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission, IsAuthenticated
from wagtail.models import DraftStateMixin, Page, TranslatableMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_localize.views import report, snippets_api, submit_translations, update_translations

SEE_ACTIONS = {"add", "change", "delete", "view"}


def _policy(model: type[Model]):
    return policy_registry.get_by_type(model) or ModelPermissionPolicy(model)


def user_may_see_model(user, model: type[Model]) -> bool:
    """Wagtail's test for listing a snippet model: any of add, change, delete, view."""
    if issubclass(model, Page):
        return True  # page titles are in every admin user's page chooser anyway
    return _policy(model).user_has_any_permission(user, SEE_ACTIONS)


def user_may_edit(user, instance: Model) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return _policy(type(instance)).user_has_permission_for_instance(user, "change", instance)


def user_may_publish(user, instance: Model) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_publish()
    action = "publish" if isinstance(instance, DraftStateMixin) else "change"
    return _policy(type(instance)).user_has_permission_for_instance(user, action, instance)


def hidden_content_types(user) -> list[int]:
    """Translatable models (not pages) whose entries this user may not see."""
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, TranslatableMixin) and not issubclass(model, Page)
    ]
    hidden = [model for model in models if not user_may_see_model(user, model)]
    return [ct.pk for ct in ContentType.objects.get_for_models(*hidden).values()]


def may_translate(user) -> bool:
    return user.has_perm("wagtail_localize.submit_translation")


# --- Snippet choosers ---------------------------------------------------------------------


class _SeeModelRequired:
    """Refuse the chooser of a model the user may not see (a 403 in the modal)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_may_see_model(request.user, self.model_class):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _OnlyWhatThePolicyAllows:
    """List only the entries the model's permission policy lets this user see (a policy
    may narrow a model to some of its rows, like the registry's provider accounts)."""

    def get_object_list(self):
        objects = super().get_object_list()
        allowed = _policy(self.model_class).instances_user_has_any_permission_for(
            self.request.user, SEE_ACTIONS
        )
        return objects.filter(pk__in=allowed.values("pk"))


class ChooseView(_SeeModelRequired, _OnlyWhatThePolicyAllows, snippet_chooser.ChooseView):
    pass


class ChooseResultsView(
    _SeeModelRequired, _OnlyWhatThePolicyAllows, snippet_chooser.ChooseResultsView
):
    pass


class ChosenView(_SeeModelRequired, snippet_chooser.SnippetChosenView):
    pass


class ChosenMultipleView(_SeeModelRequired, snippet_chooser.SnippetChosenMultipleView):
    pass


class CreateView(_SeeModelRequired, snippet_chooser.SnippetCreateView):
    pass


class SnippetChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    """Set as ``chooser_viewset_class`` on every snippet viewset."""

    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView


# --- wagtail-localize ---------------------------------------------------------------------


class MaySeeSnippetModel(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_may_see_model(request.user, view.get_model())


class SnippetAPIViewSet(snippets_api.SnippetViewSet):
    """The snippet list the translation editor's choosers read: 403 without the model."""

    permission_classes = [IsAuthenticated, MaySeeSnippetModel]


class TranslationsReportView(report.TranslationsReportView):
    """Translations of what the user may see, for people who translate."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_translate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .exclude(source__specific_content_type__in=hidden_content_types(self.request.user))
            .order_by("-created_at", "-pk")  # newest first; stable pages
        )


class SubmitSnippetTranslationView(submit_translations.SubmitSnippetTranslationView):
    """«Translate» a snippet: only for people who may change it."""

    def get_object(self):
        snippet = super().get_object()
        if not user_may_edit(self.request.user, snippet):
            raise PermissionDenied
        return snippet


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    """«Sync translations»: only for people who may edit the source; publishing needs publish."""

    def get_object(self):
        source = super().get_object()
        instance = source.get_source_instance()
        user = self.request.user
        if not user_may_edit(user, instance):
            raise PermissionDenied
        publishing = self.request.method == "POST" and self.request.POST.get("publish_translations")
        if publishing and not user_may_publish(user, instance):
            raise PermissionDenied
        return source


# --- Snippet workflow views ---------------------------------------------------------------


class _MayChangeObject:
    """Wagtail's snippet workflow views ask for no permission before they name the entry
    in a message (shown on the next admin page): only whoever may change it gets further."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_may_edit(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WorkflowActionView(_MayChangeObject, snippet_views.WorkflowActionView):
    pass


class CollectWorkflowActionDataView(_MayChangeObject, snippet_views.CollectWorkflowActionDataView):
    pass


class ConfirmWorkflowCancellationView(
    _MayChangeObject, snippet_views.ConfirmWorkflowCancellationView
):
    pass


class WorkflowPreviewView(_MayChangeObject, snippet_views.WorkflowPreviewView):
    pass


class GuardedSnippetViewSet(SnippetViewSet):
    """The base of every snippet viewset: choosers only for people who may see the model,
    workflow views only for people who may change the entry."""

    chooser_viewset_class = SnippetChooserViewSet
    workflow_action_view_class = WorkflowActionView
    collect_workflow_action_data_view_class = CollectWorkflowActionDataView
    confirm_workflow_cancellation_view_class = ConfirmWorkflowCancellationView
    workflow_preview_view_class = WorkflowPreviewView
