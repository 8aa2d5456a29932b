from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Its authenticate() never signs anyone in (it refuses a locked-out account or address, or
    passes), so no real session names it. Code that logs in with "the first backend" — Wagtail's
    page test utilities do — still needs it to read a session's user: that is ModelBackend's job.
    """

    def get_user(self, user_id):
        return ModelBackend().get_user(user_id)
