"""Django's PostgreSQL backend, with the database host's name looked up within a time limit.

psycopg resolves the host name with ``getaddrinfo`` *before* its ``connect_timeout``
starts, so when the DNS server does not answer (the database's host or container
is gone, a resolver is down) every connection attempt waits for the C library's
own timeout: 5 s × 2 tries with glibc's defaults, ~10 s per request that needs
the database. Here the name is resolved in a helper thread that is given
``DB_RESOLVE_TIMEOUT`` seconds; the addresses go to psycopg as ``hostaddr``
(``host`` stays the name, for TLS and ``.pgpass``). IP addresses, Unix sockets
and multi-host lists are passed through untouched.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

from django.conf import settings
from django.db.backends.postgresql import base


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resolve(host: str, port: int | str, timeout: float) -> list[str]:
    """The host's addresses, or OSError if the lookup fails or takes longer than `timeout`.

    A daemon thread, not an executor: nothing is shared across a gunicorn fork, and
    a lookup that hangs is simply left to finish on its own.
    """
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(
                host, port, proto=socket.IPPROTO_TCP, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, name="db-host-lookup", daemon=True)
    worker.start()
    worker.join(timeout)
    if "infos" in outcome:
        return list(dict.fromkeys(info[4][0] for info in outcome["infos"]))  # type: ignore[union-attr]
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    raise TimeoutError(f"no answer within {timeout:g} s")


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        host = str(params.get("host") or "")
        if not host or "hostaddr" in params or "," in host or host.startswith("/"):
            return params
        if _is_address(host):
            return params
        timeout = float(getattr(settings, "DB_RESOLVE_TIMEOUT", 1.0))
        try:
            addresses = resolve(host, params.get("port") or 5432, timeout)
        except OSError as exc:
            raise self.Database.OperationalError(
                f"could not resolve the database host {host!r}: {exc}"
            ) from exc
        # One attempt per address, as psycopg itself would make them.
        params["host"] = ",".join([host] * len(addresses))
        params["hostaddr"] = ",".join(addresses)
        return params
