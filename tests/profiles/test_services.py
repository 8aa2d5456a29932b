"""profiles.services.profile_update: validated as a whole, created lazily, audited without values."""

import json

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from profiles.models import LearnerProfile
from profiles.services import profile_update
from tests.profiles.conftest import CANARY_VALUES, stored_text

pytestmark = pytest.mark.django_db


def test_the_first_update_creates_the_profile_and_later_ones_reuse_it(student):
    first = profile_update(user=student, changes={"phone": "+1 202 555 0100"})
    second = profile_update(user=student, changes={"military_status": "veteran"})
    assert first.pk == second.pk
    assert LearnerProfile.objects.get(user=student).phone == "+1 202 555 0100"


def test_an_invalid_update_saves_nothing(student, full_profile):
    with pytest.raises(ValidationError) as error:
        profile_update(
            user=student,
            changes={
                "phone": "+1 202 555 0100",
                "skillbridge_end_date": None,
                "skillbridge_start_date": CANARY_VALUES["date_of_birth"],
            },
        )
    assert "skillbridge_start_date" in error.value.message_dict
    full_profile.refresh_from_db()
    assert full_profile.phone == CANARY_VALUES["phone"]


def test_unknown_fields_are_refused(student):
    with pytest.raises(ValueError, match="user"):
        profile_update(user=student, changes={"user": student})


def test_an_update_is_audited_with_field_names_and_no_values(student, full_profile):
    event = AuditEvent.objects.filter(action="profile.update").latest("id")
    assert event.details["fields"] == sorted(CANARY_VALUES)
    recorded = json.dumps(event.details) + event.target_id + event.target_type
    for value in CANARY_VALUES.values():
        if len(stored_text(value)) > 5:
            assert stored_text(value) not in recorded


def test_an_update_that_changes_nothing_is_not_audited(student, full_profile):
    count = AuditEvent.objects.filter(action="profile.update").count()
    profile_update(user=student, changes={"phone": CANARY_VALUES["phone"]})
    assert AuditEvent.objects.filter(action="profile.update").count() == count
