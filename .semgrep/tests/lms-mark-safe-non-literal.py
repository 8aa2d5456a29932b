# Fixture for `semgrep --test` (never imported): each `ruleid:` line must be flagged, each `ok:` not.
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def render(user, comment):
    # ruleid: lms-mark-safe-non-literal
    a = mark_safe(user.display_name)
    # ruleid: lms-mark-safe-non-literal
    b = mark_safe(f"<b>{user.display_name}</b>")
    # ruleid: lms-mark-safe-non-literal
    c = mark_safe("<b>%s</b>" % comment)
    # ruleid: lms-mark-safe-non-literal
    d = SafeString(comment)
    # ruleid: lms-mark-safe-non-literal
    e = format_html("<b>" + comment + "</b>")
    # ok: lms-mark-safe-non-literal
    f = mark_safe("<br>")
    # ok: lms-mark-safe-non-literal
    g = format_html("<b>{}</b>", comment)
    return a, b, c, d, e, f, g
