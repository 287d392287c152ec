"""A dead PostgreSQL costs seconds: timeouts in the settings, a bounded host-name lookup."""

from __future__ import annotations

import socket
import threading

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from safechildhood.core.db.postgresql import base as pg_base
from tests.outages import production_settings


def test_production_postgresql_has_connection_timeouts():
    databases = production_settings(
        "DATABASES", DATABASE_URL="postgres://app:secret@db.internal:5432/safechildhood"
    )
    default = databases["default"]
    assert default["ENGINE"] == "safechildhood.core.db.postgresql"
    assert default["OPTIONS"]["connect_timeout"] == 2
    assert default["OPTIONS"]["tcp_user_timeout"] == 5000


def test_the_timeouts_are_configurable():
    default = production_settings(
        "DATABASES",
        DATABASE_URL="postgres://app@db.internal/safechildhood",
        DB_CONNECT_TIMEOUT="5",
        DB_TCP_USER_TIMEOUT="9000",
    )["default"]
    assert default["OPTIONS"]["connect_timeout"] == 5
    assert default["OPTIONS"]["tcp_user_timeout"] == 9000
    # A value in the URL itself wins.
    default = production_settings(
        "DATABASES", DATABASE_URL="postgres://app@db.internal/safechildhood?connect_timeout=7"
    )["default"]
    assert str(default["OPTIONS"]["connect_timeout"]) == "7"


def test_sqlite_is_left_alone():
    default = production_settings("DATABASES", DATABASE_URL="sqlite:////tmp/i9-test.sqlite3")[
        "default"
    ]
    assert default["ENGINE"] == "django.db.backends.sqlite3"


def wrapper_for(host: str):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "safechildhood.core.db.postgresql",
                "NAME": "safechildhood",
                "USER": "postgres",
                "HOST": host,
                "PORT": "5432",
            }
        }
    )
    return handler["default"]


def test_a_host_name_is_resolved_before_psycopg_sees_it():
    params = wrapper_for("localhost").get_connection_params()
    addresses = params["hostaddr"].split(",")
    assert "127.0.0.1" in addresses
    assert params["host"].split(",") == ["localhost"] * len(addresses)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "/var/run/postgresql", "a.example,b.example"])
def test_addresses_sockets_and_host_lists_pass_through(host):
    params = wrapper_for(host).get_connection_params()
    assert params["host"] == host
    assert "hostaddr" not in params


def test_a_dns_server_that_does_not_answer_is_not_waited_for(monkeypatch, settings):
    """glibc would wait 5 s × 2 tries; the lookup gets DB_RESOLVE_TIMEOUT seconds."""
    settings.DB_RESOLVE_TIMEOUT = 0.05
    release = threading.Event()

    def never_answers(*args, **kwargs):
        release.wait(30)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(pg_base.socket, "getaddrinfo", never_answers)
    try:
        with pytest.raises(pg_base.DatabaseWrapper.Database.OperationalError, match="resolve"):
            wrapper_for("db.internal").get_connection_params()
    finally:
        release.set()


def test_an_unknown_host_is_an_operational_error(monkeypatch):
    def unknown(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(pg_base.socket, "getaddrinfo", unknown)
    with pytest.raises(pg_base.DatabaseWrapper.Database.OperationalError):
        wrapper_for("db.internal").get_connection_params()


@pytest.mark.django_db
def test_a_real_connection_through_a_host_name(settings):
    """On PostgreSQL: the resolved address is what psycopg connects to."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    config = {**connection.settings_dict, "HOST": "localhost"}
    other = ConnectionHandler({"default": config})["default"]
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert other.connection.info.hostaddr in ("127.0.0.1", "::1")
    finally:
        other.close()
