"""Open Referral HSDS 3.0 vocabulary shared by the HSDS API and the import.

One place says how our models map to HSDS: the status values, the three
taxonomies we publish (kinds of help, target groups, districts), the phone
kinds, weekday codes and the identifiers of objects that exist only in HSDS
(a taxonomy, an address, a cost option). Keeping both directions
here makes the round trip "export → import" lossless where HSDS allows it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from threading import Lock

from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from .models import HSDS_NAMESPACE, ICAL_DAYS, District, Phone, Service, ServiceKind, TargetGroup

HSDS_VERSION = "3.0"
PROFILE_URL = "https://docs.openreferral.org/en/3.0/"  # base HSDS 3.0, no profile
COUNTRY = "RU"

# A part of a Russian address that names the locality: «г. Сокол», «с. Ям», «пос. Шексна»,
# «д. Ивановка» (a capital after the mark: «д. 5» is a house, «с. 2» a building).
LOCALITY_PART = re.compile(
    r"^(?i:г\.|город|пгт\.?|рп\.?|р\.\s?п\.|пос\.|п\.|посёлок|поселок|с\.|село|д\.|деревня"
    r"|ст-ца|станица|х\.|хутор)\s*[А-ЯЁ]"
)


def locality_in(address: str) -> str:
    """The locality an address names itself («г. Кадников» of «г. Кадников, ул. Советская,
    д. 1»), else ``""``: HSDS's ``city`` for a place without a district, never a guess."""
    parts = (part.strip() for part in address.split(","))
    return next((part for part in parts if LOCALITY_PART.match(part)), "")


# Our status → HSDS `service.status` and back.
STATUS_TO_HSDS = {
    Service.Status.ACTIVE: "active",
    Service.Status.TEMPORARILY_CLOSED: "temporarily closed",
    Service.Status.CLOSED: "inactive",
}
STATUS_FROM_HSDS = {
    "active": Service.Status.ACTIVE,
    "temporarily closed": Service.Status.TEMPORARILY_CLOSED,
    "temporarily_closed": Service.Status.TEMPORARILY_CLOSED,
    "inactive": Service.Status.CLOSED,
    "defunct": Service.Status.CLOSED,
    "closed": Service.Status.CLOSED,
}

# HSDS phones have a technical `type` (voice, cell...), not "when to call": our kind
# goes into the description («Горячая линия. Бесплатно по России») and is read back.
PHONE_TYPE = {Phone.Kind.MOBILE: "cell"}

# Common service languages → ISO 639 codes (HSDS `language.code`).
LANGUAGE_CODES = {
    "русский": "ru",
    "английский": "en",
    "татарский": "tt",
    "чувашский": "cv",
    "башкирский": "ba",
    "удмуртский": "udm",
    "марийский": "chm",
    "коми": "kv",
    "украинский": "uk",
    "немецкий": "de",
    "русский жестовый": "rsl",
    "жестовый": "rsl",
}


@dataclass(frozen=True)
class Taxonomy:
    """A taxonomy we publish: its stable id, name and the model of its terms."""

    key: str
    name: object  # lazy string
    description: object
    model: type[models.Model]

    @property
    def id(self) -> str:
        return str(uuid.uuid5(HSDS_NAMESPACE, f"taxonomy:{self.key}"))


TAXONOMIES = [
    Taxonomy(
        "service_kinds",
        _("Виды помощи"),
        _("Какую помощь оказывает служба"),
        ServiceKind,
    ),
    Taxonomy(
        "target_groups",
        _("Кому помогает"),
        _("Для кого предназначена служба"),
        TargetGroup,
    ),
    Taxonomy(
        "districts",
        _("Районы"),
        _("Муниципальные районы и округа, районы городов; код — адрес района на сайте"),
        District,
    ),
]
TAXONOMY_BY_KEY = {taxonomy.key: taxonomy for taxonomy in TAXONOMIES}
TAXONOMY_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
TAXONOMY_BY_MODEL = {taxonomy.model: taxonomy for taxonomy in TAXONOMIES}


def derived_id(obj: models.Model | str, suffix: str) -> str:
    """A stable uuid for an HSDS object that is part of one of ours (an address, a cost)."""
    base = obj if isinstance(obj, str) else obj.hsds_id
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{base}:{suffix}"))


def weekday_code(weekday: int) -> str:
    return ICAL_DAYS[weekday]


# --- From an HSDS id back to a primary key ---------------------------------------------

_id_maps: dict[str, tuple[int, dict[str, int]]] = {}
_id_lock = Lock()


def parse_uuid(value: str) -> str | None:
    """The canonical form of a uuid, or None when `value` is not one."""
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, AttributeError, TypeError):
        return None


def pk_for_hsds_id(model: type[models.Model], value: str) -> int | None:
    """Primary key whose ``hsds_id`` is `value`, or None.

    ``hsds_id`` is uuid5(label:pk), which cannot be reversed, so the uuids of
    1..max(pk) are computed once per process and extended when rows are added
    (one cheap ``MAX(id)`` query per miss; ~10 ms per 10,000 rows).
    """
    key = parse_uuid(value)
    if key is None:
        return None
    label = model._meta.label_lower
    known, mapping = _id_maps.get(label, (0, {}))
    if key in mapping:
        return mapping[key]
    top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    if top > known:
        with _id_lock:
            known, mapping = _id_maps.get(label, (0, {}))
            mapping = dict(mapping)
            for pk in range(known + 1, top + 1):
                mapping[str(uuid.uuid5(HSDS_NAMESPACE, f"{label}:{pk}"))] = pk
            _id_maps[label] = (max(known, top), mapping)
    return mapping.get(key)


def term_for_hsds_id(value: str) -> tuple[Taxonomy, int] | None:
    """(taxonomy, pk) of a taxonomy term id from any of our taxonomies."""
    for taxonomy in TAXONOMIES:
        pk = pk_for_hsds_id(taxonomy.model, value)
        if pk is not None:
            return taxonomy, pk
    return None
