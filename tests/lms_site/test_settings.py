"""Production settings refuse to start with insecure or missing configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "lms_site.settings.production",
    "SECRET_KEY": "k" * 20 + "-a-real-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "lms.example.org",
    "DATABASE_URL": "postgres://lms@db.internal:5432/lms",
    "FIELD_ENCRYPTION_KEYS": "prod1:" + "A" * 43 + "=",
    "FIELD_ENCRYPTION_ACTIVE_KEY": "prod1",
}


def _load_settings(**overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in GOOD and key != "DEBUG"}
    env.update({key: value for key, value in {**GOOD, **overrides}.items() if value is not None})
    return subprocess.run(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_with_real_values():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-never-use-in-production-aaaaaaaaaaaaaaaaaaaa"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "lms.example.org,*"}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////tmp/lms.sqlite3"}, "PostgreSQL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS"),
        ({"FIELD_ENCRYPTION_ACTIVE_KEY": None}, "FIELD_ENCRYPTION_ACTIVE_KEY"),
        ({"FIELD_ENCRYPTION_ACTIVE_KEY": "other"}, "FIELD_ENCRYPTION_ACTIVE_KEY"),
        ({"FIELD_ENCRYPTION_KEYS": "prod1:c2hvcnQ="}, "AES-256"),
        (
            {
                "FIELD_ENCRYPTION_KEYS": "dev1:dUkD7kyChvWOXYnQl2b18lPEgqnTtMilvfO5ZJx5Ye0=",
                "FIELD_ENCRYPTION_ACTIVE_KEY": "dev1",
            },
            "published",
        ),
    ],
)
def test_production_settings_refuse_insecure_configuration(overrides, message):
    result = _load_settings(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
