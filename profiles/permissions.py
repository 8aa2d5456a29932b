"""Who may read and change whose personal details.

A learner reads and edits their own (through /accounts/profile/ and /api/v1/me/profile/, which
only ever look up request.user's). Someone else's profile is open to administrators only, in the
Wagtail admin; instructors, mentors and corporate representatives never see it.
"""

from accounts.permissions import can_manage_users


def can_manage_profiles(user) -> bool:
    return can_manage_users(user)
