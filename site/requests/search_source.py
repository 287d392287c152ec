"""The report form in the site-wide search: wanting to report puts it first.

(Not a ``SearchSource``: the search host discovers this module by its name and the
intent registers itself, as a source would.)

The form is not a page and holds no text to find; what a visitor types when they
want to report («куда сообщить», «пожаловаться анонимно», «форма сообщения») is
declared here as an intent of the search host (``search.api.Intent``), whose link
the ``/search/`` page shows before every result. «На мою семью поступило
сообщение» says nothing of the kind: a noun «сообщение» alone is not wanting to
report (it leads to the page for families who were reported).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search.api import Intent, register_intent

# Each phrase is wanted when the query holds all its words (any order and form).
REPORT_PHRASES = (
    "сообщить",
    "сообщать",
    "сообщу",
    "сообщите",
    "пожаловаться",
    "жалоба",
    "анонимно",
    "анонимное сообщение",
    "заявить",
    "форма",
    "форма сообщения",
    "куда написать",
    "кому написать",
    "где написать",
    "донести",
    # A neighbour who hears or sees a child hurt wants it known, whatever the words.
    "соседи бьют",
    "соседи ребёнка",
    "соседи ребёнок",
    "соседи детей",
    "соседи дети",
    "соседский ребёнок",
    "соседского ребёнка",
    "соседских детей",
    "report",
    "reporting",
    "anonymous",
    "anonymously",
    "complain",
)

REPORT = register_intent(
    Intent(
        key="report",
        title=_("Сообщить, что ребёнок может быть в опасности"),
        url=lambda: reverse("requests:start"),
        phrases=REPORT_PHRASES,
        description=_("Онлайн-форма. Можно не называть себя."),
    )
)
