"""Encrypted model fields: what reaches the database, what comes back, what is refused."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from privacy import crypto
from privacy.fields import EncryptedCharField, encrypted_columns
from profiles.models import LearnerProfile
from tests.profiles.conftest import CANARY_VALUES, raw_profile_row, stored_text

pytestmark = pytest.mark.django_db


def test_every_personal_column_holds_a_marked_ciphertext_and_no_plaintext(full_profile):
    row = raw_profile_row(full_profile.pk)
    for name, value in CANARY_VALUES.items():
        assert row[name].startswith("enc1:test1:"), name
        assert stored_text(value) not in row[name], name


def test_no_planted_value_appears_anywhere_in_the_stored_row(full_profile):
    row_text = " ".join(str(value) for value in raw_profile_row(full_profile.pk).values())
    for value in CANARY_VALUES.values():
        if len(stored_text(value)) > 8:  # short codes ("true") could occur in base64 by chance
            assert stored_text(value) not in row_text


def test_values_read_back_as_python_values(full_profile):
    profile = LearnerProfile.objects.get(pk=full_profile.pk)
    assert {name: getattr(profile, name) for name in CANARY_VALUES} == CANARY_VALUES
    assert (
        LearnerProfile.objects.values_list("date_of_birth", flat=True).get(pk=profile.pk)
        == CANARY_VALUES["date_of_birth"]
    )


def test_empty_values_are_stored_empty_and_read_back_empty(student):
    profile = LearnerProfile.objects.create(user=student)
    row = raw_profile_row(profile.pk)
    assert row["phone"] == "" and row["date_of_birth"] is None and row["skillbridge_eligible"] is None
    profile.refresh_from_db()
    assert profile.phone == "" and profile.date_of_birth is None and profile.skillbridge_eligible is None


def test_a_ciphertext_copied_into_another_column_does_not_decrypt(full_profile):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE profiles_learnerprofile SET separation_date = date_of_birth WHERE id = %s", [full_profile.pk]
        )
    with pytest.raises(crypto.DecryptionError, match=r"profiles\.learnerprofile\.separation_date"):
        LearnerProfile.objects.get(pk=full_profile.pk)


def test_a_tampered_stored_value_does_not_decrypt(full_profile):
    stored = raw_profile_row(full_profile.pk)["phone"]
    flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE profiles_learnerprofile SET phone = %s WHERE id = %s", [flipped, full_profile.pk])
    with pytest.raises(crypto.DecryptionError):
        LearnerProfile.objects.get(pk=full_profile.pk)


def test_plaintext_planted_in_an_encrypted_column_is_refused_not_shown(full_profile):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE profiles_learnerprofile SET phone = %s WHERE id = %s", ["555 0100", full_profile.pk])
    with pytest.raises(crypto.DecryptionError, match="not an encrypted value"):
        LearnerProfile.objects.get(pk=full_profile.pk)


def test_encrypted_columns_cannot_be_searched(full_profile):
    with pytest.raises(FieldError, match="encrypted and cannot be searched"):
        list(LearnerProfile.objects.filter(phone=CANARY_VALUES["phone"]))
    with pytest.raises(FieldError):
        list(LearnerProfile.objects.filter(skillbridge_notes__icontains="canary"))
    assert LearnerProfile.objects.filter(date_of_birth__isnull=False).count() == 1


@pytest.mark.parametrize("option", ["unique", "db_index", "primary_key"])
def test_encrypted_fields_refuse_unique_and_index_options(option):
    with pytest.raises(ValueError, match=option):
        EncryptedCharField(max_length=10, **{option: True})


def test_the_registry_finds_every_encrypted_column_of_the_profile():
    labels = {column.label for column in encrypted_columns()}
    assert {f"profiles.LearnerProfile.{name}" for name in CANARY_VALUES} <= labels
    assert "profiles.LearnerProfile.user" not in labels
