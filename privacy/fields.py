"""Model fields whose values are stored encrypted (AES-256-GCM, see privacy.crypto).

    phone = EncryptedCharField(max_length=32, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)

The Python side sees plain values (forms, serializers and `.values()` work as usual); the column
holds `enc1:<key id>:<base64>` text bound to `<app_label>.<model>.<field>`. What follows:
- not searchable: any lookup except `__isnull` raises FieldError (a fresh nonce per value means
  equal plaintexts never have equal ciphertexts); ordering by the column is meaningless;
- no `unique`, `db_index` or `primary_key`; the column type is always `text`;
- an empty string is stored as an empty string and None as NULL (the ciphertext's length would
  show emptiness anyway); everything else is stored encrypted;
- renaming the model or the field changes the bound context: pass `context="<old label>"` to
  keep reading old values, or re-encrypt in a data migration.
`manage.py rotate_encryption_key` finds every such field through the app registry by type.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast

from privacy import crypto


class EncryptedFieldMixin:
    """Encrypt on the way to the database, decrypt on the way back."""

    encrypted = True
    empty_is_text = False  # text fields read "" back as ""; dates and booleans as None
    _forbidden_options = ("unique", "db_index", "primary_key")

    def __init__(self, *args, context: str | None = None, **kwargs):
        for option in self._forbidden_options:
            if kwargs.get(option):
                raise ValueError(f"{type(self).__name__} cannot be {option}: encrypted values are not comparable.")
        self._encryption_context = context
        super().__init__(*args, **kwargs)

    @property
    def encryption_context(self) -> str:
        """What the ciphertext is bound to (the associated data): `<app_label>.<model>.<field>`."""
        return self._encryption_context or f"{self.model._meta.label_lower}.{self.name}"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self._encryption_context:
            kwargs["context"] = self._encryption_context
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"

    # --- to the database ------------------------------------------------------------------
    def plaintext_from_python(self, value) -> str:
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(self.plaintext_from_python(value), context=self.encryption_context)

    def get_db_prep_value(self, value, connection, prepared=False):
        # Skips the backend adaptation of dates and booleans: the column holds text.
        return value if prepared else self.get_prep_value(value)

    # --- from the database ----------------------------------------------------------------
    def python_from_plaintext(self, plaintext: str):
        return self.to_python(plaintext)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return "" if self.empty_is_text else None
        return self.python_from_plaintext(crypto.decrypt(value, context=self.encryption_context))

    # --- not searchable -------------------------------------------------------------------
    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted and cannot be searched "
            f"(lookup {lookup_name!r}); only __isnull is allowed."
        )

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    empty_is_text = True


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """max_length is checked on the plaintext; the column is unbounded text."""

    empty_is_text = True


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    def plaintext_from_python(self, value: datetime.date) -> str:
        return value.isoformat()

    def python_from_plaintext(self, plaintext: str) -> datetime.date:
        return datetime.date.fromisoformat(plaintext)


class EncryptedBooleanField(EncryptedFieldMixin, models.BooleanField):
    def plaintext_from_python(self, value: bool) -> str:
        return "true" if value else "false"

    def python_from_plaintext(self, plaintext: str) -> bool:
        return plaintext == "true"


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedCharField, EncryptedDateField, EncryptedBooleanField)


def encrypted_fields(model) -> list[models.Field]:
    """The encrypted columns a model's own table holds (a parent's are its parent's)."""
    return [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedFieldMixin)]


# --- rotation (manage.py rotate_encryption_key) ----------------------------------------------


@dataclass(frozen=True)
class EncryptedColumn:
    """One encrypted column of one model's table."""

    model: type[models.Model]
    field: models.Field

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    def raw_values(self) -> models.QuerySet:
        """(pk, stored text) of the non-empty values, read as text (nothing decrypted)."""
        return (
            self.model._base_manager.annotate(_stored=Cast(self.field.name, output_field=models.TextField()))
            .filter(_stored__isnull=False)
            .exclude(_stored="")
            .order_by("pk")
            .values_list("pk", "_stored")
        )

    def stale_values(self, keyring: crypto.Keyring) -> models.QuerySet:
        """The values not sealed under the active key (older keys, or plaintext never sealed)."""
        return self.raw_values().exclude(_stored__startswith=f"{crypto.VERSION}:{keyring.active_key_id}:")


def encrypted_columns() -> list[EncryptedColumn]:
    """Every encrypted column of every installed model, found by field type."""
    return [
        EncryptedColumn(model, field)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for field in encrypted_fields(model)
    ]


@dataclass
class RotationBatch:
    last_pk: object = None
    seen: int = 0
    rotated: int = 0
    failures: list[tuple[object, str]] = dataclass_field(default_factory=list)


def column_rotate_batch(
    column: EncryptedColumn, *, after_pk, batch_size: int, keyring: crypto.Keyring, dry_run: bool = False
) -> RotationBatch:
    """Re-seal the next `batch_size` stale values after `after_pk` under the active key, in one
    transaction (rows locked, so a concurrent save is never overwritten with an older value).

    Values that cannot be opened (unknown key, tampered) are reported, not changed. A stale value
    that is not a token at all (a column converted to encrypted) is sealed as it is.
    """
    batch = RotationBatch(last_pk=after_pk)
    context = column.field.encryption_context
    with transaction.atomic(using=column.model._base_manager.db):
        rows = column.stale_values(keyring)
        if after_pk is not None:
            rows = rows.filter(pk__gt=after_pk)
        rows = rows[:batch_size] if dry_run else rows.select_for_update()[:batch_size]
        for pk, stored in rows:
            batch.last_pk = pk
            batch.seen += 1
            try:
                if crypto.is_token(stored):
                    sealed = crypto.reencrypt(stored, context=context, keyring=keyring)
                else:
                    sealed = crypto.encrypt(stored, context=context, keyring=keyring)
            except crypto.FieldEncryptionError as exc:
                batch.failures.append((pk, str(exc)))
                continue
            if not dry_run:
                column.model._base_manager.filter(pk=pk).update(
                    **{column.field.attname: Value(sealed, output_field=models.TextField())}
                )
            batch.rotated += 1
    return batch
