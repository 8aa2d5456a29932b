"""Profiles with planted values, and the raw stored row read past the ORM."""

import datetime

import pytest
from django.db import connection

from profiles.services import profile_update

# Distinctive values: a scan for them finds plaintext wherever it leaked.
CANARY_VALUES = {
    "phone": "+1 202 555 0143",
    "date_of_birth": datetime.date(1987, 5, 17),
    "military_branch": "marine_corps",
    "military_status": "active_duty",
    "separation_date": datetime.date(2031, 3, 1),
    "skillbridge_eligible": True,
    "skillbridge_installation": "Camp Canary-7731",
    "skillbridge_unit": "Canary Signal Battalion 42",
    "skillbridge_poc_name": "GySgt Canary Pointofcontact",
    "skillbridge_poc_email": "canary.poc@example.mil",
    "skillbridge_start_date": datetime.date(2030, 9, 1),
    "skillbridge_end_date": datetime.date(2031, 2, 28),
    "skillbridge_notes": "Canary note: transition plan 0xBEEF",
}


def stored_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def raw_profile_row(profile_pk) -> dict:
    """The row as PostgreSQL holds it (no field converters run)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM profiles_learnerprofile WHERE id = %s", [profile_pk])
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.fixture
def full_profile(student):
    return profile_update(user=student, changes=CANARY_VALUES)
