"""Reading learner profiles."""

from profiles.models import LearnerProfile


def profile_for_user(*, user) -> LearnerProfile:
    """The user's profile, or an unsaved empty one: reading never creates a row."""
    return LearnerProfile.objects.filter(user=user).first() or LearnerProfile(user=user)
