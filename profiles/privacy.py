"""The profiles app's models in the privacy registry (privacy.registry)."""

import datetime

from privacy.registry import register
from profiles.models import LearnerProfile
from profiles.services import PROFILE_FIELDS


def learner_profile_export(user) -> dict | None:
    """The learner's personal details, decrypted, as JSON-friendly values (None: no profile)."""
    profile = LearnerProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    values = {name: getattr(profile, name) for name in (*PROFILE_FIELDS, "created_at", "updated_at")}
    return {
        name: value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value
        for name, value in values.items()
    }


def learner_profile_erase(user) -> None:
    LearnerProfile.objects.filter(user=user).delete()


register(LearnerProfile, user_path="user", export=learner_profile_export, erase=learner_profile_erase)


from profiles import consent_privacy  # noqa: E402, F401  (consent records)
