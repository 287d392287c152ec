"""Build the demo site: page tree in Russian, the English home page, settings, optionally an admin.

Idempotent: run it again and pages are updated in place, nothing is duplicated.
Later apps (registry, news, reports) add their own demo data from their own
`load_demo_*` functions, called from here when present.
"""

import importlib
import importlib.util
import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Locale, Page, Site

from safechildhood.home import demo_content
from safechildhood.home.models import EmergencyContacts, HomePage, StandardPage

WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"

# Apps that bring their own demo data: each has a `demo` module with
# `load(home: HomePage, stdout) -> None`, idempotent like this command.
DEMO_APPS = ["safechildhood.registry", "safechildhood.news", "safechildhood.requests"]


def stream(blocks: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """(type, value) pairs → the raw JSON StreamField stores."""
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def publish(page: Page) -> None:
    page.save_revision().publish()


class Command(BaseCommand):
    help = "Load demo content (idempotent). Use --admin to also create a superuser."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Create the superuser 'admin' if no superuser exists. The password comes "
            "from DEMO_ADMIN_PASSWORD or is generated and printed once.",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        ru = Locale.objects.get_or_create(language_code="ru")[0]
        en = Locale.objects.get_or_create(language_code="en")[0]

        home = self.build_home(ru)
        pages = self.build_pages(home)
        home.find_help_page = pages.get("how_to_get_help")
        home.report_page = pages.get("report_info")
        publish(home)
        self.build_english_home(home, en)

        site = Site.objects.get(is_default_site=True)
        contacts = EmergencyContacts.for_site(site)
        contacts.is_demo = True
        contacts.safety_page = pages.get("safety")
        contacts.save()

        for app in DEMO_APPS:
            if importlib.util.find_spec(f"{app}.demo") is not None:
                importlib.import_module(f"{app}.demo").load(home=home, stdout=self.stdout)

        if options["admin"]:
            self.create_admin()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def build_home(self, ru: Locale) -> HomePage:
        data = demo_content.HOME["ru"]
        home = HomePage.objects.filter(locale=ru).first()
        if home is None:
            # Wagtail's first migration leaves a placeholder page (slug "home") as the
            # default site's root; it and its Site make way for the real home page.
            Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE).delete()
            home = HomePage(slug="home", locale=ru, title=data["title"])
            self.tree_root(ru).add_child(instance=home)
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={
                    "hostname": "localhost",
                    "port": 80,
                    "root_page": home,
                    "site_name": data["title"],
                },
            )
        self.fill_home(home, data)
        return home

    @staticmethod
    def tree_root(locale: Locale) -> Page:
        """The tree's root node; recreated if the database was flushed (browser tests do)."""
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        return root

    @staticmethod
    def fill_home(home: HomePage, data: dict[str, Any]) -> None:
        home.title = data["title"]
        home.hero_title = data["hero_title"]
        home.hero_text = data["hero_text"]
        home.search_description = data.get("search_description", "")
        home.body = stream(data["body"])

    def build_pages(self, home: HomePage) -> dict[str, Page]:
        pages: dict[str, Page] = {}
        for data in demo_content.PAGES:
            page = home.get_children().filter(slug=data["slug"]).specific().first()
            if page is None:
                page = StandardPage(slug=data["slug"], title=data["title"])
                home.add_child(instance=page)
            page.title = data["title"]
            page.introduction = data.get("introduction", "")
            page.search_description = data.get("search_description", "")
            page.body = stream(data["body"])
            publish(page)
            pages[data["key"]] = page
        return pages

    def build_english_home(self, home: HomePage, en: Locale) -> HomePage:
        data = demo_content.HOME["en"]
        try:
            english = home.get_translation(en).specific
        except Page.DoesNotExist:
            english = home.copy_for_translation(en)
        self.fill_home(english, data)
        english.find_help_page = home.find_help_page
        english.report_page = home.report_page
        publish(english)
        return english

    def create_admin(self) -> None:
        User = get_user_model()  # noqa: N806
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists; not creating another.")
            return
        chosen = os.environ.get("DEMO_ADMIN_PASSWORD")
        password = chosen or secrets.token_urlsafe(12)
        candidate = User(username="admin", email="admin@example.org")
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise CommandError(
                "DEMO_ADMIN_PASSWORD is too weak: " + " ".join(error.messages)
            ) from None
        User.objects.create_superuser("admin", "admin@example.org", password)
        if chosen:
            self.stdout.write(
                "Superuser 'admin' created with the password from DEMO_ADMIN_PASSWORD."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Superuser 'admin' created. Password (shown only this once): {password}"
                )
            )
        self.stdout.write(
            "At the first sign-in the admin asks 'admin' to connect an authenticator app "
            "(a QR code and the key as text; any TOTP app works) and shows recovery codes."
        )
