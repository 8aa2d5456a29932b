"""Labs API v1: the learner's lab state, flag tries (429 with Retry-After), hints."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import LabCompletion, LabSubmission
from learning import services as learning_services
from tests.assessments.builders import build_lab, place
from tests.learning.clients import jwt_client, session_client

STATIC = "FLAG{static}"


@pytest.fixture
def lab_setup(make_course, student, other_student):
    """A lab with a static flag, a per-learner flag and two hints; both students enrolled."""
    built = make_course(modules=1, lessons=1)
    lab = build_lab(per_learner=1, show_seed=True, hints=(("Check the banner.", 4), ("Free.", 0)))
    lesson = place(built.lessons[0], lab)
    for user in (student, other_student):
        learning_services.enrollment_create(user=user, course=built.course)
    return lab, lesson


def flags_url(lab):
    return reverse("api-v1:lab-flags", args=[lab.pk])


def submit(client, lab, text, **extra):
    return client.post(flags_url(lab), {"flag": text, **extra}, format="json")


def test_the_lab_state_lists_flags_hints_and_the_seed(lab_setup, student):
    lab, lesson = lab_setup
    response = session_client(student).get(reverse("api-v1:lab-detail", args=[lab.pk]), {"lesson": lesson.pk})
    assert response.status_code == 200
    body = response.json()
    data = body["data"]
    assert body["status"] == "success" and "request_id" in body["meta"]
    assert data["title"] == lab.title and "<p>Capture the flags.</p>" in data["instructions"]
    assert data["seed"] == lab.seed_for(student) and data["environment_url"] is None
    assert [(f["label"], f["points"], f["captured"]) for f in data["flags"]] == [
        ("Root flag", 10, False),
        ("Your flag 1", 10, False),
    ]
    assert [(h["number"], h["cost"], h["opened"], h["text"]) for h in data["hints"]] == [
        (1, 4, False, None),
        (2, 0, False, None),
    ]
    assert data["lesson"]["id"] == lesson.pk and data["completed"] is False and data["score"] is None
    assert data["tries_left"] == lab.max_tries_per_minute


def test_the_lab_state_reveals_no_secret_digest_or_key(lab_setup, student):
    lab, _ = lab_setup
    raw = session_client(student).get(reverse("api-v1:lab-detail", args=[lab.pk])).content.decode()
    for flag in lab.flags.all():
        assert flag.key not in raw
        if flag.flag_digest:
            assert flag.flag_digest not in raw
    assert lab.secret not in raw


def test_a_right_flag_is_captured(lab_setup, student):
    lab, _ = lab_setup
    response = submit(jwt_client(student), lab, f" {STATIC} ")
    data = response.json()["data"]
    assert response.status_code == 200
    assert data["correct"] is True and data["flag"]["label"] == "Root flag"
    assert data["already_captured"] is False and data["lab_completed"] is False and data["score"] is None


def test_a_wrong_flag_is_not_an_error(lab_setup, student):
    lab, _ = lab_setup
    data = submit(session_client(student), lab, "FLAG{nope}").json()["data"]
    assert data == {
        "correct": False,
        "flag": None,
        "already_captured": False,
        "lab_completed": False,
        "score": None,
        "max_score": 20,
    }


def test_per_learner_flags_do_not_transfer(lab_setup, student, other_student):
    lab, _ = lab_setup
    own_flag = lab.learner_flag(lab.flags.get(kind="per_learner"), student)
    assert submit(session_client(other_student), lab, own_flag).json()["data"]["correct"] is False
    assert submit(session_client(student), lab, own_flag).json()["data"]["correct"] is True


def test_capturing_every_flag_completes_the_lab_with_the_hint_cost_taken_off(lab_setup, student):
    lab, _ = lab_setup
    client = session_client(student)
    hint = lab.hints.get(cost=4)
    opened = client.post(reverse("api-v1:lab-hint", args=[lab.pk, hint.pk]), {}, format="json")
    assert opened.status_code == 200 and opened.json()["data"]["text"] == "Check the banner."
    submit(client, lab, STATIC)
    data = submit(client, lab, lab.learner_flag(lab.flags.get(kind="per_learner"), student)).json()["data"]
    assert data["lab_completed"] is True and (data["score"], data["max_score"]) == (16, 20)
    again = submit(client, lab, STATIC).json()["data"]
    assert again["already_captured"] is True and again["score"] == 16
    assert LabCompletion.objects.count() == 1
    state = client.get(reverse("api-v1:lab-detail", args=[lab.pk])).json()["data"]
    assert state["completed"] is True and state["score"] == 16 and all(f["captured"] for f in state["flags"])


def test_too_many_tries_answer_429_with_retry_after(lab_setup, student):
    lab, _ = lab_setup
    lab.max_tries_per_minute = 1
    lab.save()
    client = session_client(student)
    submit(client, lab, "FLAG{first}")
    response = submit(client, lab, STATIC)
    assert response.status_code == 429
    assert 59 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["status"] == "error" and body["errors"][0]["code"] == "too_many_tries"
    assert LabSubmission.objects.count() == 1


def test_the_limit_frees_up_after_a_minute(lab_setup, student):
    lab, _ = lab_setup
    lab.max_tries_per_minute = 1
    lab.save()
    LabSubmission.objects.create(
        user=student,
        lab=lab,
        enrollment=student.enrollments.get(),
        submitted_digest="x",
        submitted_at=timezone.now() - timedelta(seconds=61),
    )
    assert submit(session_client(student), lab, STATIC).status_code == 200


def test_a_blank_flag_is_a_field_error(lab_setup, student):
    lab, _ = lab_setup
    response = submit(session_client(student), lab, "   ")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "flag"


def test_a_learner_not_enrolled_gets_404(lab_setup, make_course):
    from tests.factories import UserFactory

    lab, _ = lab_setup
    outsider = session_client(UserFactory(roles=["Student"]))
    for response in (
        outsider.get(reverse("api-v1:lab-detail", args=[lab.pk])),
        submit(outsider, lab, STATIC),
        outsider.post(reverse("api-v1:lab-hint", args=[lab.pk, lab.hints.first().pk]), {}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"
    assert not LabSubmission.objects.exists()


def test_an_anonymous_caller_is_refused(lab_setup, api_client):
    lab, _ = lab_setup
    assert submit(api_client, lab, STATIC).status_code == 401


def test_a_hint_opens_once_and_a_hint_of_another_lab_is_404(lab_setup, student):
    lab, _ = lab_setup
    client = session_client(student)
    hint = lab.hints.get(cost=0)
    url = reverse("api-v1:lab-hint", args=[lab.pk, hint.pk])
    first, second = client.post(url, {}, format="json"), client.post(url, {}, format="json")
    assert (
        first.json()["data"]
        == second.json()["data"]
        == {
            "id": hint.pk,
            "number": 2,
            "cost": 0,
            "opened": True,
            "text": "Free.",
        }
    )
    other = build_lab(title="Other", hints=(("Elsewhere.", 1),))
    assert client.post(reverse("api-v1:lab-hint", args=[lab.pk, other.hints.get().pk])).status_code == 404


def test_the_schema_documents_the_lab_endpoints(api_client):
    schema = api_client.get(reverse("api-v1:schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert {"/api/v1/labs/{id}/", "/api/v1/labs/{id}/flags/", "/api/v1/labs/{id}/hints/{hint_id}/"} <= set(paths)
    assert "429" in paths["/api/v1/labs/{id}/flags/"]["post"]["responses"]
