"""Build the demo site: page tree in Russian, its English pages, settings, optionally an admin.

Create only (``safechildhood.core.demo``): run it again and what is missing is added,
what exists (pages an editor changed, registry entries, news, settings) is left as it
is and nothing is republished or duplicated. ``--reset`` puts the demo back.
Later apps (registry, news, reports) add their own demo data from their own
``demo.load`` functions, called from here when present, under the same rule.
"""

import importlib
import importlib.util
import os
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Locale, Page, Site

from safechildhood.core import demo
from safechildhood.home import demo_content
from safechildhood.home.models import EmergencyContacts, HomePage, StandardPage

WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"

# Apps that bring their own demo data: each has a `demo` module with
# `load(home: HomePage, stdout) -> None`, create only like this command (core.demo).
DEMO_APPS = ["safechildhood.registry", "safechildhood.news", "safechildhood.requests"]


def stream(blocks: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """(type, value) pairs → the raw JSON StreamField stores."""
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def publish(page: Page) -> None:
    page.save_revision().publish()


def site_address() -> dict:
    """The demo site's hostname and port from ``WAGTAILADMIN_BASE_URL`` (``make run``:
    127.0.0.1:8000), so that sitemap.xml and e-mails name the address the site is served at."""
    url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    default_port = 443 if url.scheme == "https" else 80
    return {"hostname": url.hostname or "localhost", "port": url.port or default_port}


class Command(BaseCommand):
    help = (
        "Load the demo content: adds what is missing, leaves what exists (edits are kept). "
        "Use --reset to put the demo back, --admin to also create a superuser."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Create the superuser 'admin' if no superuser exists. The password comes "
            "from DEMO_ADMIN_PASSWORD or is generated and printed once.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put the demo back: demo pages, registry entries, news and settings get the "
            "demo's content again, over any edits (nothing else is touched).",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        with demo.loading(reset=options["reset"]):
            home = self.build_site()
            for app in DEMO_APPS:
                if importlib.util.find_spec(f"{app}.demo") is not None:
                    importlib.import_module(f"{app}.demo").load(home=home, stdout=self.stdout)
        if options["admin"]:
            self.create_admin()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def build_site(self) -> HomePage:
        """The page tree in both languages and the emergency-contacts settings."""
        ru = Locale.objects.get_or_create(language_code="ru")[0]
        en = Locale.objects.get_or_create(language_code="en")[0]
        home, created = self.build_home(ru)
        pages = self.build_pages(home)
        if demo.may_fill(created):
            home.find_help_page = pages.get("how_to_get_help")
            home.report_page = pages.get("report_info")
            publish(home)
        self.build_english_home(home, en)
        self.build_english_pages(pages, en)
        self.build_contacts(pages)
        return home

    def build_home(self, ru: Locale) -> tuple[HomePage, bool]:
        """The Russian home page (created: True when it was missing), filled when new."""
        data = demo_content.HOME["ru"]
        home = HomePage.objects.filter(locale=ru).first()
        created = home is None
        if home is None:
            # Wagtail's first migration leaves a placeholder page (slug "home") as the
            # default site's root; it and its Site make way for the real home page.
            Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE).delete()
            home = HomePage(slug="home", locale=ru, title=data["title"])
            self.tree_root(ru).add_child(instance=home)
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={
                    **site_address(),
                    "root_page": home,
                    "site_name": data["title"],
                },
            )
        if demo.may_fill(created):
            self.fill_home(home, data)
        return home, created

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

    @staticmethod
    def fill_page(page: StandardPage, data: dict[str, Any]) -> None:
        page.title = data["title"]
        page.introduction = data.get("introduction", "")
        page.search_description = data.get("search_description", "")
        page.body = stream(data["body"])

    def build_pages(self, home: HomePage) -> dict[str, Page]:
        """The Russian information pages: missing ones created and published, others kept."""
        pages: dict[str, Page] = {}
        for data in demo_content.PAGES:
            page = home.get_children().filter(slug=data["slug"]).specific().first()
            created = page is None
            if page is None:
                page = StandardPage(slug=data["slug"], title=data["title"])
                home.add_child(instance=page)
            if demo.may_fill(created):
                self.fill_page(page, data)
                publish(page)
            pages[data["key"]] = page
        return pages

    def build_english_home(self, home: HomePage, en: Locale) -> HomePage:
        data = demo_content.HOME["en"]
        try:
            english = home.get_translation(en).specific
            created = False
        except Page.DoesNotExist:
            english = home.copy_for_translation(en)
            created = True
        if demo.may_fill(created):
            self.fill_home(english, data)
            english.find_help_page = home.find_help_page
            english.report_page = home.report_page
            publish(english)
        return english

    def build_english_pages(self, pages: dict[str, Page], en: Locale) -> None:
        """English translations of the pages the demo has in English (``ENGLISH_PAGES``)."""
        for key, data in demo_content.ENGLISH_PAGES.items():
            page = pages.get(key)
            if page is None:
                continue
            try:
                translation = page.get_translation(en).specific
                created = False
            except Page.DoesNotExist:
                translation = page.copy_for_translation(en)
                created = True
            if demo.may_fill(created):
                translation.slug = data["slug"]
                self.fill_page(translation, data)
                publish(translation)

    def build_contacts(self, pages: dict[str, Page]) -> None:
        """Demo settings when there were none (or --reset); a missing safety page is added."""
        site = Site.objects.get(is_default_site=True)
        created = not EmergencyContacts.objects.filter(site=site).exists()
        contacts = EmergencyContacts.for_site(site)
        if demo.may_fill(created):
            contacts.is_demo = True
            contacts.safety_page = pages.get("safety")
        elif contacts.safety_page is None:
            contacts.safety_page = pages.get("safety")
        contacts.save()

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
