"""Course editions: copying a course in the admin starts a draft next edition; publishing it
archives the old one, whose learners keep it with their progress, while new enrollments and
the catalog move to the new edition."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text

from courses.editions import course_edition_published
from courses.models import CoursePage, LearningPath, LearningPathStep, LessonPage, ModulePage
from courses.selectors import catalog_courses, course_outline
from learning import services
from learning.exceptions import AlreadyEnrolled
from learning.models import Enrollment, LessonProgress, PathEnrollment

pytestmark = pytest.mark.django_db

NEW_SLUG = "network-defense-2027"


def copy_in_admin(client, course, *, slug=NEW_SLUG, title="Network Defense (2027)", subpages=True):
    data = {"new_title": title, "new_slug": slug, "new_parent_page": course.get_parent().pk}
    if subpages:
        data["copy_subpages"] = "on"
    return client.post(f"/admin/pages/{course.pk}/copy/", data)


def publish_in_admin(client, course, instructors):
    """Publish the course through the page editor, as an instructor would."""
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "description": rich_text(course.description),
            "level": course.level,
            "estimated_hours": course.estimated_hours,
            "price": "0",
            "instructors": [user.pk for user in instructors],
            "action-publish": "action-publish",
        }
    )
    response = client.post(f"/admin/pages/{course.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def old(make_course, instructor):
    return make_course(modules=2, lessons=2, instructors=[instructor])


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def new_edition_of(course) -> CoursePage:
    return CoursePage.objects.get(previous_edition=course)


def test_instructor_opens_the_copy_form_of_their_course(instructor_client, old):
    response = instructor_client.get(f"/admin/pages/{old.course.pk}/copy/")

    assert response.status_code == 200
    assert 'name="new_slug"' in response.content.decode()


def test_instructor_copies_their_course_as_a_draft_next_edition(instructor_client, old, instructor):
    response = copy_in_admin(instructor_client, old.course)

    new = new_edition_of(old.course)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{new.pk}/edit/"
    assert (new.edition, new.slug, new.archived, new.live) == (2, NEW_SLUG, False, False)
    assert new.get_parent().pk == old.course.get_parent().pk
    assert list(new.instructors.all()) == [instructor]
    assert ModulePage.objects.child_of(new).count() == 2
    assert LessonPage.objects.descendant_of(new).count() == 4
    assert not LessonPage.objects.descendant_of(new).live().exists()


def test_the_instructor_edits_the_new_edition_and_no_other_instructor_does(
    instructor_client, old, instructor, other_instructor
):
    copy_in_admin(instructor_client, old.course)
    new = new_edition_of(old.course)

    assert new.permissions_for_user(instructor).can_publish()
    assert not new.permissions_for_user(other_instructor).can_edit()
    assert instructor_client.get(f"/admin/pages/{new.pk}/edit/").status_code == 200


def test_another_instructor_cannot_copy_the_course(client, old, other_instructor):
    client.force_login(other_instructor)

    response = copy_in_admin(client, old.course)

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not CoursePage.objects.filter(previous_edition=old.course).exists()


def test_an_instructors_copy_needs_a_new_slug(instructor_client, old):
    response = copy_in_admin(instructor_client, old.course, slug=old.course.slug)

    assert response.status_code == 200
    assert "new_slug" in response.context["form"].errors
    assert not CoursePage.objects.filter(previous_edition=old.course).exists()


def test_an_instructors_copy_stays_a_draft_next_to_the_course(instructor_client, old, home_page):
    data = {
        "new_title": "Elsewhere",
        "new_slug": NEW_SLUG,
        "new_parent_page": home_page.pk,
        "copy_subpages": "on",
        "publish_copies": "on",
    }

    instructor_client.post(f"/admin/pages/{old.course.pk}/copy/", data)

    new = new_edition_of(old.course)
    assert new.get_parent().pk == old.course.get_parent().pk
    assert not new.live and not LessonPage.objects.descendant_of(new).live().exists()


def test_administrator_copies_through_wagtails_own_copy_view(client, old, administrator):
    client.force_login(administrator)

    response = copy_in_admin(client, old.course)

    new = new_edition_of(old.course)
    assert response.status_code == 302
    assert (new.edition, new.archived, new.live) == (2, False, False)
    assert LessonPage.objects.descendant_of(new).count() == 4


def test_a_copy_of_the_second_edition_is_the_third(instructor_client, old):
    copy_in_admin(instructor_client, old.course)
    second = new_edition_of(old.course)

    copy_in_admin(instructor_client, second, slug="network-defense-2028")

    third = new_edition_of(second)
    assert (third.edition, third.previous_edition_id) == (3, second.pk)


def test_publishing_the_new_edition_archives_the_old_one(instructor_client, old, instructor):
    copy_in_admin(instructor_client, old.course)

    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    previous = CoursePage.objects.get(pk=old.course.pk)
    assert (new.live, new.edition, new.previous_edition_id, new.archived) == (True, 2, previous.pk, False)
    assert previous.archived and previous.live
    # Archived through a published revision, so publishing its latest revision keeps it archived.
    assert previous.live_revision_id == previous.latest_revision_id
    previous.get_latest_revision().publish()
    assert CoursePage.objects.get(pk=previous.pk).archived


def test_publishing_the_new_edition_publishes_the_modules_and_lessons_copied_with_it(
    instructor_client, old, instructor
):
    copy_in_admin(instructor_client, old.course)

    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    assert LessonPage.objects.descendant_of(new).live().count() == 4
    assert ModulePage.objects.child_of(new).live().count() == 2
    assert course_outline(new).lesson_count == 4


def test_a_lesson_left_as_a_draft_after_the_first_publish_stays_a_draft(instructor_client, old, instructor):
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])
    module = ModulePage.objects.child_of(new).first()
    draft = module.add_child(instance=LessonPage(title="Coming soon", slug="coming-soon", live=False))

    publish_in_admin(instructor_client, new, [instructor])

    draft.refresh_from_db()
    assert not draft.live


def test_publishing_the_new_edition_again_changes_nothing_more(instructor_client, old, instructor):
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])
    revision_after_archive = CoursePage.objects.get(pk=old.course.pk).latest_revision_id

    publish_in_admin(instructor_client, new, [instructor])

    assert course_edition_published(course=new) is None
    assert CoursePage.objects.get(pk=old.course.pk).latest_revision_id == revision_after_archive


def test_learners_of_the_old_edition_keep_it_with_their_progress(instructor_client, old, instructor, student, client):
    enrollment, _ = services.enrollment_create(user=student, course=old.course)
    first_lesson, second_lesson = old.lessons[0], old.lessons[1]
    services.lesson_complete(user=student, lesson=second_lesson)
    copy_in_admin(instructor_client, old.course)
    publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    client.force_login(student)
    response = client.get(second_lesson.url)

    assert response.status_code == 200
    assert client.get(first_lesson.url).status_code == 200
    enrollment.refresh_from_db()
    assert (enrollment.course_id, enrollment.status, enrollment.completed_lessons) == (old.course.pk, "active", 1)
    assert LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).count() == 1


def test_a_new_enrollment_on_the_old_course_lands_in_the_new_edition(instructor_client, old, instructor, other_student):
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    enrollment, created = services.enrollment_create(user=other_student, course=old.course)

    assert created and enrollment.course_id == new.pk


def test_enrollment_stays_in_the_old_edition_until_the_new_one_is_published(instructor_client, old, other_student):
    copy_in_admin(instructor_client, old.course)

    enrollment, _ = services.enrollment_create(user=other_student, course=old.course)

    assert enrollment.course_id == old.course.pk


def test_the_catalog_lists_only_the_newest_edition(instructor_client, old, instructor, client, catalog):
    copy_in_admin(instructor_client, old.course)
    assert list(catalog_courses().values_list("pk", flat=True)) == [old.course.pk]
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    assert list(catalog_courses().values_list("pk", flat=True)) == [new.pk]
    client.logout()
    response = client.get(catalog.url)
    assert response.status_code == 200
    assert [course.pk for course in response.context["courses"]] == [new.pk]


def test_the_archived_edition_points_its_learners_to_the_new_one(instructor_client, old, instructor, student, client):
    services.enrollment_create(user=student, course=old.course)
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    client.force_login(student)
    response = client.get(old.course.url)

    assert response.status_code == 200
    assert new.url in response.content.decode()


def test_edition_notice_tells_enrolled_learners_they_keep_the_old_edition(old, student, rf):
    from django.template.loader import render_to_string

    from learning.templatetags.learning_tags import LearnerCourse

    enrollment, _ = services.enrollment_create(user=student, course=old.course)
    progress = type("Progress", (), {"enrollment": enrollment, "completed_ids": set()})()
    enrolled = LearnerCourse(state="enrolled", progress=progress, newer_edition_url="/courses/new/")
    visitor = LearnerCourse(state="newer_edition", newer_edition_url="/courses/new/")

    enrolled_html = render_to_string("learning/includes/edition_notice.html", {"learner": enrolled})
    visitor_html = render_to_string("learning/includes/edition_notice.html", {"learner": visitor})

    assert "keep it, with your progress" in enrolled_html and 'href="/courses/new/"' in enrolled_html
    assert "open for enrollment" in visitor_html and "keep it" not in visitor_html
    assert render_to_string("learning/includes/edition_notice.html", {"learner": None}).strip() == ""


def test_deleting_the_old_edition_keeps_the_new_edition(instructor_client, old, instructor):
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    Page.objects.get(pk=old.course.pk).delete()

    new.refresh_from_db()
    assert new.previous_edition_id is None and new.live


def test_a_learner_of_the_old_edition_enrolling_again_keeps_one_enrollment(instructor_client, old, instructor, student):
    """Idempotent across editions: the same enroll request after the new edition is published
    answers the learner's enrollment in the old edition, from either edition's page."""
    enrollment, _ = services.enrollment_create(user=student, course=old.course)
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    again, created = services.enrollment_create(user=student, course=old.course)
    from_new_page, created_there = services.enrollment_create(user=student, course=new)

    assert (again.pk, created) == (enrollment.pk, False)
    assert (from_new_page.pk, created_there) == (enrollment.pk, False)
    assert Enrollment.objects.filter(user=student).count() == 1


def test_a_learner_of_the_old_edition_cannot_queue_for_the_new_one(instructor_client, old, instructor, student):
    services.enrollment_create(user=student, course=old.course)
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])
    CoursePage.objects.filter(pk=new.pk).update(capacity=0)

    with pytest.raises(AlreadyEnrolled):
        services.waitlist_join(user=student, course=new)


def test_the_new_edition_page_sends_a_learner_of_the_old_one_back_to_it(
    instructor_client, old, instructor, student, client
):
    services.enrollment_create(user=student, course=old.course, source=Enrollment.Source.SELF)
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    client.force_login(student)
    html = client.get(new.url).content.decode()

    assert 'data-state="other_edition"' in html
    assert "You are enrolled in edition 1 of this course" in html
    assert f'href="{old.course.url}"' in html
    assert 'data-testid="enroll-button"' not in html
    response = client.post(f"/learning/courses/{new.pk}/enroll/", {"next": new.url})
    assert response.status_code == 302 and response.url == old.course.url
    assert Enrollment.objects.filter(user=student).count() == 1


def test_a_path_naming_the_old_edition_follows_its_learners_into_the_new_one(
    instructor_client, old, instructor, student, client, make_course, django_capture_on_commit_callbacks
):
    """The path still names the first edition; joining it enrolls in the newest edition, the
    path shows that course as enrolled, and completing it unlocks the next course."""
    following = make_course(modules=1, lessons=1)
    path = LearningPath.objects.create(title="Track", slug="track", summary="Two courses.", sequential=True)
    LearningPathStep.objects.create(path=path, course=old.course, sort_order=0)
    LearningPathStep.objects.create(path=path, course=following.course, sort_order=1)
    copy_in_admin(instructor_client, old.course)
    new = publish_in_admin(instructor_client, new_edition_of(old.course), [instructor])

    services.path_enroll(user=student, path=path)
    services.path_enroll(user=student, path=path)
    [enrollment] = Enrollment.objects.filter(user=student)
    assert enrollment.course_id == new.pk
    client.force_login(student)
    html = client.get(path.get_absolute_url()).content.decode()
    assert html.count('data-state="enrolled"') == 1 and html.count('data-state="locked"') == 1

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in LessonPage.objects.live().descendant_of(new):
            services.lesson_complete(user=student, lesson=lesson)
    assert Enrollment.objects.filter(user=student, course=following.course, source=Enrollment.Source.PATH).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=student, lesson=following.lessons[0])
    assert PathEnrollment.objects.get(user=student, path=path).completed_at is not None
