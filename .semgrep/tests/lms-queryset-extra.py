# Fixture for `semgrep --test` (never imported): each `ruleid:` line must be flagged, each `ok:` not.
from courses.models import CoursePage


def listing(order):
    # ruleid: lms-queryset-extra
    pages = CoursePage.objects.extra(where=[f"title = '{order}'"])
    # ruleid: lms-queryset-extra
    ordered = CoursePage.objects.all().extra(order_by=[order])
    # ok: lms-queryset-extra
    plain = CoursePage.objects.filter(title=order)
    return pages, ordered, plain
