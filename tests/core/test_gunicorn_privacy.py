"""Gunicorn, started as the Dockerfile starts it, never writes a visitor's address (issue 9,
defect 6: ``Invalid request from ip=…`` for an over-long URL, an oversize header or a bad
header name).

The gunicorn command line is read from the Dockerfile's ``CMD``, bound to loopback only, and
fed malformed requests through raw sockets (over IPv4 and IPv6) together with normal ones
carrying a distinctive ``X-Forwarded-For``; then everything the server wrote is searched for an
address.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8301, 8310)  # this worktree's loopback ports
FORWARDED_V4 = "203.0.113.77"  # TEST-NET-3: distinctive, never a real visitor
FORWARDED_V6 = "2001:db8::77"  # the documentation prefix
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
HEX_RUN = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")


def ipv6_addresses(text: str) -> list[str]:
    """Every substring of a hex-and-colon run that parses as an IPv6 address."""
    found = []
    for run in HEX_RUN.findall(text):
        for start in range(len(run)):
            for end in range(len(run), start + 1, -1):
                with contextlib.suppress(ValueError):
                    found.append(str(ipaddress.IPv6Address(run[start:end])))
    return found


def dockerfile_gunicorn_args(port: int) -> list[str]:
    """The arguments the image's CMD gives gunicorn, with its variables expanded and the
    bind address replaced by loopback (a test never listens on every interface)."""
    text = (ROOT / "Dockerfile").read_text()
    command = json.loads(re.search(r"^CMD (\[.*\])\s*$", text, re.MULTILINE).group(1))
    script = command[-1] if command[0] == "sh" else shlex.join(command)
    part = next(p for p in script.split("&&") if "gunicorn" in p)
    env = {"PORT": str(port), "WEB_CONCURRENCY": "1"}
    part = re.sub(
        r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: env.get(m.group(1), m.group(2) or ""), part
    )
    argv = shlex.split(part)
    argv = argv[argv.index("gunicorn") + 1 :]
    args: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-b", "--bind"):
            skip = True
        elif not arg.startswith("--bind="):
            args.append(arg)
    return [*args, "--bind", f"127.0.0.1:{port}", "--bind", f"[::1]:{port}"]


def free_port() -> int:
    for port in PORTS:
        try:
            for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
                with socket.socket(family) as probe:
                    probe.bind((host, port))
        except OSError:
            continue
        return port
    pytest.skip("no free port in 8301-8309")


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening")


def exchange(host: str, port: int, payload: bytes) -> bytes:
    """Send raw bytes and read the answer until the server closes the connection."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    chunks: list[bytes] = []
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(15)
        sock.connect((host, port))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def request(target: str = "/robots.txt", *, version: str = "HTTP/1.1", extra: str = "") -> bytes:
    return (
        f"GET {target} {version}\r\nHost: 127.0.0.1\r\n"
        f"X-Forwarded-For: {FORWARDED_V4}, {FORWARDED_V6}\r\n{extra}Connection: close\r\n\r\n"
    ).encode("latin-1")


MALFORMED = {
    "over-long URL": request("/services/?q=" + "a" * 9000),
    "oversize header": request(extra="X-Padding: " + "b" * 20000 + "\r\n"),
    "too many headers": request(extra="".join(f"X-H{i}: {i}\r\n" for i in range(150))),
    "bad header name": request(extra="Bad(Name): x\r\n"),
    "address in a bad header value": request(extra=f"X-Real-IP: {FORWARDED_V4}\x01\r\n"),
    "invalid request line": b"HELLO THERE\r\n\r\n",
    "addresses in the request line": (
        f"GET / {FORWARDED_V4} [{FORWARDED_V6}]:80 HTTP/1.1\r\n\r\n".encode()
    ),
    "invalid HTTP version": request(version="HTTP/7.1"),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> dict:
    """Start gunicorn as the image does, send every request, stop it, return what it wrote."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    gunicorn_variables = {"PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS"}
    unset = {*gunicorn_variables, "LOG_LEVEL", "XDG_RUNTIME_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DJANGO_SETTINGS_MODULE="safechildhood.settings.test",
        HOME=str(tmp),  # gunicorn's control socket, if any, stays in this test's directory
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    log_path = tmp / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", *dockerfile_gunicorn_args(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_listening(port, process)
            answers = {name: exchange("127.0.0.1", port, data) for name, data in MALFORMED.items()}
            answers["over IPv6: over-long URL"] = exchange("::1", port, MALFORMED["over-long URL"])
            answers["normal"] = exchange("127.0.0.1", port, request())
            answers["normal over IPv6"] = exchange("::1", port, request())
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return {"answers": answers, "log": log_path.read_text(errors="replace")}


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def test_malformed_requests_reached_gunicorn_and_were_refused(served):
    """The test is not vacuous: each request was parsed and refused, and the log says so."""
    answers = served["answers"]
    assert status_of(answers["normal"]) == 200
    assert status_of(answers["normal over IPv6"]) == 200
    for name in [*MALFORMED, "over IPv6: over-long URL"]:
        assert 400 <= status_of(answers[name]) < 600, (name, answers[name][:200])
    assert status_of(answers["over-long URL"]) == 414
    log = served["log"]
    assert "Request Line is too large" in log
    assert "Invalid HTTP header name" in log
    assert "'<hidden> [<hidden>]:80 HTTP/1.1'" in log  # the addresses were there, hidden


def test_log_holds_no_client_address(served):
    log = served["log"]
    assert "127.0.0.1" not in log
    assert FORWARDED_V4 not in log
    assert FORWARDED_V6 not in log
    assert "::1" not in log
    assert not IPV4.findall(log), IPV4.findall(log)
    assert not ipv6_addresses(log), ipv6_addresses(log)
    assert not re.search(r"ip=(?!<hidden>)", log)


def test_no_access_log_line(served):
    """An access line names the request (and, in gunicorn's format, the address): none."""
    log = served["log"]
    assert "GET /robots.txt" not in log
    assert '"GET' not in log
