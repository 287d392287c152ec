"""Chromium obeys our Permissions-Policy: geolocation works on the registry list only."""

from tests.browser.test_registry import VOLOGDA, watch_console

ASK_FOR_POSITION = """() => new Promise(resolve => navigator.geolocation.getCurrentPosition(
    () => resolve("position"), error => resolve("refused " + error.code), {timeout: 10000}))"""


def test_geolocation_only_where_the_registry_asks_for_it(browser, live_server, site_data):
    # The visitor has allowed the site to know the position: only the policy can refuse it.
    context = browser.new_context(locale="ru-RU", geolocation=VOLOGDA, permissions=["geolocation"])
    page = context.new_page()
    errors = watch_console(page)
    try:
        page.goto(live_server.url + "/services/")
        assert page.evaluate(ASK_FOR_POSITION) == "position"

        for path in ("/", "/services/district/vologda/", "/report/", "/search/?q=помощь"):
            page.goto(live_server.url + path)
            assert page.evaluate(ASK_FOR_POSITION) == "refused 1", path  # PERMISSION_DENIED
        blocked = [e for e in errors if e.startswith("Permissions policy violation: Geolocation")]
        assert len(blocked) == 4  # Chromium says why: the policy, on each of those pages
        # and nothing else goes wrong on the pages.
        assert [e for e in errors if e not in blocked] == []
    finally:
        context.close()
