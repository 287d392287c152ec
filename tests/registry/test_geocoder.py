"""The operator's own geocoder for places the gazetteer does not know: off by default,
a short timeout and a plain message when it fails, never a 500, the words never logged."""

import json
import logging
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings

from .public_data import registry

pytestmark = pytest.mark.django_db

TYPED = "Деревня Секретное Местечко"


class Handler(BaseHTTPRequestHandler):
    answer: object = []
    delay = 0.0
    status = 200
    seen: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Handler.seen.append(parse_qs(urlsplit(self.path).query))
        time.sleep(Handler.delay)
        body = json.dumps(Handler.answer).encode()
        self.send_response(Handler.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.answer, Handler.delay, Handler.status, Handler.seen = [], 0.0, 200, []
    settings.REGISTRY_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/search"
    settings.REGISTRY_GEOCODER_TIMEOUT = 0.3
    yield Handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def data(home):
    places, services = registry()
    return places, services


def page(client, **params):
    response = client.get("/services/?" + urlencode(params))
    return response, BeautifulSoup(response.content, "html.parser")


def test_off_by_default_nothing_leaves_the_server(client, data, monkeypatch):
    assert django_settings.REGISTRY_GEOCODER_URL == ""
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("network"))
    response, soup = page(client, where=TYPED)
    assert response.status_code == 200
    assert f"Мы не знаем места «{TYPED}»" in soup.select_one(".place-unknown").text


def test_nominatim_answer_orders_by_distance_from_the_point(client, data, geocoder):
    places, _services = data
    geocoder.answer = [{"lat": "59.48", "lon": "40.12", "display_name": "Местечко, Сокольский"}]
    _response, soup = page(client, where=TYPED)
    assert geocoder.seen[0]["q"] == [TYPED] and geocoder.seen[0]["format"] == ["jsonv2"]
    first = soup.select_one(".registry-results .service-card")
    assert "Сокол" in first.select_one(".service-card__title").text
    assert first.select_one(".badge--distance").text.strip().endswith("км от Местечко")
    assert "по карте это «Местечко»" in soup.select_one(".place-geocoded").text


def test_photon_answer_is_read_too(client, data, geocoder, settings):
    settings.REGISTRY_GEOCODER_KIND = "photon"
    geocoder.answer = {
        "features": [{"geometry": {"coordinates": [40.12, 59.48]}, "properties": {"name": "Ям"}}]
    }
    _response, soup = page(client, where=TYPED)
    assert "lang" in geocoder.seen[0]
    assert "км от Ям" in soup.select_one(".badge--distance").text


@pytest.mark.parametrize(("delay", "status"), [(1.0, 200), (0.0, 500)])
def test_a_slow_or_broken_geocoder_gives_a_plain_message(
    client, data, geocoder, caplog, delay, status
):
    geocoder.delay, geocoder.status = delay, status
    caplog.set_level(logging.DEBUG)
    started = time.monotonic()
    response, soup = page(client, where=TYPED)
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    notice = soup.select_one(".place-unknown").text
    assert "Поиск адресов на карте сейчас не отвечает" in notice
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for form in (TYPED, quote(TYPED), quote(TYPED.split()[1])):
        assert form not in logged
    assert "Geocoder failed" in logged
