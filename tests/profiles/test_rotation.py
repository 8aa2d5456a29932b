"""manage.py rotate_encryption_key: moves every value to the active key, resumably."""

import base64
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from privacy import crypto
from profiles.models import LearnerProfile
from profiles.services import profile_update
from tests.factories import UserFactory
from tests.profiles.conftest import CANARY_VALUES, raw_profile_row

pytestmark = pytest.mark.django_db

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()
FIELDS = list(CANARY_VALUES)
PROFILES = 3
VALUES = PROFILES * len(FIELDS)


def use_keys(settings, keys: str, active: str) -> None:
    settings.FIELD_ENCRYPTION_KEYS = keys
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = active


@pytest.fixture
def profiles_under_a(settings):
    """Three full profiles sealed under key a; then key b is added and made active."""
    use_keys(settings, f"a:{KEY_A}", "a")
    profiles = [profile_update(user=UserFactory(), changes=CANARY_VALUES) for _ in range(PROFILES)]
    use_keys(settings, f"a:{KEY_A},b:{KEY_B}", "b")
    return profiles


def rotate(*args, **options) -> str:
    out = io.StringIO()
    call_command("rotate_encryption_key", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def key_ids(profiles) -> list[str]:
    return [crypto.token_key_id(raw_profile_row(p.pk)[name]) for p in profiles for name in FIELDS]


def assert_all_readable(profiles):
    for profile in LearnerProfile.objects.filter(pk__in=[p.pk for p in profiles]):
        assert {name: getattr(profile, name) for name in FIELDS} == CANARY_VALUES


def test_rotation_moves_every_value_to_the_active_key_and_keeps_it_readable(profiles_under_a):
    output = rotate(batch_size=2)
    assert key_ids(profiles_under_a) == ["b"] * VALUES
    assert_all_readable(profiles_under_a)
    assert f"Done: re-encrypted {VALUES} value(s) under key 'b'" in output
    assert "profiles.LearnerProfile.phone: re-encrypted 2/3" in output  # progress per batch


def test_rotation_does_not_touch_the_update_time(profiles_under_a):
    before = {p.pk: p.updated_at for p in LearnerProfile.objects.all()}
    rotate()
    assert {p.pk: p.updated_at for p in LearnerProfile.objects.all()} == before


def test_a_second_run_does_nothing(profiles_under_a):
    rotate()
    stored = [raw_profile_row(p.pk) for p in profiles_under_a]
    output = rotate()
    assert "Done: re-encrypted 0 value(s)" in output
    assert [raw_profile_row(p.pk) for p in profiles_under_a] == stored


def test_after_rotation_the_old_key_can_be_removed(settings, profiles_under_a):
    rotate()
    use_keys(settings, f"b:{KEY_B}", "b")
    assert_all_readable(profiles_under_a)
    assert "OK: every encrypted value is under key 'b'" in rotate("--check")


def test_without_rotation_removing_the_old_key_makes_values_unreadable(settings, profiles_under_a):
    use_keys(settings, f"b:{KEY_B}", "b")
    with pytest.raises(crypto.UnknownKeyError, match="key id 'a'"):
        LearnerProfile.objects.get(pk=profiles_under_a[0].pk)


def test_check_fails_while_any_value_is_under_an_old_key(profiles_under_a):
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"{VALUES} value"):
        call_command("rotate_encryption_key", "--check", stdout=out)
    assert "profiles.LearnerProfile.phone: 3 value(s) not under key 'b' (a: 3)" in out.getvalue()
    rotate()
    rotate("--check")  # no error now


def test_check_exits_non_zero_from_the_command_line(profiles_under_a):
    with pytest.raises(SystemExit) as exited:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", "rotate_encryption_key", "--check"])
    assert exited.value.code == 1


def test_dry_run_counts_and_changes_nothing(profiles_under_a):
    output = rotate("--dry-run", batch_size=4)
    assert f"Done: would re-encrypt {VALUES} value(s)" in output
    assert key_ids(profiles_under_a) == ["a"] * VALUES


def test_a_run_stopped_by_limit_resumes_where_it_left_off(profiles_under_a):
    rotate(batch_size=1, limit=5)
    assert sorted(key_ids(profiles_under_a)).count("b") == 5
    assert_all_readable(profiles_under_a)
    output = rotate(batch_size=1)
    assert f"Done: re-encrypted {VALUES - 5} value(s)" in output
    assert key_ids(profiles_under_a) == ["b"] * VALUES


def test_a_run_that_crashes_mid_way_keeps_committed_batches_and_resumes(profiles_under_a, monkeypatch):
    real_encrypt = crypto.encrypt
    calls = {"n": 0}

    def crash_on_the_fourth_value(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker killed")
        return real_encrypt(*args, **kwargs)

    monkeypatch.setattr(crypto, "encrypt", crash_on_the_fourth_value)
    with pytest.raises(RuntimeError, match="worker killed"):
        rotate(batch_size=1)
    monkeypatch.setattr(crypto, "encrypt", real_encrypt)

    assert key_ids(profiles_under_a).count("b") == 3  # three one-value batches committed
    assert_all_readable(profiles_under_a)
    output = rotate(batch_size=1)
    assert f"Done: re-encrypted {VALUES - 3} value(s)" in output
    assert key_ids(profiles_under_a) == ["b"] * VALUES


def test_values_that_cannot_be_opened_are_reported_and_left_alone(profiles_under_a):
    target = profiles_under_a[1]
    foreign = crypto.encrypt(
        "x", context="profiles.learnerprofile.phone", keyring=crypto.Keyring.from_strings(f"z:{KEY_A}", "z")
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE profiles_learnerprofile SET phone = %s WHERE id = %s", [foreign, target.pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 value"):
        call_command("rotate_encryption_key", stdout=out, stderr=out)
    assert f"profiles.LearnerProfile.phone pk={target.pk}: The value was encrypted with key id 'z'" in out.getvalue()
    assert raw_profile_row(target.pk)["phone"] == foreign
    others = [
        crypto.token_key_id(raw_profile_row(p.pk)[name])
        for p in profiles_under_a
        for name in FIELDS
        if (p.pk, name) != (target.pk, "phone")
    ]
    assert others == ["b"] * (VALUES - 1)


def test_plaintext_left_in_an_encrypted_column_is_sealed_by_rotation(settings, full_profile):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE profiles_learnerprofile SET phone = %s WHERE id = %s", ["555 0100", full_profile.pk])
    with pytest.raises(CommandError):
        call_command("rotate_encryption_key", "--check", stdout=io.StringIO())
    rotate()
    assert raw_profile_row(full_profile.pk)["phone"].startswith("enc1:test1:")
    assert LearnerProfile.objects.get(pk=full_profile.pk).phone == "555 0100"
