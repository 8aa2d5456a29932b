"""Instructor roster in the Wagtail admin: "My courses", each course's learners, CSV export,
staff enroll and drop. Only for the course's instructors and administrators; anyone else gets 404."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory

from accounts import roles
from learning import services
from learning.models import Enrollment
from learning.viewsets import RosterMenuItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(make_course, instructor):
    return make_course(modules=2, lessons=2, instructors=[instructor])


@pytest.fixture
def course(built):
    return built.course


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def roster_url(course, suffix=""):
    return f"/admin/roster/{course.pk}/{suffix}"


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def learner(email, name="", **kwargs):
    return UserFactory(email=email, display_name=name, roles=[roles.STUDENT], **kwargs)


def rows_of(response) -> list[Enrollment]:
    return list(response.context["object_list"])


def csv_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- My courses ----------------------------------------------------------------------------


def test_my_courses_lists_the_courses_the_instructor_teaches_with_enrollment_counts(
    instructor_client, make_course, course, student, other_student, other_instructor
):
    make_course(instructors=[other_instructor], title="Someone else's course")
    services.enrollment_create(user=student, course=course)
    dropped, _ = services.enrollment_create(user=other_student, course=course)
    services.enrollment_drop(enrollment=dropped)

    response = instructor_client.get("/admin/roster/")

    assert response.status_code == 200
    courses = rows_of(response)
    assert [c.pk for c in courses] == [course.pk]
    assert (courses[0].active_count, courses[0].completed_count, courses[0].dropped_count) == (1, 0, 1)
    assert f'href="/admin/roster/{course.pk}/"' in response.content.decode()


def test_administrators_see_every_course_in_my_courses(client, administrator, make_course, course, other_instructor):
    other = make_course(instructors=[other_instructor]).course
    client.force_login(administrator)

    response = client.get("/admin/roster/")

    assert {c.pk for c in rows_of(response)} == {course.pk, other.pk}


def test_my_courses_is_in_the_menu_of_instructors_and_administrators_only(instructor, administrator, student):
    item = RosterMenuItem("My courses", "/admin/roster/")
    request = RequestFactory().get("/admin/")

    shown = {}
    for name, user in {"instructor": instructor, "administrator": administrator, "student": student}.items():
        request.user = user
        shown[name] = item.is_shown(request)

    assert shown == {"instructor": True, "administrator": True, "student": False}


def test_my_courses_menu_item_appears_in_the_admin(instructor_client):
    response = instructor_client.get("/admin/")

    assert "/admin/roster/" in response.content.decode()


# --- Roster --------------------------------------------------------------------------------


def test_roster_shows_each_learners_progress_status_source_and_dates(instructor_client, built, course, student):
    services.enrollment_create(user=student, course=course)
    services.lesson_complete(user=student, lesson=built.lessons[0])
    services.enrollment_create(user=learner("staff-added@example.org"), course=course, source=Enrollment.Source.STAFF)

    response = instructor_client.get(roster_url(course))

    assert response.status_code == 200
    html = response.content.decode()
    assert student.email in html and "staff-added@example.org" in html
    assert 'value="25"' in html and "25%" in html  # 1 of 4 lessons
    assert "Enrolled by staff" in html and "Self-enrolled" in html
    assert html.count(">Drop</button>") == 2
    assert response.context["lesson_count"] == 4


def test_completed_learners_are_at_100_percent(instructor_client, built, course, student):
    services.enrollment_create(user=student, course=course)
    for lesson in built.lessons:
        services.lesson_complete(user=student, lesson=lesson)

    response = instructor_client.get(roster_url(course))

    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED
    assert "100%" in response.content.decode()
    assert ">Drop</button>" not in response.content.decode()


def test_roster_filters_by_status(instructor_client, course, student, other_student):
    services.enrollment_create(user=student, course=course)
    dropped, _ = services.enrollment_create(user=other_student, course=course)
    services.enrollment_drop(enrollment=dropped)

    active = rows_of(instructor_client.get(roster_url(course), {"status": "active"}))
    gone = rows_of(instructor_client.get(roster_url(course), {"status": "dropped"}))

    assert [e.user_id for e in active] == [student.pk]
    assert [e.user_id for e in gone] == [other_student.pk]


def test_roster_searches_learners_by_name_and_email(instructor_client, course):
    ada = learner("ada@example.org", "Ada Lovelace")
    grace = learner("grace@navy.example", "Grace Hopper")
    for user in (ada, grace):
        services.enrollment_create(user=user, course=course)

    by_name = rows_of(instructor_client.get(roster_url(course), {"q": "lovelace"}))
    by_email = rows_of(instructor_client.get(roster_url(course), {"q": "navy.example"}))
    results_fragment = instructor_client.get(roster_url(course, "results/"), {"q": "hopper"})

    assert [e.user_id for e in by_name] == [ada.pk]
    assert [e.user_id for e in by_email] == [grace.pk]
    assert results_fragment.status_code == 200 and "grace@navy.example" in results_fragment.content.decode()


def test_roster_is_paginated(instructor_client, course):
    Enrollment.objects.bulk_create(
        Enrollment(user=learner(f"learner{n:02d}@example.org"), course=course) for n in range(55)
    )

    first = instructor_client.get(roster_url(course))
    second = instructor_client.get(roster_url(course), {"p": 2})

    assert len(rows_of(first)) == 50
    assert [e.user.email for e in rows_of(second)] == [f"learner{n:02d}@example.org" for n in range(50, 55)]


def test_roster_of_an_archived_edition_still_opens(instructor_client, course, student):
    services.enrollment_create(user=student, course=course)
    course.archived = True
    course.save_revision().publish()

    response = instructor_client.get(roster_url(course))

    assert response.status_code == 200 and student.email in response.content.decode()


# --- Who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "?export=csv"), ("get", "results/"), ("post", "enroll/"), ("post", "drop/{enrollment}/")],
)
def test_instructors_of_other_courses_get_404(client, other_instructor, course, student, method, suffix):
    enrollment, _ = services.enrollment_create(user=student, course=course)
    client.force_login(other_instructor)

    url = roster_url(course, suffix.format(enrollment=enrollment.pk))
    response = getattr(client, method)(url, {"email": "someone@example.org"} if method == "post" else None)

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_students_cannot_open_the_roster(client, student, course):
    client.force_login(student)

    response = client.get(roster_url(course))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_administrators_manage_any_roster(client, administrator, course, student):
    services.enrollment_create(user=student, course=course)
    client.force_login(administrator)

    assert student.email in client.get(roster_url(course)).content.decode()


def test_a_roster_url_with_an_unknown_course_is_404(instructor_client):
    assert instructor_client.get("/admin/roster/999999/").status_code == 404


# --- CSV -----------------------------------------------------------------------------------


def test_csv_exports_the_filtered_roster_on_every_page(instructor_client, course, student, other_student):
    services.enrollment_create(user=student, course=course)
    dropped, _ = services.enrollment_create(user=other_student, course=course)
    services.enrollment_drop(enrollment=dropped)

    response = instructor_client.get(roster_url(course), {"status": "active", "export": "csv"})

    rows = csv_of(response)
    assert "attachment" in response["Content-Disposition"] and course.slug in response["Content-Disposition"]
    assert rows[0][:5] == ["Name", "Email", "Status", "Source", "Progress (%)"]
    assert [row[1] for row in rows[1:]] == [student.email]
    assert rows[1][2:5] == ["Active", "Self-enrolled", "0"]


def test_csv_cells_never_start_a_spreadsheet_formula(instructor_client, course):
    for n, name in enumerate(["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Plain"]):
        services.enrollment_create(user=learner(f"f{n}@example.org", name), course=course)

    rows = csv_of(instructor_client.get(roster_url(course), {"export": "csv"}))

    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "'\tTab", "'\rReturn", "Plain"])


def test_the_download_link_keeps_the_current_filters(instructor_client, course):
    response = instructor_client.get(roster_url(course), {"status": "dropped", "q": "ada", "p": "1"})

    assert response.context["view"].csv_url == f"{roster_url(course)}?status=dropped&q=ada&export=csv"


# --- Enroll and drop -----------------------------------------------------------------------


def test_instructor_enrolls_an_existing_user_by_email(instructor_client, course):
    newcomer = learner("newcomer@example.org", "New Comer")

    response = instructor_client.post(
        roster_url(course, "enroll/"), {"email": "NEWCOMER@example.org", "next": roster_url(course) + "?status=active"}
    )

    enrollment = Enrollment.objects.get(user=newcomer)
    assert (enrollment.course_id, enrollment.source, enrollment.status) == (course.pk, "staff", "active")
    assert response.status_code == 302 and response["Location"] == roster_url(course) + "?status=active"
    assert any("is enrolled in" in message for message in messages_of(response))


def test_staff_enrollment_ignores_prerequisites_and_the_window(instructor_client, make_course, instructor):
    prerequisite = make_course().course
    advanced = make_course(instructors=[instructor]).course
    advanced.prerequisites.set([prerequisite])
    advanced.save_revision().publish()
    newcomer = learner("newcomer@example.org")

    instructor_client.post(roster_url(advanced, "enroll/"), {"email": newcomer.email})

    assert Enrollment.objects.filter(user=newcomer, course=advanced, source="staff").exists()


def test_enrolling_an_unknown_email_shows_an_error(instructor_client, course):
    response = instructor_client.post(roster_url(course, "enroll/"), {"email": "nobody@example.org"})

    assert response.status_code == 302 and response["Location"] == roster_url(course)
    assert messages_of(response) == ["No active account uses this email address."]
    assert not Enrollment.objects.exists()


def test_enrolling_into_a_full_course_shows_the_domain_error(instructor_client, make_course, instructor, student):
    full = make_course(instructors=[instructor], capacity=1).course
    services.enrollment_create(user=student, course=full)

    response = instructor_client.post(roster_url(full, "enroll/"), {"email": learner("late@example.org").email})

    assert messages_of(response) == ["late@example.org was not enrolled: This course has no free seats."]
    assert Enrollment.objects.filter(course=full).count() == 1


def test_enrolling_someone_already_enrolled_warns(instructor_client, course, student):
    services.enrollment_create(user=student, course=course)

    response = instructor_client.post(roster_url(course, "enroll/"), {"email": student.email})

    assert any("already enrolled" in message for message in messages_of(response))
    assert Enrollment.objects.filter(user=student).count() == 1


def test_an_outside_next_url_is_ignored(instructor_client, course):
    learner("newcomer@example.org")

    response = instructor_client.post(
        roster_url(course, "enroll/"), {"email": "newcomer@example.org", "next": "https://evil.example/"}
    )

    assert response["Location"] == roster_url(course)


def test_instructor_drops_an_active_learner_who_keeps_their_progress(instructor_client, built, course, student):
    enrollment, _ = services.enrollment_create(user=student, course=course)
    services.lesson_complete(user=student, lesson=built.lessons[0])

    response = instructor_client.post(roster_url(course, f"drop/{enrollment.pk}/"))

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.completed_lessons) == ("dropped", 1)
    assert any("was dropped" in message for message in messages_of(response))


def test_dropping_a_dropped_enrollment_shows_the_domain_error(instructor_client, course, student):
    enrollment, _ = services.enrollment_create(user=student, course=course)
    services.enrollment_drop(enrollment=enrollment)

    response = instructor_client.post(roster_url(course, f"drop/{enrollment.pk}/"))

    assert messages_of(response) == [f"{student.email} was not dropped: Only an active enrollment can be dropped."]


def test_drop_gives_the_seat_to_the_waitlist(instructor_client, make_course, instructor, student, other_student):
    full = make_course(instructors=[instructor], capacity=1).course
    enrollment, _ = services.enrollment_create(user=student, course=full)
    services.waitlist_join(user=other_student, course=full)

    instructor_client.post(roster_url(full, f"drop/{enrollment.pk}/"))

    assert Enrollment.objects.get(user=other_student, course=full).source == Enrollment.Source.WAITLIST


def test_drop_needs_a_post(instructor_client, course, student):
    enrollment, _ = services.enrollment_create(user=student, course=course)

    assert instructor_client.get(roster_url(course, f"drop/{enrollment.pk}/")).status_code == 405
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_an_enrollment_of_another_course_cannot_be_dropped_through_this_roster(
    instructor_client, make_course, course, student
):
    elsewhere = make_course().course
    enrollment, _ = services.enrollment_create(user=student, course=elsewhere)

    response = instructor_client.post(roster_url(course, f"drop/{enrollment.pk}/"))

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_staff_enroll_and_drop_are_recorded_for_the_audit_log(instructor_client, course, instructor, caplog):
    newcomer = learner("newcomer@example.org")
    caplog.set_level("INFO", logger="learning.admin_views")

    instructor_client.post(roster_url(course, "enroll/"), {"email": newcomer.email})
    enrollment = Enrollment.objects.get(user=newcomer)
    instructor_client.post(roster_url(course, f"drop/{enrollment.pk}/"))

    records = [(r.action, r.actor, r.enrollment) for r in caplog.records if hasattr(r, "action")]
    assert records == [("enroll", instructor.pk, enrollment.pk), ("drop", instructor.pk, enrollment.pk)]
