"""Offline by design: no page loads anything from another origin (no CDN, no font service)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

pytestmark = pytest.mark.django_db

# Attributes through which a browser fetches something when the page loads.
RESOURCE_ATTRS = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)", re.I)


def external(url: str) -> bool:
    url = url.strip()
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")


def resource_urls(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls: list[str] = []
    for tag, attrs in RESOURCE_ATTRS.items():
        for element in soup.find_all(tag):
            if tag == "link" and "alternate" in (element.get("rel") or []):
                continue  # hreflang alternates are links, not loads
            for attr in attrs:
                value = element.get(attr)
                if not value:
                    continue
                if attr == "srcset":
                    urls += [part.strip().split(" ")[0] for part in value.split(",")]
                else:
                    urls.append(value)
    for style in soup.find_all("style"):
        urls += CSS_URL.findall(style.get_text())
    for element in soup.find_all(style=True):
        urls += CSS_URL.findall(element["style"])
    return urls


def test_rendered_pages_load_nothing_from_other_origins(client, demo_site):
    pages = ["/", "/en/", "/search/?q=помощь", "/no-such-page/"]
    pages += [child.url for child in demo_site.get_children().live()]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        loads = resource_urls(response.content)
        assert loads, f"{url} loads no assets at all: the check would be vacuous"
        offenders = [u for u in loads if external(u)]
        assert offenders == [], f"{url} loads {offenders}"


def test_stylesheets_and_scripts_reference_no_other_origin():
    static_dir = Path(settings.BASE_DIR) / "site" / "static"
    files = list(static_dir.rglob("*.css")) + list(static_dir.rglob("*.js"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        for url in CSS_URL.findall(text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
            assert not external(url), f"{path}: {url}"
        assert "fonts.googleapis" not in text and "cdn" not in text.lower(), path


def test_content_security_policy_allows_only_this_origin(client, home):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "http" not in policy


def test_admin_pages_load_nothing_from_other_origins(client, home, django_user_model):
    """Wagtail shows each staff member's Gravatar by default: a request to gravatar.com
    from every staff browser, carrying a hash of their e-mail address."""
    editor = django_user_model.objects.create_superuser(
        "editor", "editor@example.ru", "Длинный-пароль-редактора-2026"
    )
    client.force_login(editor)
    for url in ["/admin/", "/admin/account/", "/admin/users/", f"/admin/users/edit/{editor.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        offenders = [u for u in resource_urls(response.content) if external(u)]
        assert offenders == [], f"{url} loads {offenders}"
