"""Validate JSON against the official HSDS 3.0 schemas copied into tests/registry/hsds_schema/.

The schemas refer to each other by relative file name ("phone.json") and the
API profile (openapi.json) by their raw.githubusercontent.com URLs: both are
resolved locally with a `referencing` registry, never over the network.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).with_name("hsds_schema")
BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
# The full HSDS copy outside the repository (optional: only for the compiled schemas).
SHARED_DIR = Path(
    os.environ.get("HSDS_SCHEMA_DIR", Path(__file__).resolve().parents[3] / "shared/hsds/schema")
)

format_checker = FormatChecker()


@format_checker.checks("date-time", raises=ValueError)
def is_datetime(value: object) -> bool:
    """RFC 3339: a date, "T", a time and an explicit offset."""
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value and parsed.tzinfo is not None


@format_checker.checks("uri")
def is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


@cache
def registry(directory: Path = SCHEMA_DIR) -> Registry:
    resources = []
    for path in sorted(directory.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        uri = BASE_URI + path.relative_to(directory).as_posix()
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def validator(ref: str, directory: Path = SCHEMA_DIR) -> Draft202012Validator:
    """A validator for `ref`, e.g. "service.json" or "openapi.json#/components/schemas/Page"."""
    return Draft202012Validator(
        {"$ref": BASE_URI + ref}, registry=registry(directory), format_checker=format_checker
    )


def errors(instance: object, ref: str, directory: Path = SCHEMA_DIR) -> list[str]:
    """Every validation error as "path: message" (empty when valid)."""
    found = validator(ref, directory).iter_errors(instance)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}" for error in found
    ]


def openapi_response(path: str) -> str:
    """The 200 response schema of an API profile path, e.g. "/services"."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return f"openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema"


def assert_valid(instance: object, ref: str, directory: Path = SCHEMA_DIR) -> None:
    problems = errors(instance, ref, directory)
    assert not problems, f"{ref}:\n" + "\n".join(problems[:30])
