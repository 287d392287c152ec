"""Browser tests: real Chromium (Debian's package) driven by Playwright, against a live server.

Never `playwright install`: it downloads a browser. On a machine without Chromium
these tests are skipped, and the run says so; CI sets REQUIRE_BROWSER_TESTS=1
(and installs Chromium), so there a missing browser is a failure, not a skip.
"""

import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make for set-up are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HAVE_CHROMIUM = Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None
SKIP_REASON = (
    f"Chromium not found at {CHROMIUM}: browser tests SKIPPED "
    "(install Debian's `chromium` package, or set CHROMIUM_PATH)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def save_screenshot(page, name: str, **options) -> None:
    """The README's pictures: into docs/screenshots with ``UPDATE_SCREENSHOTS=1``, otherwise
    into var/test-screenshots, so that a test run leaves the checkout as it found it (each
    machine renders a few pixels differently)."""
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    folder = SCREENSHOTS if update else ROOT / "var" / "test-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / name, **options)


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if HAVE_CHROMIUM or not browser_items:
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS is set but {SKIP_REASON}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_report_header(config):
    return f"browser tests: {'Chromium at ' + CHROMIUM if HAVE_CHROMIUM else SKIP_REASON}"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU", device_scale_factor=2
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site_data(demo_snapshot, transactional_db):
    """The demo site, written (committed) so that the live server thread sees it."""
    demo_snapshot.restore()


class _NeutralHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (stdlib name)
        body = "<!DOCTYPE html><html lang='ru'><title>Погода</title><h1>Погода</h1></html>"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def neutral_site() -> Iterator[str]:
    """A stand-in for the neutral site (a weather page) that quick exit opens."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pogoda"
    server.shutdown()


def assert_no_axe_violations(page) -> None:
    """axe-core (shipped inside axe-playwright-python, so offline) finds nothing."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def admin_sign_in(page, base: str, username: str) -> None:
    """Sign in to the admin as a person does: password, then the app's current code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.signin import fresh_code, staff_password, totp_for

    page.goto(base + "/admin/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(staff_password(username))
    page.locator("form button[type=submit]").first.click()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.wait_for_url(re.compile(r"/admin/sign-in/verify/"))
        page.get_by_label("Код из приложения").fill(fresh_code(totp_for(device), device))
        page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(re.compile(r"/admin/$"))
