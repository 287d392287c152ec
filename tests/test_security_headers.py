"""Security headers, asserted for each kind of page (issue 9: «Headers»).

Every response: ``X-Content-Type-Options: nosniff``, ``Cross-Origin-Opener-Policy:
same-origin``, a ``Referrer-Policy``, HSTS over HTTPS (production values), and a
``Permissions-Policy`` that turns off camera, microphone, payment and the other powerful
features everywhere and allows geolocation only on the registry list, the one page whose
script asks for it («Показать ближайшие ко мне»). Documents also get the CSP and
``X-Frame-Options: DENY`` (the Wagtail admin is outside the CSP by design: it needs inline
scripts). Report pages: ``Cache-Control: no-store`` and ``Referrer-Policy: no-referrer``.
``/healthz`` answers before the host and session middleware (a container probe must work
whatever ``ALLOWED_HOSTS`` says), so it carries the headers of the middleware in front of
it: security, permissions, ``no-store``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory, ServiceAreaFactory, ServiceFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HSTS = "max-age=31536000; includeSubDomains; preload"  # base.py with DEBUG off
OFF_EVERYWHERE = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# kind -> (method, url, expected status)
PAGES = {
    "home": ("get", "/", 200),
    "home, English": ("get", "/en/", 200),
    "information page": ("get", "/kak-poluchit-pomoshch/", 200),
    "news index": ("get", "/novosti/", 200),
    "news article": ("get", "/novosti/novost-test/", 200),
    "news feed": ("get", "/novosti/rss/", 200),
    "registry list": ("get", "/services/", 200),
    "registry list, English": ("get", "/en/services/?q=семья", 200),
    "registry list, unknown district": ("get", "/services/?district=nowhere", 404),
    "service page": ("get", "/services/headers-service/", 200),
    "service correction form": ("get", "/services/headers-service/correction/", 200),
    "district list": ("get", "/services/district/", 200),
    "district page": ("get", "/services/district/headers-district/", 200),
    "site search": ("get", "/search/?q=помощь", 200),
    "report start": ("get", "/report/", 200),
    "report form": ("get", "/report/form/", 200),
    "report send without a form": ("post", "/report/send/", None),
    "report status": ("get", "/report/status/", 200),
    "report proof of work": ("get", "/report/altcha/", 200),
    "HSDS API root": ("get", "/api/hsds/", 200),
    "HSDS API services": ("get", "/api/hsds/services", 200),
    "HSDS API bad parameter": ("get", "/api/hsds/services?page=x", 400),
    "admin login": ("get", "/admin/login/", 200),
    "healthz": ("get", "/healthz", 200),
    "404 page": ("get", "/no-such-page/", 404),
    "404 service": ("get", "/services/no-such-service/", 404),
}
# The 404 of an unknown district shows the search form but not its geolocation script.
GEOLOCATION = {"registry list", "registry list, English"}
REPORT = {kind for kind in PAGES if kind.startswith("report")}
NOT_DOCUMENTS = {"healthz"}
OUTSIDE_CSP = {"admin login"}


@pytest.fixture
def content(standard_page, english_home):
    index = NewsIndexPageFactory(parent=standard_page.get_parent(), slug="novosti")
    NewsPageFactory(parent=index, slug="novost-test", title="Открылась служба")
    district = DistrictFactory(slug="headers-district", name="Сокол")
    service = ServiceFactory(slug="headers-service", name="Служба помощи семье")
    ServiceAreaFactory(service=service, district=district)
    service.save()


@pytest.fixture
def production_hsts(settings):
    """test.py switches HSTS off; production (base.py, DEBUG off) sends this."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def permissions(response) -> dict[str, str]:
    header = response["Permissions-Policy"]
    return dict(item.strip().split("=", 1) for item in header.split(","))


@pytest.mark.parametrize("from_cache", [False, True], ids=["rendered", "second-visit"])
@pytest.mark.parametrize("kind", PAGES)
def test_headers_of_each_kind_of_page(client, content, production_hsts, kind, from_cache, request):
    """The same headers whether a page is rendered or served again from the page cache."""
    method, url, status = PAGES[kind]
    if from_cache:
        request.getfixturevalue("page_cache")
        getattr(client, method)(url, secure=True)
    response = getattr(client, method)(url, secure=True)
    if status is not None:
        assert response.status_code == status, (url, response.status_code)
    assert response.status_code < 500

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == HSTS
    policy = permissions(response)
    assert policy["geolocation"] == ("(self)" if kind in GEOLOCATION else "()")
    assert {feature: policy.get(feature) for feature in OFF_EVERYWHERE} == dict.fromkeys(
        OFF_EVERYWHERE, "()"
    )

    if kind in REPORT:
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
    else:
        assert response["Referrer-Policy"] == "same-origin"
    if kind == "healthz":
        assert response["Cache-Control"] == "no-store"

    if kind not in NOT_DOCUMENTS:
        assert response["X-Frame-Options"] == "DENY"
    if kind in OUTSIDE_CSP or kind in NOT_DOCUMENTS:
        return
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


def test_plain_http_gets_no_hsts(client, content, production_hsts):
    """HSTS is only meaningful (and only sent) over HTTPS; production redirects HTTP."""
    assert "Strict-Transport-Security" not in client.get("/")


def test_production_settings_send_the_same_headers(settings):
    """The values above are base.py's own with DEBUG off, not the test settings'."""
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "PERMISSIONS_POLICY",
    ]
    code = "from django.conf import settings; import json; print(json.dumps({n: getattr(settings, n) for n in %r}))"  # noqa: E501
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_HSTS_SECONDS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="safechildhood.settings.base",
        SECRET_KEY="a-long-production-secret-key-for-this-test-only-0123456789",
        REPORTS_ENCRYPTION_KEYS="x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
        REPORTS_ESCROW_PUBLIC_KEY="_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code % names],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout)
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["PERMISSIONS_POLICY"] == json.loads(json.dumps(settings.PERMISSIONS_POLICY))
    assert production["PERMISSIONS_POLICY"]["geolocation"] == []
