"""The privacy registry: every model is either registered with export and erase handlers or
declared to hold no personal data. `tests/privacy/test_registry.py` walks every installed model
and fails on one that is neither.

Apps declare their models in `<app>/privacy.py` (imported by PrivacyConfig.ready()):

    from privacy.registry import keep, register, register_no_personal_data

    register(Enrollment, user_path="user", erase=keep("completion counts are aggregates"))
    register(LessonProgress, user_path="enrollment__user")
    register_no_personal_data(LearningPathStep, "course order of a path: content, no person")

- `user_path` is the ORM path from the model to its User ("user", "enrollment__user"; "" for
  the User model itself). `None` only with both handlers given (a model without a relation to
  the user, e.g. sessions or login attempts keyed by email).
- `export(user)` returns JSON-serialisable data; default: every concrete field of the user's rows.
- `erase(user)` removes or anonymises; default: delete the user's rows. Handlers run inside the
  erasure's transaction, the User model's last (so others still see the original email).
- Files: any FileField on the user's rows goes into the export and is deleted from storage after
  an erasure that deleted the row or blanked the field.
"""

from __future__ import annotations

import base64
import contextvars
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile

ExportHandler = Callable[[Any], Any]
EraseHandler = Callable[[Any], Any]

_registrations: dict[type[models.Model], Registration] = {}
_no_personal_data: dict[type[models.Model], str] = {}


class PrivacyJSONEncoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as DjangoJSONEncoder; files as their stored name; bytes in base64."""

    def default(self, o):
        if isinstance(o, FieldFile):
            return o.name or None
        if isinstance(o, bytes | bytearray | memoryview):
            return base64.b64encode(bytes(o)).decode("ascii")
        return super().default(o)


def _resolve(model) -> type[models.Model]:
    if isinstance(model, str):
        return apps.get_model(model)
    return model


def keep(reason: str) -> EraseHandler:
    """An erase handler that keeps the rows as they are (aggregates, content, security logs)."""

    def handler(user) -> None:
        return None

    handler.keep_reason = reason  # type: ignore[attr-defined]
    return handler


def row_values(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete fields of one row (foreign keys as ids, files as names), for an export."""
    skipped = set(exclude)
    values = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in skipped or model_field.attname in skipped:
            continue
        values[model_field.attname] = model_field.value_from_object(instance)
    return values


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    user_path: str | None
    export_handler: ExportHandler | None = None
    erase_handler: EraseHandler | None = None
    file_fields: tuple[str, ...] = field(default=())
    export_files: bool = True

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def is_user_model(self) -> bool:
        return self.user_path == ""

    @property
    def deletes_by_default(self) -> bool:
        return self.erase_handler is None

    def queryset(self, user) -> models.QuerySet:
        """The user's rows (empty when the model has no path to the user)."""
        manager = self.model._default_manager
        if self.user_path is None:
            return manager.none()
        if self.user_path == "":
            return manager.filter(pk=user.pk)
        return manager.filter(**{self.user_path: user}).distinct()

    def export(self, user) -> Any:
        if self.export_handler is not None:
            return self.export_handler(user)
        return [row_values(row) for row in self.queryset(user).order_by("pk")]

    def erase(self, user) -> None:
        if self.erase_handler is not None:
            self.erase_handler(user)
            return
        self.queryset(user).delete()

    def files(self, user) -> Iterator[tuple[models.Model, str, FieldFile]]:
        """(row, field name, file) of every non-empty file on the user's rows."""
        if not self.file_fields:
            return
        for row in self.queryset(user).order_by("pk"):
            for name in self.file_fields:
                value = getattr(row, name)
                if value:
                    yield row, name, value


def register(
    model,
    *,
    user_path: str | None,
    export: ExportHandler | None = None,
    erase: EraseHandler | None = None,
    export_files: bool = True,
) -> Registration:
    """Declare a model holding personal data, with its path to the user and its handlers.

    export_files=False leaves the rows' files out of the export (they are still deleted on
    erasure when their row goes): earlier export archives, for one."""
    model = _resolve(model)
    if user_path is None and (export is None or erase is None):
        raise ImproperlyConfigured(f"{model._meta.label}: without a user_path, give both export and erase.")
    if model in _no_personal_data:
        raise ImproperlyConfigured(f"{model._meta.label} is already declared to hold no personal data.")
    if model in _registrations:
        raise ImproperlyConfigured(f"{model._meta.label} is registered twice with the privacy registry.")
    files = tuple(f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField))
    registration = Registration(model, user_path, export, erase, files, export_files)
    _registrations[model] = registration
    return registration


def register_no_personal_data(model, reason: str) -> None:
    """Declare that a model holds no personal data, and why (shown when a reviewer asks)."""
    model = _resolve(model)
    if not reason.strip():
        raise ImproperlyConfigured(f"{model._meta.label}: say why it holds no personal data.")
    if model in _registrations:
        raise ImproperlyConfigured(f"{model._meta.label} is already registered with handlers.")
    _no_personal_data[model] = reason


def registrations() -> list[Registration]:
    """Every registration in a stable order: the User model's last (its erase changes the email)."""
    return sorted(_registrations.values(), key=lambda r: (r.is_user_model, r.label))


def registration_for(model) -> Registration | None:
    return _registrations.get(_resolve(model))


def no_personal_data_reason(model) -> str | None:
    return _no_personal_data.get(_resolve(model))


def unclassified_models() -> list[type[models.Model]]:
    """Installed models neither registered nor declared without personal data."""
    return [
        model
        for model in apps.get_models()
        if model not in _registrations and model not in _no_personal_data and not model._meta.proxy
    ]


# --- What an erasure is working on ---------------------------------------------------------------
# Set by privacy.services while the handlers of one user run: (model label, pk) of every row of the
# user found before any handler ran, so handlers that scrub references (log entries naming an
# object) still see rows an earlier handler deleted.
_erasure_rows: contextvars.ContextVar[frozenset[tuple[str, str]] | None] = contextvars.ContextVar(
    "privacy_erasure_rows", default=None
)


def erasure_rows() -> frozenset[tuple[str, str]]:
    return _erasure_rows.get() or frozenset()


def user_rows(user) -> frozenset[tuple[str, str]]:
    """(model label, pk as text) of every registered row of the user."""
    rows = set()
    for registration in registrations():
        for pk in registration.queryset(user).values_list("pk", flat=True):
            rows.add((registration.label, str(pk)))
    return frozenset(rows)
