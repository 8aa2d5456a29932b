"""The learner profile in the privacy registry: export decrypted, erase deletes."""

import json

import pytest

from privacy.registry import PrivacyJSONEncoder, registration_for
from profiles.models import LearnerProfile
from tests.profiles.conftest import CANARY_VALUES, stored_text

pytestmark = pytest.mark.django_db


def test_the_profile_is_registered():
    registration = registration_for(LearnerProfile)
    assert registration is not None
    assert registration.user_path == "user"


def test_export_holds_the_decrypted_values_as_json(student, full_profile):
    exported = registration_for(LearnerProfile).export(student)
    json.dumps(exported)  # plain JSON, no encoder needed
    for name, value in CANARY_VALUES.items():
        assert exported[name] == (value if isinstance(value, bool) else stored_text(value)), name
    assert "enc1:" not in json.dumps(exported, cls=PrivacyJSONEncoder)


def test_export_of_a_user_without_a_profile_is_empty(other_student):
    assert registration_for(LearnerProfile).export(other_student) is None


def test_erase_deletes_only_that_users_profile(student, other_student, full_profile):
    from profiles.services import profile_update

    kept = profile_update(user=other_student, changes={"phone": "+1 202 555 0111"})
    registration_for(LearnerProfile).erase(student)
    assert not LearnerProfile.objects.filter(pk=full_profile.pk).exists()
    assert LearnerProfile.objects.filter(pk=kept.pk).exists()
