from rest_framework import serializers

from profiles.models import LearnerProfile
from profiles.services import PROFILE_FIELDS


class LearnerProfileSerializer(serializers.ModelSerializer):
    """The signed-in user's personal details; `updated_at` is null until the first save."""

    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = LearnerProfile
        fields = [*PROFILE_FIELDS, "updated_at"]
