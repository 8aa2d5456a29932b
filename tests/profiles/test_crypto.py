"""privacy.crypto: AES-256-GCM values with a key id and a bound context (no database)."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from privacy import crypto

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
RING = crypto.Keyring.from_strings(f"a:{KEY_A},b:{KEY_B}", "a")
CONTEXT = "profiles.learnerprofile.phone"


def test_a_value_round_trips():
    token = crypto.encrypt("+1 202 555 0143", context=CONTEXT, keyring=RING)
    assert crypto.decrypt(token, context=CONTEXT, keyring=RING) == "+1 202 555 0143"


def test_a_token_carries_the_version_and_the_active_key_id_and_no_plaintext():
    token = crypto.encrypt("secret-canary-4711", context=CONTEXT, keyring=RING)
    assert token.startswith("enc1:a:")
    assert crypto.token_key_id(token) == "a"
    assert "secret-canary-4711" not in token
    payload = base64.b64decode(token.split(":", 2)[2])
    assert len(payload) == crypto.NONCE_BYTES + len("secret-canary-4711") + crypto.TAG_BYTES


def test_each_encryption_uses_a_fresh_nonce():
    first = crypto.encrypt("same", context=CONTEXT, keyring=RING)
    second = crypto.encrypt("same", context=CONTEXT, keyring=RING)
    assert first != second
    assert base64.b64decode(first.split(":", 2)[2])[:12] != base64.b64decode(second.split(":", 2)[2])[:12]


def test_unicode_and_empty_strings_round_trip():
    for value in ("", "Zoë — 東京", "x" * 5000):
        assert (
            crypto.decrypt(crypto.encrypt(value, context=CONTEXT, keyring=RING), context=CONTEXT, keyring=RING) == value
        )


def test_a_token_decrypts_with_any_listed_key_whichever_is_active():
    token = crypto.encrypt("value", context=CONTEXT, keyring=RING)
    ring_b_active = crypto.Keyring.from_strings(f"a:{KEY_A},b:{KEY_B}", "b")
    assert crypto.decrypt(token, context=CONTEXT, keyring=ring_b_active) == "value"


def test_a_header_edited_to_name_another_known_key_fails():
    token = crypto.encrypt("value", context=CONTEXT, keyring=RING)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("enc1:b:" + token.split(":", 2)[2], context=CONTEXT, keyring=RING)


def test_a_key_id_mapped_to_different_key_material_fails():
    token = crypto.encrypt("value", context=CONTEXT, keyring=RING)
    wrong = crypto.Keyring.from_strings(f"a:{KEY_B}", "a")
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(token, context=CONTEXT, keyring=wrong)


@pytest.mark.parametrize("position", [0, 5, 11, 12, 20, -1])
def test_a_flipped_byte_anywhere_in_nonce_ciphertext_or_tag_fails(position):
    token = crypto.encrypt("a value long enough", context=CONTEXT, keyring=RING)
    header, body = token.rsplit(":", 1)
    payload = bytearray(base64.b64decode(body))
    payload[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{header}:{base64.b64encode(bytes(payload)).decode()}", context=CONTEXT, keyring=RING)


def test_a_value_copied_to_another_column_fails():
    token = crypto.encrypt("1990-01-01", context="profiles.learnerprofile.date_of_birth", keyring=RING)
    with pytest.raises(crypto.DecryptionError, match="copied from another column"):
        crypto.decrypt(token, context="profiles.learnerprofile.separation_date", keyring=RING)


def test_an_unknown_key_id_gives_a_clear_error():
    token = crypto.encrypt("value", context=CONTEXT, keyring=RING)
    only_b = crypto.Keyring.from_strings(f"b:{KEY_B}", "b")
    with pytest.raises(crypto.UnknownKeyError, match=r"key id 'a'.*not in FIELD_ENCRYPTION_KEYS \(known: b\)"):
        crypto.decrypt(token, context=CONTEXT, keyring=only_b)


@pytest.mark.parametrize(
    "token", ["plain text", "enc1:", "enc1:a", "enc1:a:not-base64!", "enc1:a:" + base64.b64encode(b"short").decode()]
)
def test_malformed_tokens_are_refused(token):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context=CONTEXT, keyring=RING)


def test_reencrypt_moves_a_value_to_the_active_key():
    token = crypto.encrypt("value", context=CONTEXT, keyring=RING)
    ring_b_active = crypto.Keyring.from_strings(f"a:{KEY_A},b:{KEY_B}", "b")
    moved = crypto.reencrypt(token, context=CONTEXT, keyring=ring_b_active)
    assert crypto.token_key_id(moved) == "b"
    assert crypto.decrypt(moved, context=CONTEXT, keyring=crypto.Keyring.from_strings(f"b:{KEY_B}", "b")) == "value"


@pytest.mark.parametrize(
    ("keys", "active", "message"),
    [
        ("", "a", "empty"),
        (f"a:{KEY_A}", "b", "FIELD_ENCRYPTION_ACTIVE_KEY"),
        ("a:" + base64.b64encode(b"16 bytes only!!!").decode(), "a", "AES-256 needs 32"),
        ("a:%%%notbase64", "a", "not valid base64"),
        (KEY_A, "a", "keyid:base64key"),
        (f"a:{KEY_A},a:{KEY_B}", "a", "twice"),
        (f"bad id:{KEY_A}", "bad id", "invalid"),
    ],
)
def test_bad_key_settings_are_refused_with_a_clear_message(keys, active, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.Keyring.from_strings(keys, active)


def test_production_refuses_missing_or_published_keys():
    with pytest.raises(ImproperlyConfigured, match="required in production"):
        crypto.production_keyring("", "")
    with pytest.raises(ImproperlyConfigured, match="published"):
        crypto.production_keyring(crypto.TEST_KEYS, "test1")
    assert crypto.production_keyring(f"a:{KEY_A}", "a").active_key_id == "a"


def test_generated_keys_are_32_random_bytes():
    first, second = crypto.generate_key(), crypto.generate_key()
    assert len(base64.b64decode(first)) == 32
    assert first != second
