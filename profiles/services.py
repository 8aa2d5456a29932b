"""Writing learner profiles."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from audit.services import audit_record
from profiles.models import LearnerProfile

# What the learner (and an administrator) may change; `user` and the timestamps never.
PROFILE_FIELDS = (
    "phone",
    "date_of_birth",
    "military_branch",
    "military_status",
    "separation_date",
    "skillbridge_eligible",
    "skillbridge_installation",
    "skillbridge_unit",
    "skillbridge_poc_name",
    "skillbridge_poc_email",
    "skillbridge_start_date",
    "skillbridge_end_date",
    "skillbridge_notes",
)


@transaction.atomic
def profile_update(*, user, changes: Mapping[str, Any], actor=None, request=None) -> LearnerProfile:
    """Apply `changes` to the user's profile (created on first save), validated as a whole.

    Raises django.core.exceptions.ValidationError naming the field; nothing is saved then. The
    audit record lists the names of the changed fields, never their values.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    profile = LearnerProfile.objects.select_for_update().get(pk=profile.pk)
    changed = sorted(name for name, value in changes.items() if getattr(profile, name) != value)
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if changed:
        audit_record(
            "profile.update",
            actor=actor or user,
            target=profile,
            request=request,
            details={"fields": changed},
        )
    return profile
