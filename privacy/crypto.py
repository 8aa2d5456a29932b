"""AES-256-GCM encryption of single values, for personal fields at rest.

A stored value reads `enc1:<key id>:<base64(nonce | ciphertext | tag)>`:
- `enc1` is the format version, so the format can change without guessing;
- the key id names the key in FIELD_ENCRYPTION_KEYS that sealed it, so several keys can be
  live at once during a rotation and `rotate_encryption_key` knows what is left to do;
- the nonce is 96 random bits, fresh for every value (never reused under a key: GCM's one rule);
- the associated data is `enc1:<key id>:<context>`, where the context names the column
  (`<app_label>.<model>.<field>`): a value copied into another column, or a header edited to
  name another key, fails authentication instead of decrypting.

Keys come from settings (read from the environment):
FIELD_ENCRYPTION_KEYS = "keyid:base64key,keyid:base64key" (32-byte keys) and
FIELD_ENCRYPTION_ACTIVE_KEY = the key id new values use. The functions take an explicit
`keyring` so they can be used (and tested) without settings.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

VERSION = "enc1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, GCM's native nonce size
TAG_BYTES = 16
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

# Published in the repository for development and tests only; production refuses them.
DEVELOPMENT_KEYS = "dev1:dUkD7kyChvWOXYnQl2b18lPEgqnTtMilvfO5ZJx5Ye0="
TEST_KEYS = "test1:KZi2f+JJ2ncfhCstoZiYMojufMuIxSR3Zlq5PR6ttXc="


class FieldEncryptionError(Exception):
    """Something went wrong encrypting or decrypting a field value."""


class KeyConfigurationError(FieldEncryptionError, ImproperlyConfigured):
    """FIELD_ENCRYPTION_KEYS / FIELD_ENCRYPTION_ACTIVE_KEY are missing or malformed."""


class UnknownKeyError(FieldEncryptionError):
    """A value names a key id that is not (or no longer) in FIELD_ENCRYPTION_KEYS."""


class DecryptionError(FieldEncryptionError):
    """The value is not a well-formed token, or it fails authentication (wrong key, tampered
    bytes, or a value that belongs to another column)."""


@dataclass(frozen=True)
class Keyring:
    """The keys that can decrypt (by id) and the one that encrypts new values."""

    keys: dict[str, bytes]
    active_key_id: str

    def __post_init__(self):
        if not self.keys:
            raise KeyConfigurationError("FIELD_ENCRYPTION_KEYS is empty: at least one key is required.")
        for key_id, key in self.keys.items():
            if not KEY_ID_PATTERN.match(key_id):
                raise KeyConfigurationError(
                    f"Encryption key id {key_id!r} is invalid: use 1-32 letters, digits, '-' or '_'."
                )
            if len(key) != KEY_BYTES:
                raise KeyConfigurationError(
                    f"Encryption key {key_id!r} is {len(key)} bytes long; AES-256 needs {KEY_BYTES}."
                )
        if self.active_key_id not in self.keys:
            raise KeyConfigurationError(
                f"FIELD_ENCRYPTION_ACTIVE_KEY is {self.active_key_id!r}, which is not a key id in "
                f"FIELD_ENCRYPTION_KEYS (known: {', '.join(sorted(self.keys))})."
            )

    @classmethod
    def from_strings(cls, keys: str, active_key_id: str) -> Keyring:
        """Parse the two settings, e.g. ("2026a:base64…,2025b:base64…", "2026a")."""
        parsed: dict[str, bytes] = {}
        for entry in (item.strip() for item in (keys or "").split(",")):
            if not entry:
                continue
            key_id, separator, encoded = entry.partition(":")
            key_id = key_id.strip()
            if not separator:
                raise KeyConfigurationError(
                    f"FIELD_ENCRYPTION_KEYS entry {key_id[:8]!r}… is not of the form keyid:base64key."
                )
            if key_id in parsed:
                raise KeyConfigurationError(f"FIELD_ENCRYPTION_KEYS names key id {key_id!r} twice.")
            try:
                parsed[key_id] = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise KeyConfigurationError(f"Encryption key {key_id!r} is not valid base64.") from exc
        return cls(keys=parsed, active_key_id=(active_key_id or "").strip())

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownKeyError(
                f"The value was encrypted with key id {key_id!r}, which is not in FIELD_ENCRYPTION_KEYS "
                f"(known: {', '.join(sorted(self.keys))}). Add that key back, or restore the data."
            ) from None


def production_keyring(keys: str, active_key_id: str) -> Keyring:
    """Parse the production settings, refusing to start without keys or with a published key
    (raises plain ImproperlyConfigured, as the rest of production.py does)."""
    if not (keys or "").strip() or not (active_key_id or "").strip():
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and FIELD_ENCRYPTION_ACTIVE_KEY are required in production "
            "(see README: field encryption)."
        )
    try:
        keyring = Keyring.from_strings(keys, active_key_id)
    except KeyConfigurationError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    published = Keyring.from_strings(f"{DEVELOPMENT_KEYS},{TEST_KEYS}", "dev1").keys.values()
    if any(key in published for key in keyring.keys.values()):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds the published development or test key.")
    return keyring


def generate_key() -> str:
    """A new random key, base64-encoded, ready for FIELD_ENCRYPTION_KEYS."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _associated_data(key_id: str, context: str) -> bytes:
    return f"{VERSION}:{key_id}:{context}".encode()


def encrypt(plaintext: str, *, context: str, keyring: Keyring | None = None) -> str:
    """Seal `plaintext` under the active key, bound to `context` (the column it belongs to)."""
    keyring = keyring or settings_keyring()
    key_id = keyring.active_key_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keyring.key(key_id)).encrypt(nonce, plaintext.encode(), _associated_data(key_id, context))
    return f"{VERSION}:{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def is_token(value: str) -> bool:
    """Whether `value` looks like a stored encrypted value (it may still fail to decrypt)."""
    return isinstance(value, str) and value.startswith(f"{VERSION}:")


def token_key_id(token: str) -> str:
    """The key id named in a token's header."""
    return _split(token)[0]


def _split(token: str) -> tuple[str, bytes]:
    if not is_token(token):
        raise DecryptionError(f"The stored value is not an encrypted value (it does not start with {VERSION}:).")
    parts = token.split(":", 2)
    if len(parts) != 3 or not KEY_ID_PATTERN.match(parts[1]):
        raise DecryptionError("The encrypted value's header is malformed.")
    _, key_id, encoded = parts
    try:
        payload = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("The encrypted value's body is not valid base64.") from exc
    if len(payload) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("The encrypted value is too short to be a sealed value.")
    return key_id, payload


def decrypt(token: str, *, context: str, keyring: Keyring | None = None) -> str:
    """Open a token made by `encrypt` for the same context; raises on any mismatch."""
    keyring = keyring or settings_keyring()
    key_id, payload = _split(token)
    key = keyring.key(key_id)
    try:
        plaintext = AESGCM(key).decrypt(payload[:NONCE_BYTES], payload[NONCE_BYTES:], _associated_data(key_id, context))
    except InvalidTag:
        raise DecryptionError(
            f"A value of {context} failed authentication: it was tampered with, sealed with a "
            f"different key {key_id!r}, or copied from another column."
        ) from None
    return plaintext.decode()


def reencrypt(token: str, *, context: str, keyring: Keyring | None = None) -> str:
    """The same plaintext sealed under the active key (a new nonce)."""
    keyring = keyring or settings_keyring()
    return encrypt(decrypt(token, context=context, keyring=keyring), context=context, keyring=keyring)


def settings_keyring() -> Keyring:
    """The keyring configured in settings (parsed once per distinct setting values)."""
    from django.conf import settings

    return _parsed_keyring(
        getattr(settings, "FIELD_ENCRYPTION_KEYS", ""), getattr(settings, "FIELD_ENCRYPTION_ACTIVE_KEY", "")
    )


@functools.lru_cache(maxsize=8)
def _parsed_keyring(keys: str, active_key_id: str) -> Keyring:
    return Keyring.from_strings(keys, active_key_id)
