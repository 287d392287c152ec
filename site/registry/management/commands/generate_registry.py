"""Generate a large synthetic registry for benchmarks: `generate_registry --services 10000`.

Deterministic for a given --seed. Everything it creates is marked: districts
`gen-…`, organisations and services with external_id `gen:…` and `is_demo`, so
`--clear` (the default) removes the previous run before writing, and real data
is never touched. Rows are written with bulk_create and the search index is
filled in chunks, so 10,000 services take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from safechildhood.core.progress import Progress
from safechildhood.registry.models import (
    District,
    Location,
    Organization,
    Phone,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
)

GEN_REGION = "Генерируемая область"
BATCH = 1000

ADJECTIVES = ["Северный", "Южный", "Лесной", "Речной", "Озёрный", "Заречный", "Полевой", "Горный"]
PLACES = ["Берёзовский", "Сосновский", "Липовский", "Кедровский", "Ольховский", "Рябиновский"]
SERVICE_WORDS = [
    "консультации психолога для детей и родителей",
    "помощь семье в кризисной ситуации",
    "медиация и примирение в семейных конфликтах",
    "поддержка подростков при травле в школе",
    "помощь женщинам, пострадавшим от насилия",
    "юридические консультации по вопросам опеки и алиментов",
    "социальное сопровождение многодетных семей",
    "выезд специалистов к семье на дом",
]


DATABASE_BACKEND_MODULES = ("modelsearch.backends.database", "search.sqlite")


class Command(BaseCommand):
    help = "Generate synthetic services and districts for benchmarks (deterministic with --seed)."
    progress: Progress | None = None  # set while handle() runs (core.progress)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--services", type=int, default=10_000)
        parser.add_argument("--districts", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Do not delete the previously generated data first",
        )
        parser.add_argument("--no-index", action="store_true", help="Skip filling the search index")

    def handle(self, *args, **options) -> None:
        n_services, n_districts = options["services"], options["districts"]
        if n_services < 0 or n_districts < 1:
            raise CommandError("--services must be ≥ 0 and --districts ≥ 1")
        rng = random.Random(options["seed"])  # noqa: S311 (test data, reproducible on purpose)
        with transaction.atomic():
            if not options["keep"]:
                self.clear()
            with Progress(self.stdout, n_services, "Services") as self.progress:
                pks = self.generate(rng, n_services, n_districts, options["seed"])
                self.progress.finish()
        if not options["no_index"]:
            total = len(pks) * len(list(get_search_backends()))
            with Progress(self.stdout, total, "Search index") as self.progress:
                self.index(pks)
                self.progress.finish()
        self.stdout.write(
            self.style.SUCCESS(f"Generated {n_services} services in {n_districts} districts.")
        )

    @staticmethod
    def clear() -> None:
        services = Service.objects.filter(external_id__startswith="gen:")
        pks = [str(pk) for pk in services.values_list("pk", flat=True)]
        # The database search backend keeps entries in IndexEntry; other backends one by one.
        content_type = ContentType.objects.get_for_model(Service)
        for start in range(0, len(pks), BATCH):
            IndexEntry.objects.filter(
                content_type=content_type, object_id__in=pks[start : start + BATCH]
            ).delete()
        for backend in get_search_backends():
            # (search.sqlite is the database backend with Russian stems on SQLite.)
            if not backend.__class__.__module__.startswith(DATABASE_BACKEND_MODULES):
                index = backend.get_index_for_model(Service)
                for service in services.only("pk"):
                    index.delete_item(service)
        services.delete()
        Organization.objects.filter(external_id__startswith="gen:").delete()
        District.objects.filter(slug__startswith="gen-").delete()

    def generate(self, rng: random.Random, n_services: int, n_districts: int, seed: int):
        """Districts, organisations, services and their children, in bulk; the new pks.

        The random draws happen in a fixed order, so that a seed always gives the same data.
        """
        ru = Locale.objects.get_or_create(language_code="ru")[0]
        prefix = f"gen-{seed}"
        districts = self._districts(rng, n_districts, prefix)
        orgs = self._organizations(rng, n_services, seed, ru)
        kinds = list(ServiceKind.objects.filter(locale=ru))
        groups = list(TargetGroup.objects.filter(locale=ru))
        if not kinds or not groups:
            raise CommandError("The seeded taxonomy is missing: run migrate first.")
        services = self._services(rng, n_services, seed, prefix, kinds, orgs, ru)
        self._children(rng, services, kinds, groups, districts, ru)
        return [service.pk for service in services]

    def _districts(self, rng: random.Random, n_districts: int, prefix: str) -> list[District]:
        return District.objects.bulk_create(
            District(
                name=f"{rng.choice(ADJECTIVES)} {rng.choice(PLACES).lower()} район №{i + 1}",
                slug=f"{prefix}-district-{i + 1}",
                kind=District.Kind.MUNICIPAL_DISTRICT,
                region=GEN_REGION,
                latitude=round(rng.uniform(50.0, 62.0), 5),
                longitude=round(rng.uniform(30.0, 60.0), 5),
            )
            for i in range(n_districts)
        )

    def _organizations(
        self, rng: random.Random, n_services: int, seed: int, ru: Locale
    ) -> list[Organization]:
        n_orgs = max(1, n_services // 10)
        return Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Центр помощи семье и детям №{i + 1} (генератор)",
                    alternate_name=f"Центр №{i + 1}",
                    description="Сгенерированная запись для нагрузочных тестов.",
                    external_id=f"gen:{seed}:org:{i + 1}",
                    is_demo=True,
                    locale=ru,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
                for i in range(n_orgs)
            ],
            batch_size=BATCH,
        )

    def _services(
        self,
        rng: random.Random,
        n_services: int,
        seed: int,
        prefix: str,
        kinds: list,
        orgs: list[Organization],
        ru: Locale,
    ) -> list[Service]:
        now = timezone.now()
        today = timezone.localdate()
        n_orgs = len(orgs)
        services = []
        for i in range(n_services):
            kind = rng.choice(kinds)
            services.append(
                Service(
                    name=f"{kind.name} №{i + 1}",
                    slug=f"{prefix}-service-{i + 1}",
                    description=(
                        f"{rng.choice(SERVICE_WORDS).capitalize()}; "
                        f"{rng.choice(SERVICE_WORDS)}. Сгенерированная запись."
                    ),
                    organization=orgs[i % n_orgs],
                    status=rng.choices(
                        [Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED],
                        weights=[95, 5],
                    )[0],
                    is_24_7=rng.random() < 0.05,
                    is_free=rng.random() < 0.9,
                    fees_description="",
                    assured_date=today - dt.timedelta(days=rng.randint(0, 400)),
                    external_id=f"gen:{seed}:{i + 1}",
                    is_demo=True,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    locale=ru,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
            services[-1]._gen_kind = kind
        Service.objects.bulk_create(services, batch_size=BATCH)
        for service in services:
            if not service.is_free:
                service.fees_description = "Частично платно"
        Service.objects.bulk_update(
            [s for s in services if not s.is_free], ["fees_description"], batch_size=BATCH
        )

        return services

    def _children(
        self,
        rng: random.Random,
        services: list[Service],
        kinds: list,
        groups: list,
        districts: list[District],
        ru: Locale,
    ) -> None:
        """Kinds, groups, places, areas, phones and hours of the new services, in bulk."""
        today = timezone.localdate()
        kinds_through = Service.kinds.through
        groups_through = Service.target_groups.through
        kind_links, group_links = [], []
        locations, areas, phones, schedules, exceptions = [], [], [], [], []
        for i, service in enumerate(services):
            chosen = {service._gen_kind.pk, rng.choice(kinds).pk}
            kind_links += [kinds_through(service_id=service.pk, servicekind_id=k) for k in chosen]
            group_links += [
                groups_through(service_id=service.pk, targetgroup_id=g.pk)
                for g in rng.sample(groups, rng.randint(1, 3))
            ]
            locations += self._locations(rng, i, service, districts, ru)
            if self.progress is not None:
                self.progress.advance()
            areas += [
                ServiceArea(service_id=service.pk, district=d, sort_order=n)
                for n, d in enumerate(rng.sample(districts, min(len(districts), rng.randint(0, 2))))
            ]
            phones.append(
                Phone(
                    service_id=service.pk,
                    number=f"+7 (000) {i // 10000:03d}-{i // 100 % 100:02d}-{i % 100:02d}",
                    kind=Phone.Kind.HOTLINE if service.is_24_7 else Phone.Kind.DAYTIME,
                    locale=ru,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
            if not service.is_24_7:
                schedules += self._week(rng, service)
                if rng.random() < 0.3:
                    exceptions.append(self._holidays(rng, service, today, ru))
        for model, rows in (
            (kinds_through, kind_links),
            (groups_through, group_links),
            (Location, locations),
            (ServiceArea, areas),
            (Phone, phones),
            (Schedule, schedules),
            (ScheduleException, exceptions),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)

    @staticmethod
    def _locations(
        rng: random.Random, i: int, service: Service, districts: list[District], ru: Locale
    ) -> list[Location]:
        locations = []
        for n in range(1 if rng.random() < 0.85 else 2):
            district = rng.choice(districts)
            locations.append(
                Location(
                    service_id=service.pk,
                    sort_order=n,
                    address=f"{district.name}, ул. Генераторная, д. {i + 1} (генератор)",
                    district=district,
                    latitude=district.latitude + rng.uniform(-0.2, 0.2),
                    longitude=district.longitude + rng.uniform(-0.3, 0.3),
                    is_confidential=rng.random() < 0.05,
                    locale=ru,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
        return locations

    @staticmethod
    def _week(rng: random.Random, service: Service) -> list[Schedule]:
        opens = dt.time(rng.choice([8, 9, 10]))
        closes = dt.time(rng.choice([16, 17, 18, 20]))
        return [
            Schedule(service_id=service.pk, weekday=d, opens_at=opens, closes_at=closes)
            for d in range(5)
        ]

    @staticmethod
    def _holidays(
        rng: random.Random, service: Service, today: dt.date, ru: Locale
    ) -> ScheduleException:
        year = today.year + 1
        return ScheduleException(
            service_id=service.pk,
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 1, 8),
            description="Новогодние праздники",
            locale=ru,
            translation_key=uuid.UUID(int=rng.getrandbits(128)),
        )

    def index(self, pks: list[int]) -> None:
        """Fill the search index in chunks (bulk_create sends no save signals)."""
        for backend in get_search_backends():
            for start in range(0, len(pks), BATCH):
                chunk = Service.get_indexed_objects().filter(pk__in=pks[start : start + BATCH])
                backend.add_bulk(Service, list(chunk))
                if self.progress is not None:
                    self.progress.advance(len(pks[start : start + BATCH]))
