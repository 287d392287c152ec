"""The shared select renders exactly what Django's does, with fewer templates."""

import pytest
from django import forms
from django.test.signals import template_rendered

from safechildhood.core.widgets import Select

CHOICES = [
    ("", "—"),
    ("a", "Вологда & район"),
    ("Группа «2»", [("b", 'Кадников "центр"'), ("c", "Сокол")]),
    (3, "Число"),
]


def rendered(widget: forms.Select, value) -> tuple[str, int]:
    names: list[str] = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        html = widget.render("district", value, attrs={"id": "id_district", "required": True})
    finally:
        template_rendered.disconnect(record)
    return html, len(names)


@pytest.mark.parametrize("value", ["", "a", "c", 3, ["a", "c"]])
def test_same_html_as_djangos_select(value):
    django_html, django_templates = rendered(forms.Select(choices=CHOICES), value)
    ours, our_templates = rendered(Select(choices=CHOICES), value)
    assert ours == django_html
    assert "&amp;" in ours and "&quot;" in ours  # labels escaped as Django escapes them
    assert our_templates == 2 < django_templates  # the select and its own attributes


def test_multiple_select_keeps_every_selected_option():
    class Multiple(Select):
        allow_multiple_selected = True

    html, _ = rendered(Multiple(choices=CHOICES, attrs={"multiple": True}), ["a", "c"])
    assert html.count(" selected") == 2
