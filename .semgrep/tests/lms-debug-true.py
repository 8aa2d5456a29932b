# Fixture for `semgrep --test` (never imported): each `ruleid:` line must be flagged, each `ok:` not.
from django.conf import settings
from django.test import override_settings

# ruleid: lms-debug-true
DEBUG = True

# ok: lms-debug-true
DEBUG = False


def switch_on():
    # ruleid: lms-debug-true
    settings.DEBUG = True


# ruleid: lms-debug-true
@override_settings(DEBUG=True)
def helper():
    pass
