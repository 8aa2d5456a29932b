"""One error shape for every API failure: a list of {code, message, field}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(exceptions.APIException):
    """A business rule said no. Subclasses set a stable `code` (e.g. "course_full")."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request cannot be completed."

    def __init__(self, message: str | None = None, *, code: str | None = None, status_code: int | None = None):
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        if status_code is not None:
            self.status_code = status_code


def _flatten(detail, field: str | None = None) -> list[dict]:
    """Turn DRF's nested error detail into a flat list naming the field of each error."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "detail") else (f"{field}.{key}" if field else str(key))
            errors.extend(_flatten(value, name if name is not None else field))
        return errors
    if isinstance(detail, list):
        errors = []
        for index, item in enumerate(detail):
            item_field = f"{field}.{index}" if field and isinstance(item, (dict, list)) else field
            errors.extend(_flatten(item, item_field))
        return errors
    code = getattr(detail, "code", None) or "invalid"
    return [{"code": str(code), "message": str(detail), "field": field}]


def envelope_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # Services validate with Django's ValidationError (field → message); same 400 envelope.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict) and "detail" in detail:
            # simplejwt's token errors carry {"detail", "code", "messages": [...]}: one error, not
            # one per key of that debugging structure.
            detail = detail["detail"]
        errors = _flatten(detail)
        default_code = getattr(exc, "default_code", "error")
        for error in errors:
            if error["code"] in ("invalid", "error") and default_code:
                error["code"] = default_code
    return Response(errors, status=response.status_code, headers=_copy_headers(response))


def _copy_headers(response) -> dict:
    return {key: value for key, value in response.items() if key in ("Retry-After", "WWW-Authenticate", "Allow")}
