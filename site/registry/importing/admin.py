"""«Импорт из CSV» in the Wagtail admin: upload → dry-run report → confirm → one transaction.

For registry editors who can add and change services. The uploaded file is
kept in the session between the report and the confirmation (the token in the
confirmation form must match, so what is applied is exactly what was checked),
and is read and checked again when applying: the database may have changed in
between. HSDS JSON files are accepted here too.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from safechildhood.core.menu import PermissionMenuItem

from ..api import tabular
from ..models import Service
from ..providers import is_provider
from . import engine
from .csv_format import COLUMNS, parse_csv, template_csv
from .hsds_format import read_json_bytes
from .records import Parsed, Problem

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Applying takes ~60 ms per service (revision, publication, search index): keep a request
# well inside the web server's 30 s timeout. Bigger files: ``manage.py import_hsds``.
MAX_SERVICES = 300
MAX_PROBLEMS_SHOWN = 500
SESSION_KEY = "registry_import"
PERMISSIONS = ("registry.add_service", "registry.change_service")


def can_import(user) -> bool:
    """Provider accounts do not import: a file could rewrite any organisation's entries."""
    return user.is_active and user.has_perms(PERMISSIONS) and not is_provider(user)


def can_export(user) -> bool:
    """The whole registry's export is the registry editors' tool; a provider account keeps
    its own entries and downloads nothing wholesale (nor sees the menu item)."""
    return user.is_active and user.has_perm("registry.change_service") and not is_provider(user)


def check_upload(data: bytes, name: str) -> engine.Plan:
    """The dry run of an uploaded file, with the admin's size limit."""
    result = engine.plan(read_upload(data, name))
    if len(result.services) > MAX_SERVICES:
        result.problems.insert(
            0,
            Problem(
                _("файл"),
                "",
                _(
                    "в файле %(count)d служб, а через админку можно загрузить не больше %(max)d "
                    "за раз: разделите файл или попросите администратора выполнить "
                    "manage.py import_hsds"
                )
                % {"count": len(result.services), "max": MAX_SERVICES},
            ),
        )
    return result


def read_upload(data: bytes, name: str) -> Parsed:
    """HSDS JSON when it looks like JSON, the editors' CSV otherwise."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if name.lower().endswith(".json") or head in (b"{", b"["):
        return read_json_bytes(data, name)
    return parse_csv(data)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Файл CSV"),
        help_text=gettext_lazy(
            "Таблица в формате CSV (UTF-8 или Windows-1251, разделитель «;» или «,»), "
            "не больше 5 МБ. Можно загрузить и файл HSDS JSON."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.json,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Файл больше 5 МБ: разделите таблицу на части"))
        return upload


class ImportMixin(WagtailAdminTemplateMixin):
    header_icon = "upload"
    page_title = gettext_lazy("Импорт служб из CSV")

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(Service.snippet_viewset.get_url_name("list")),
                "label": _("Службы"),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def report_context(self, result: engine.Plan, token: str = "") -> dict[str, Any]:
        problems = result.ordered_problems
        return {
            "result": result,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "hidden_problems": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
            "token": token,
            "will_publish": self.request.user.has_perm("registry.publish_service"),
        }


class UploadView(ImportMixin, FormView):
    """Step 1: the form and the column layout; step 2 (POST): the dry-run report."""

    template_name = "registry/admin/import_upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["columns"] = COLUMNS
        context["template_url"] = reverse("registry_import:template")
        context["export_url"] = reverse("registry_export:hsds")
        return context

    def form_valid(self, form: UploadForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        result = check_upload(data, upload.name)
        token = ""
        if result.ok:
            token = secrets.token_urlsafe(16)
            self.request.session[SESSION_KEY] = {
                "token": token,
                "name": upload.name[:200],
                "data": base64.b64encode(data).decode("ascii"),
            }
        else:
            self.request.session.pop(SESSION_KEY, None)
        context = self.get_context_data(form=form) | self.report_context(result, token)
        context["file_name"] = upload.name
        return self.render_to_response(context)


class ApplyView(UploadView):
    """Step 3: apply the checked file in one transaction, then back to the services."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        pending = request.session.pop(SESSION_KEY, None) or {}
        if not pending or not secrets.compare_digest(
            str(pending.get("token", "")), request.POST.get("token", "")
        ):
            messages.error(request, _("Проверка файла устарела: загрузите файл ещё раз"))
            return redirect("registry_import:upload")
        data = base64.b64decode(pending["data"])
        result = check_upload(data, pending["name"])
        try:
            engine.apply(result, user=request.user)
        except engine.ImportFailed as error:
            messages.error(request, str(error))
            context = self.get_context_data(form=UploadForm()) | self.report_context(result)
            context["file_name"] = pending["name"]
            return self.render_to_response(context)
        if request.user.has_perm("registry.publish_service"):
            text = _("Импорт выполнен: новых служб %(created)d, обновлено %(updated)d.")
        else:
            text = _(
                "Импорт сохранён черновиками: новых служб %(created)d, обновлено %(updated)d. "
                "Опубликует редактор с правом публикации."
            )
        messages.success(request, text % {"created": result.created, "updated": result.updated})
        return redirect(Service.snippet_viewset.get_url_name("list"))


def export_download(request: HttpRequest) -> HttpResponse:
    """The published registry as an HSDS 3.0 datapackage zip (``registry.api.tabular``):
    what the public API shows, confidential places by district only."""
    if not can_export(request.user):
        raise PermissionDenied
    response = HttpResponse(content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="registry-hsds-{stamp}.zip"'
    tabular.write_zip(response)
    return response


def template_download(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registry-import-template.csv"'
    return response


def import_menu_item(order: int = 900) -> PermissionMenuItem:
    """For the «Реестр помощи» submenu (added in wagtail_hooks.RegistryViewSetGroup)."""
    return PermissionMenuItem(
        gettext_lazy("Импорт из CSV"),
        reverse("registry_import:upload"),
        name="registry_import",
        icon_name="upload",
        order=order,
        check=can_import,
    )


def export_menu_item(order: int = 900) -> PermissionMenuItem:
    """«Выгрузка HSDS (zip)» for the «Реестр помощи» submenu: shown to whom may download."""
    return PermissionMenuItem(
        gettext_lazy("Выгрузка HSDS (zip)"),
        reverse("registry_export:hsds"),
        name="registry_export",
        icon_name="download",
        order=order,
        check=can_export,
    )


@hooks.register("register_admin_urls")
def register_import_urls():
    urls = [
        path("", UploadView.as_view(), name="upload"),
        path("apply/", ApplyView.as_view(), name="apply"),
        path("template.csv", template_download, name="template"),
    ]
    export = [path("hsds.zip", export_download, name="hsds")]
    return [
        path("registry/import/", (urls, "registry_import", "registry_import")),
        path("registry/export/", (export, "registry_export", "registry_export")),
    ]
