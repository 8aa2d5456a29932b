"""Family A: what is not published (or not yet released to the learner) never reaches a learner.

Unpublished pages, a draft revision of a published lesson, previews, private (restricted) pages
and hidden grades, checked through every way out: the page itself, /api/v1/, Wagtail's
/api/v2/pages/ and site search. Each test plants a canary string where only staff may see it.
"""

import json
from datetime import timedelta

from django.utils import timezone
from wagtail.models import PageViewRestriction

from assessments import services as assessment_services
from courses.models import LessonPage
from tests.assessments.builders import build_quiz, place, question
from tests.factories import LessonPageFactory

CANARY = "zqxcanary"
# What is planted (a search page echoes the query, so the bare canary word may appear there).
PLANTED = (f"Lesson {CANARY}", f"Title {CANARY}", f"Body {CANARY}", f"Course {CANARY}")


def _leaked(text: str) -> list[str]:
    return [planted for planted in PLANTED if planted in text]


def _everywhere(client, *, course_id, page_id=None) -> str:
    """Everything a learner can fetch that could show page content, as one string."""
    urls = [
        f"/search/?q={CANARY}",
        f"/api/v1/courses/{course_id}/",
        f"/api/v1/courses/?q={CANARY}",
        f"/api/v2/pages/?search={CANARY}",
        "/api/v2/pages/?type=courses.LessonPage&fields=title&limit=100",
        f"/api/v2/pages/{course_id}/",
    ]
    if page_id is not None:
        urls.append(f"/api/v2/pages/{page_id}/")
    seen = []
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        seen.append(response.content.decode())
    return "\n".join(seen)


def test_unpublished_lesson_reaches_no_learner(world, client_for):
    module = world.objects["lesson"].get_parent()
    draft = LessonPageFactory.build(title=f"Lesson {CANARY}", slug=f"{CANARY}-lesson", live=False)
    module.add_child(instance=draft)
    draft.save_revision()
    for role in ("anonymous", "student"):
        client = client_for(role)
        assert client.get(draft.url or f"/courses/matrix-course/{CANARY}-lesson/").status_code == 404
        assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
        assert not _leaked(_everywhere(client, course_id=world.ids["course"], page_id=draft.pk)), role


def test_draft_of_a_published_lesson_stays_unseen(world, client_for):
    lesson = LessonPage.objects.get(pk=world.ids["lesson"])
    live_url = lesson.url
    lesson.title = f"Title {CANARY}"
    lesson.body = [("paragraph", f"<p>Body {CANARY}</p>")]
    lesson.save_revision()  # a newer revision, not published
    for role in ("anonymous", "student"):
        client = client_for(role)
        page = client.get(live_url)
        assert page.status_code == 200
        assert not _leaked(page.content.decode()), f"{role} saw the draft on the page"
        assert not _leaked(_everywhere(client, course_id=world.ids["course"], page_id=lesson.pk)), role
    # The canary really is in the draft (the latest revision), so its absence above means something.
    assert CANARY in LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().title


def test_previews_are_for_editors_only(world, client_for):
    lesson_id = world.ids["lesson"]
    for role, expected in (
        ("anonymous", "/admin/login/"),
        ("student", "/admin/login/"),
        ("corporate", "/admin/login/"),
    ):
        response = client_for(role).get(f"/admin/pages/{lesson_id}/edit/preview/")
        assert response.status_code == 302 and response["Location"].startswith(expected), role
    response = client_for("other_instructor").get(f"/admin/pages/{lesson_id}/edit/preview/")
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


def test_private_pages_stay_private(world, client_for):
    course = world.objects["other_course"]
    course.title = f"Course {CANARY}"
    course.save_revision().publish()
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    for role in ("anonymous", "student"):
        client = client_for(role)
        page = client.get(course.url)
        assert not _leaked(page.content.decode()) or page.status_code != 200
        assert client.get(f"/api/v2/pages/{course.pk}/").status_code == 404
        text = "\n".join(
            client.get(url).content.decode()
            for url in (f"/search/?q={CANARY}", f"/api/v2/pages/?search={CANARY}", "/api/v2/pages/?limit=100")
        )
        assert not _leaked(text), role


def test_v2_pages_api_exposes_no_draft_fields(world, client_for):
    lesson = world.objects["lesson"]
    body = json.loads(client_for("anonymous").get(f"/api/v2/pages/{lesson.pk}/?fields=*").content)
    leaked = {"latest_revision", "has_unpublished_changes", "draft_title", "body"} & set(body)
    assert not leaked, f"/api/v2/pages/ shows {leaked}"
    meta = body.get("meta", {})
    assert not {"latest_revision_created_at", "locked", "owner"} & set(meta)


def test_answers_stay_hidden_until_the_quiz_shows_them(world, client_for):
    quiz = build_quiz(
        title="Never shows answers",
        show_answers="never",
        questions=[question("single_choice", block_id="q1")],
    )
    lesson = LessonPage.objects.get(pk=world.ids["lesson"])
    place(lesson, quiz)
    attempt, _ = assessment_services.attempt_start(user=world.users["student"], quiz=quiz, lesson_id=lesson.pk)
    assessment_services.attempt_submit(attempt=attempt, answers={})
    data = json.loads(client_for("student").get(f"/api/v1/attempts/{attempt.pk}/").content)["data"]
    assert data["answers_visible"] is False
    for q in data["questions"]:
        assert "correct_answer" not in q and "feedback" not in q, q
        assert all("correct" not in choice for choice in q.get("choices", [])), q


def test_essay_points_stay_hidden_until_grading_completes(world, client_for):
    now = timezone.now()
    exam = build_quiz(
        title="Two essays",
        owner=world.users["instructor"],
        available_from=now - timedelta(hours=1),
        questions=[question("essay", block_id="e1", points=5), question("essay", block_id="e2", points=5)],
    )
    lesson = LessonPage.objects.get(pk=world.ids["lesson"])
    place(lesson, exam)
    attempt, _ = assessment_services.attempt_start(user=world.users["student"], quiz=exam, lesson_id=lesson.pk)
    attempt = assessment_services.attempt_submit(attempt=attempt, answers={"e1": "one", "e2": "two"})
    attempt = assessment_services.attempt_grade_essay(
        attempt=attempt, question_id="e1", points=4, by=world.users["instructor"]
    )
    assert attempt.status == attempt.Status.NEEDS_GRADING  # one essay still to grade
    client = client_for("student")
    data = json.loads(client.get(f"/api/v1/attempts/{attempt.pk}/").content)["data"]
    # No verdict before grading completes, and the essay still to grade earns nothing yet.
    # (The product shows the "score so far", including essays graded so far: see the report.)
    assert data["status"] == "needs_grading" and data["passed"] is None, data
    pending = next(q for q in data["questions"] if q["id"] == "e2")
    assert pending["status"] == "needs_grading" and pending.get("score") in (None, "0.00"), pending
    grades = json.loads(client.get("/api/v1/grades/").content)
    assert '"passed": true' not in json.dumps(grades)
