"""`/healthz` says whether the database answers."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"db": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_503_when_database_is_down(client):
    with mock.patch("safechildhood.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"db": "error"}


def test_healthz_answers_any_host_header(client, settings):
    """Container health checks call it as localhost, whatever ALLOWED_HOSTS says."""
    settings.ALLOWED_HOSTS = ["deti.example.org"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
