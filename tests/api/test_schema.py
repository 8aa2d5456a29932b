"""The OpenAPI schema generates without warnings and the committed copy is current."""

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

COMMITTED_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_schema_generates_without_warnings_and_validates(tmp_path):
    output = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning or error into a failure of the command.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(output))
    assert output.read_text().startswith("openapi: 3")


def test_committed_schema_matches_the_code(tmp_path):
    output = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(output))
    assert output.read_text() == COMMITTED_SCHEMA.read_text(), "docs/openapi.yaml is stale: run `make schema`"


def test_schema_documents_only_the_versioned_api():
    import yaml

    schema = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    assert schema["paths"], "no paths in the schema"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
