"""Logs never carry a network address: the site promises that no visitor's address is kept.

Gunicorn names the peer in a warning for every malformed request (``Invalid request from
ip=…``) and starts its access line with it; an exception message can quote a header that
holds one. :func:`scrub` replaces anything shaped like an IPv4 or IPv6 address, and the
``ip=`` form, with ``<hidden>``. It is applied to every record of gunicorn's error log by
:class:`~safechildhood.core.gunicorn_logging.PrivateGunicornLogger` (which also never writes
an access line) and to Django's log lines by :class:`AddressScrubbingFormatter`.

Server addresses (a database at ``10.0.0.5``) are hidden too: the scrubber cannot tell them
from a visitor's, and the operator knows them from the configuration.
"""

from __future__ import annotations

import ipaddress
import logging
import re

HIDDEN = "<hidden>"

# gunicorn's own form: "Invalid request from ip=127.0.0.1: …", "ip=::1: …".
_IP_FIELD = re.compile(r"\bip=\S*?(?=:?(?:\s|$))")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
# Candidates for IPv6: runs of hex digits, colons and dots with at least two colons; each
# is confirmed by the ipaddress module, so "09:23:50" (a time) stays as it is.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*")


def _hide_ipv6(match: re.Match[str]) -> str:
    """Hide the longest prefix of the run that is an IPv6 address ("::1:" → "<hidden>:")."""
    text = match.group(0)
    for end in range(len(text), 1, -1):
        if text[:end].count(":") < 2:
            break
        try:
            ipaddress.IPv6Address(text[:end])
        except ValueError:
            continue
        return HIDDEN + text[end:]
    return text


def scrub(text: str) -> str:
    """The text with every IPv4/IPv6 address and every ``ip=…`` value replaced."""
    if not text:
        return text
    text = _IP_FIELD.sub("ip=" + HIDDEN, text)
    text = _IPV4.sub(HIDDEN, text)
    return _IPV6_CANDIDATE.sub(_hide_ipv6, text)


class ScrubAddressesFilter(logging.Filter):
    """Rewrite a record in place: message (with its arguments), traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class AddressScrubbingFormatter(logging.Formatter):
    """A formatter whose every line (message and traceback) is scrubbed.

    Used for Django's handlers: it leaves the record itself alone, so other handlers (and
    the tests' log capture) see what was logged.
    """

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
