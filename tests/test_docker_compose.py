"""docker-compose.yml, checked against the code (Docker cannot run on this machine).

Each service's command is the one the project documents; every variable given to the
application is one that the settings (or gunicorn.conf.py) read; every variable production
refuses to start without is required with compose's ``${VAR:?message}``; and the
application's environment, as compose would fill it, passes ``check --deploy``.
"""

import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker")
INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:\?|:-)([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def variables_read_by(path: Path) -> set[str]:
    """Names the file reads from the environment (django-environ or os.environ)."""
    text = path.read_text()
    names = re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', text)
    names += re.findall(r'Env\(\)\.\w+\(\s*"([A-Z0-9_]+)"', text)
    names += re.findall(r'os\.environ(?:\.get)?[\(\[]\s*["\']([A-Z0-9_]+)["\']', text)
    return set(names)


SETTINGS_READ = variables_read_by(ROOT / "site" / "settings" / "base.py")
GUNICORN_READ = variables_read_by(ROOT / "gunicorn.conf.py")


def production_requires() -> set[str]:
    """What production refuses to start without: base.py's own refusals (SECRET_KEY,
    REPORTS_ESCROW_PUBLIC_KEY), the core checks' (mail, admin address) and the host names."""
    base = (ROOT / "site" / "settings" / "base.py").read_text()
    refused = set(re.findall(r'"([A-Z_]+) is not set\. Production refuses to start', base))
    assert refused >= {"SECRET_KEY", "REPORTS_ESCROW_PUBLIC_KEY"}
    return refused | {"EMAIL_URL", "WAGTAILADMIN_BASE_URL", "ALLOWED_HOSTS"}


def test_the_stack(services):
    assert set(services) == {"migrate", "web", "worker", "db", "redis", "elasticsearch"}
    assert services["elasticsearch"]["profiles"] == ["search"]
    assert all("profiles" not in services[name] for name in services if name != "elasticsearch")
    for name in APP_SERVICES:
        assert services[name]["image"] == "safechildhood:latest"
        assert services[name]["build"] == "."


def test_commands(services):
    web = services["web"]["command"]
    assert web == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert (ROOT / "gunicorn.conf.py").is_file()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "exec gunicorn --config gunicorn.conf.py" in dockerfile  # one configuration
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    migrate = services["migrate"]["command"]
    assert migrate[:2] == ["sh", "-c"]
    assert migrate[2].startswith("python manage.py migrate --noinput && ")
    assert "manage.py schedule_report_maintenance" in migrate[2]
    assert services["migrate"]["restart"] == "no"


def test_migrations_run_once_before_web_and_worker(services):
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["elasticsearch"] == {"condition": "service_healthy", "required": False}
        assert "migrate" not in " ".join(services[name]["command"])


def test_every_service_has_a_health_check(services):
    assert services["migrate"]["healthcheck"] == {"disable": True}  # one-shot; exit code
    web = " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in web
    assert 'os.environ["PORT"]' in web and services["web"]["environment"]["PORT"] == "8000"
    assert "connection.ensure_connection()" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "_cluster/health" in " ".join(services["elasticsearch"]["healthcheck"]["test"])


def test_only_web_publishes_a_port_and_only_on_loopback(services):
    assert services["web"]["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:8000"]
    assert [name for name in services if "ports" in services[name]] == ["web"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_variable_is_one_the_code_reads(services, name):
    environment = services[name]["environment"]
    readers = SETTINGS_READ | (GUNICORN_READ if name == "web" else set())
    assert set(environment) - readers == set()
    assert "DEBUG" not in environment  # production


@pytest.mark.parametrize("name", APP_SERVICES)
def test_what_production_requires_is_required(services, name):
    environment = services[name]["environment"]
    for variable in production_requires():
        value = environment[variable]
        match = INTERPOLATION.fullmatch(value)
        assert match, (variable, value)
        assert match.group(1) == variable
        assert match.group(2) == ":?" and match.group(3).strip(), (variable, value)
    # No secret is written in the file: the database password is required too.
    assert ":${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_the_secrets_file_stays_out_of_the_image_and_the_repository():
    """compose reads secrets from .env beside it, in the build context of `build: .`."""
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def test_documented_in_the_readme(services):
    readme = (ROOT / "README.md").read_text()
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    for name in ("web", "worker"):
        for variable in services[name]["environment"]:
            assert f"`{variable}`" in table, variable


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's substitution: ${X:?…} and ${X} from `given`, ${X:-default} else default."""

    def replace(match: re.Match) -> str:
        name, kind, default = match.groups()
        if kind == ":-":
            return given.get(name) or default
        return given[name]

    return INTERPOLATION.sub(replace, value)


OPERATOR = {  # what an operator puts in .env
    "SECRET_KEY": "compose-test-" + "k" * 50,
    "REPORTS_ENCRYPTION_KEYS": "x0FcNDGkAlGPUgTgTppCBa2dZjeOmBjbVrvOilkCa7w=",
    "REPORTS_ESCROW_PUBLIC_KEY": "_1e_Fes0i6Mj6Rvb-yMdV2gizxoDnuuhFs45DouvkSE=",
    "ALLOWED_HOSTS": "deti.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://deti.example.org",
    "WAGTAILADMIN_BASE_URL": "https://deti.example.org",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "noreply@deti.example.org",
    "POSTGRES_PASSWORD": "compose-test-password",
}


@pytest.mark.parametrize("name", ["web", "worker"])
def test_the_environment_compose_gives_passes_the_deployment_checks(services, name):
    """Exactly that environment (and the image's settings module): no error, no warning."""
    given = services[name]["environment"]
    environment = {k: interpolate(str(v), OPERATOR) for k, v in given.items()}
    assert environment["DATABASE_URL"] == (
        "postgres://safechildhood:compose-test-password@db:5432/safechildhood"
    )
    system = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**system, **environment, "DJANGO_SETTINGS_MODULE": "safechildhood.settings.base"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (stdlib name)
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def _serve_on_a_port_of_this_worktree(handler) -> ThreadingHTTPServer:
    for port in range(8305, 8310):
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
    pytest.skip("no free port in 8305-8309")


@pytest.mark.parametrize(("status", "returncode"), [(200, 0), (503, 1)])
def test_web_health_check_command_asks_healthz(services, status, returncode):
    """The command itself, run against a stand-in on a loopback port of this worktree."""
    handler = type("Health", (_Health,), {"status": status})
    server = _serve_on_a_port_of_this_worktree(handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        command = services["web"]["healthcheck"]["test"]
        assert command[0] == "CMD"
        env = {**os.environ, "PORT": str(server.server_address[1])}
        result = subprocess.run(command[1:], env=env, capture_output=True, timeout=30)
        assert result.returncode == returncode, result.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_worker_health_check_command_needs_the_database(services, tmp_path):
    command = services["worker"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "manage.py"]
    argv = [sys.executable, str(ROOT / "manage.py"), *command[3:]]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "safechildhood.settings.test"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode == 0
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/nothing"  # nothing listens there
    assert subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode != 0
