"""The address scrubber behind gunicorn's logger and Django's log formatter."""

import io
import logging
from types import SimpleNamespace

import pytest
from django.conf import settings

from safechildhood.core.gunicorn_logging import PrivateGunicornLogger
from safechildhood.core.log_privacy import AddressScrubbingFormatter, ScrubAddressesFilter, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invalid request from ip=127.0.0.1: bad", "Invalid request from ip=<hidden>: bad"),
        ("Invalid request from ip=::1: bad", "Invalid request from ip=<hidden>: bad"),
        ("Invalid request from ip=2001:db8::7: x", "Invalid request from ip=<hidden>: x"),
        ("X-Forwarded-For: 203.0.113.77, 10.0.0.1", "X-Forwarded-For: <hidden>, <hidden>"),
        ("peer 2001:db8:0:0:1:0:0:1 left", "peer <hidden> left"),
        ("Listening at: http://[::1]:8000", "Listening at: http://[<hidden>]:8000"),
        ("mapped ::ffff:192.0.2.1.", "mapped <hidden>:<hidden>."),
        ("fe80::1%eth0", "<hidden>%eth0"),
        ("from 192.0.2.10:5432", "from <hidden>:5432"),
        # Not addresses: left alone.
        ("[2026-12-02 09:23:50 +0300] worker 12", "[2026-12-02 09:23:50 +0300] worker 12"),
        ("gunicorn 27.0.1, Python 3.11.4", "gunicorn 27.0.1, Python 3.11.4"),
        ("version 1.2.3.4.5", "version 1.2.3.4.5"),
        ("ClassName::method", "ClassName::method"),
        ("Request Line is too large (8192 > 4094)", "Request Line is too large (8192 > 4094)"),
        ("", ""),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("x", logging.WARNING, __file__, 1, msg, args, exc_info)


def _exc_info():
    try:
        raise ConnectionError("no answer from 198.51.100.4:6379")
    except ConnectionError:
        import sys

        return sys.exc_info()


def test_filter_scrubs_arguments_and_traceback():
    record = _record("Invalid request from ip=%s: %s", "198.51.100.9", "bad", exc_info=_exc_info())
    assert ScrubAddressesFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "198.51.100" not in text
    assert "Invalid request from ip=<hidden>: bad" in text
    assert "ConnectionError: no answer from <hidden>:6379" in text


def test_formatter_scrubs_the_line_but_not_the_record():
    record = _record("client %s", "198.51.100.9", exc_info=_exc_info())
    line = AddressScrubbingFormatter("%(levelname)s %(message)s").format(record)
    assert line.startswith("WARNING client <hidden>")
    assert "198.51.100" not in line
    assert record.args == ("198.51.100.9",)  # other handlers see what was logged


def test_django_log_lines_go_through_the_scrubbing_formatter():
    plain = settings.LOGGING["formatters"]["plain"]
    assert plain["()"] == "safechildhood.core.log_privacy.AddressScrubbingFormatter"
    handlers = settings.LOGGING["handlers"].values()
    assert all(handler.get("formatter") == "plain" for handler in handlers)


def _gunicorn_cfg(**overrides):
    from gunicorn.config import Config

    cfg = Config()
    for name, value in overrides.items():
        cfg.set(name, value)
    return cfg


def test_gunicorn_logger_scrubs_every_error_record(monkeypatch):
    logger = PrivateGunicornLogger(_gunicorn_cfg(errorlog="-"))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.error_log.addHandler(handler)
    try:
        logger.warning("Invalid request from ip={ip}: x".format(ip="2001:db8::1"))
        logger.exception("Error handling request %s", "/?from=192.0.2.1")
    finally:
        logger.error_log.removeHandler(handler)
    written = stream.getvalue()
    assert "Invalid request from ip=<hidden>: x" in written
    assert "Error handling request /?from=<hidden>" in written
    assert "2001:db8" not in written
    assert "192.0.2.1" not in written


def test_gunicorn_logger_never_writes_an_access_line(tmp_path):
    """Even if someone configures an access log file, nothing is written to it."""
    access = tmp_path / "access.log"
    logger = PrivateGunicornLogger(_gunicorn_cfg(accesslog=str(access)))
    assert not logger.access_log_enabled
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    environ = {
        "REMOTE_ADDR": "192.0.2.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, None)
    for handler in logger.access_log.handlers:
        handler.flush()
    assert not access.exists() or access.read_text() == ""
