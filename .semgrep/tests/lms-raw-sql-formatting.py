# Fixture for `semgrep --test` (never imported): each `ruleid:` line must be flagged, each `ok:` not.
from django.db import connection
from django.db.models.expressions import RawSQL

from courses.models import CoursePage


def lookups(title, user_id):
    # ruleid: lms-raw-sql-formatting
    CoursePage.objects.raw(f"SELECT * FROM courses_coursepage WHERE title = '{title}'")
    # ruleid: lms-raw-sql-formatting
    CoursePage.objects.raw("SELECT * FROM courses_coursepage WHERE title = '%s'" % title)
    with connection.cursor() as cursor:
        # ruleid: lms-raw-sql-formatting
        cursor.execute("DELETE FROM t WHERE user_id = {}".format(user_id))
        # ruleid: lms-raw-sql-formatting
        cursor.execute("SELECT * FROM t WHERE name = '" + title + "'")
        # ok: lms-raw-sql-formatting
        cursor.execute("SELECT * FROM t WHERE user_id = %s", [user_id])
    # ruleid: lms-raw-sql-formatting
    annotation = RawSQL(f"SELECT count(*) FROM t WHERE user_id = {user_id}", ())
    # ok: lms-raw-sql-formatting
    safe = RawSQL("SELECT count(*) FROM t WHERE user_id = %s", (user_id,))
    # ok: lms-raw-sql-formatting
    CoursePage.objects.raw("SELECT * FROM courses_coursepage WHERE title = %s", [title])
    return annotation, safe
