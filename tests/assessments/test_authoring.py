"""Instructors build quizzes in the Wagtail snippet editor: drafts, publishing, validation."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from assessments.models import Quiz


def _list_block(values):
    data = {"count": str(len(values))}
    for index, value in enumerate(values):
        data[str(index)] = {"value": value, "deleted": "", "order": str(index), "id": ""}
    return data


def _quiz_form(*, title="Ports quiz", single_choice_correct=(True, False), extra=None):
    choices = _list_block(
        [
            {"text": f"choice {n}", "correct": "on" if correct else "", "feedback": ""}
            for n, correct in enumerate(single_choice_correct)
        ]
    )
    question_base = {
        "prompt": rich_text("<p>Which port does SSH use?</p>"),
        "points": "2",
        "feedback_correct": "",
        "feedback_incorrect": "",
    }
    data = nested_form_data(
        {
            "title": title,
            "description": rich_text(""),
            "pass_mark_percent": "70",
            "score_policy": "highest",
            "show_answers": "after_submit",
            "counts_toward_completion": "on",
            "integrity_statement": "I will work alone.",
            "questions": streamfield(
                [
                    ("single_choice", {**question_base, "choices": choices}),
                    ("true_false", {**question_base, "correct": "false"}),
                ]
            ),
        }
    )
    data.update(extra or {})
    return data


def test_an_instructor_saves_a_quiz_draft_and_publishes_it(client, instructor):
    client.force_login(instructor)
    add_url = reverse("wagtailsnippets_assessments_quiz:add")
    assert client.get(add_url).status_code == 200

    response = client.post(add_url, _quiz_form())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    quiz = Quiz.objects.get(title="Ports quiz")
    assert not quiz.live
    assert [block.block_type for block in quiz.questions] == ["single_choice", "true_false"]

    edit_url = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])
    response = client.post(edit_url, _quiz_form(extra={"action-publish": "action-publish"}))
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.live and quiz.live_revision_id


def test_a_single_choice_question_needs_exactly_one_correct_choice(client, instructor):
    client.force_login(instructor)
    response = client.post(
        reverse("wagtailsnippets_assessments_quiz:add"), _quiz_form(single_choice_correct=(True, True))
    )
    assert response.status_code == 200
    assert not Quiz.objects.exists()
    assert b"Mark exactly one choice as correct." in response.content


def test_a_student_cannot_open_the_quiz_editor(client, student):
    client.force_login(student)
    response = client.get(reverse("wagtailsnippets_assessments_quiz:add"))
    assert response.status_code in (302, 403)
    assert not Quiz.objects.exists()


def test_only_a_quizs_authors_may_edit_it(client, make_course, instructor, other_instructor, administrator):
    from tests.assessments.builders import build_quiz, place

    quiz = build_quiz(title="Final exam key", owner=instructor)
    edit_url = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])

    client.force_login(other_instructor)
    refused = client.post(edit_url, _quiz_form(title="Tampered", extra={"action-publish": "action-publish"}))
    assert refused.status_code in (302, 403)
    assert Quiz.objects.get(pk=quiz.pk).title == "Final exam key"

    for author in (instructor, administrator):
        client.force_login(author)
        assert client.get(edit_url).status_code == 200

    # Teaching a course that uses the quiz makes another instructor one of its authors.
    place(make_course(modules=1, lessons=1, instructors=[other_instructor]).lessons[0], quiz)
    client.force_login(other_instructor)
    assert client.get(edit_url).status_code == 200


def test_the_creator_of_a_quiz_owns_it(client, instructor):
    client.force_login(instructor)
    client.post(reverse("wagtailsnippets_assessments_quiz:add"), _quiz_form(title="Mine"))
    assert Quiz.objects.get(title="Mine").owner == instructor


def test_no_admin_view_shows_a_quiz_to_an_instructor_who_may_not_author_it(client, instructor, other_instructor):
    """Every snippet view that shows or changes a quiz's content (an exam key) refuses a non-author."""
    from tests.assessments.builders import build_quiz, question, quiz_update

    quiz = build_quiz(questions=[question("short_answer", accepted_answers=["secret-key-answer"])], owner=instructor)
    quiz_update(quiz, title="Second version")
    revision = quiz.latest_revision
    namespace = "wagtailsnippets_assessments_quiz"
    urls = [
        reverse(f"{namespace}:{name}", args=[quiz.pk])
        for name in ("edit", "copy", "delete", "unpublish", "lock", "unlock")
    ] + [
        reverse(f"{namespace}:revisions_compare", args=[quiz.pk, "earliest", "live"]),
        reverse(f"{namespace}:revisions_revert", args=[quiz.pk, revision.pk]),
        reverse(f"{namespace}:revisions_unschedule", args=[quiz.pk, revision.pk]),
    ]
    client.force_login(other_instructor)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert b"secret-key-answer" not in response.content, url
    client.force_login(instructor)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[-3]).status_code == 200  # the author compares revisions
