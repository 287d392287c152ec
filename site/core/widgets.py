"""Form widgets shared by the apps."""

from django import forms


class Select(forms.Select):
    """Django's select, the same HTML, with its options written in its own template.

    Django renders two templates per option (the option and its attributes): on a staff
    page with long lists (districts, services, colleagues) that is most of the page's
    template work.
    """

    template_name = "core/widgets/select.html"
