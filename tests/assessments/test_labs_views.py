"""The learner's lab page: instructions, environment, seed, flags, the flag form, hints."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import LabCompletion, LabHintUnlock, LabSubmission
from learning import services as learning_services
from tests.assessments.builders import build_lab, place

STATIC = "FLAG{static}"


@pytest.fixture
def lab_page(make_course, student, client):
    built = make_course(modules=1, lessons=1)
    lab = build_lab(
        title="Find the open port",
        hints=(("Try the top 1000 ports.", 5), ("Free nudge.", 0)),
        environment_url="https://labs.example.org/port-scan",
        show_seed=True,
    )
    lesson = place(built.lessons[0], lab)
    learning_services.enrollment_create(user=student, course=built.course)
    client.force_login(student)
    return client, lab, lesson


def page_url(lab, lesson=None):
    url = reverse("assessments:lab", args=[lab.pk])
    return f"{url}?lesson={lesson.pk}" if lesson else url


def post_flag(client, lab, lesson, text):
    return client.post(reverse("assessments:lab-flag", args=[lab.pk]), {"flag": text, "lesson": lesson.pk})


def test_the_lab_page_shows_the_lab_to_an_enrolled_learner(lab_page, student):
    client, lab, lesson = lab_page
    response = client.get(page_url(lab, lesson))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Find the open port" in html and "Capture the flags." in html and "Root flag" in html
    assert 'href="https://labs.example.org/port-scan" target="_blank" rel="noopener noreferrer"' in html
    assert "(opens in a new tab)" in html
    assert lab.seed_for(student) in html
    assert f'href="{lesson.url}"' in html
    assert "costs 5 points" in html and "Try the top 1000 ports." not in html
    assert 'name="flag"' in html and "Not captured yet" in html


def test_the_page_never_shows_the_secret_or_a_digest(lab_page):
    client, lab, lesson = lab_page
    html = client.get(page_url(lab, lesson)).content.decode()
    assert lab.secret not in html and lab.flags.get().flag_digest not in html and STATIC not in html


def test_the_seed_is_hidden_when_the_lab_does_not_show_it(lab_page, student):
    client, lab, lesson = lab_page
    lab.show_seed = False
    lab.save()
    assert lab.seed_for(student) not in client.get(page_url(lab, lesson)).content.decode()


def test_the_page_works_without_the_lesson_parameter(lab_page):
    client, lab, _ = lab_page
    assert client.get(page_url(lab)).status_code == 200


def test_a_learner_not_enrolled_gets_404(lab_page, other_student):
    client, lab, lesson = lab_page
    client.force_login(other_student)
    assert client.get(page_url(lab, lesson)).status_code == 404
    assert post_flag(client, lab, lesson, STATIC).status_code == 404
    assert not LabSubmission.objects.exists()


def test_a_lesson_that_does_not_hold_the_lab_gets_404(lab_page, make_course):
    client, lab, _ = lab_page
    other_lesson = make_course(modules=1, lessons=1).lessons[0]
    assert client.get(page_url(lab, other_lesson)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(lab_page, client):
    _, lab, lesson = lab_page
    client.logout()
    response = client.get(page_url(lab, lesson))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_right_flag_is_captured_and_completes_the_lab(lab_page):
    client, lab, lesson = lab_page
    response = post_flag(client, lab, lesson, STATIC)
    assert response.status_code == 302 and response["Location"] == page_url(lab, lesson)
    page = client.get(response["Location"]).content.decode()
    assert "Flag captured" in page and "You completed the lab with 10 of 10 points" in page
    assert "Captured" in page and "Completed" in page and 'name="flag"' not in page
    assert LabCompletion.objects.filter(lab=lab).count() == 1


def test_a_wrong_flag_is_shown_as_an_error_on_the_field(lab_page):
    client, lab, lesson = lab_page
    response = post_flag(client, lab, lesson, "FLAG{nope}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "That is not a flag of this lab" in html and 'aria-invalid="true"' in html
    assert LabSubmission.objects.get().correct is False


def test_an_empty_flag_is_refused(lab_page):
    client, lab, lesson = lab_page
    response = post_flag(client, lab, lesson, "")
    assert response.status_code == 400 and "Type the flag you found." in response.content.decode()


def test_too_many_tries_answer_429_with_the_wait(lab_page, student):
    client, lab, lesson = lab_page
    lab.max_tries_per_minute = 2
    lab.save()
    enrollment = student.enrollments.get()
    now = timezone.now()
    LabSubmission.objects.bulk_create(
        LabSubmission(user=student, lab=lab, enrollment=enrollment, submitted_digest="x", submitted_at=now - delay)
        for delay in (timedelta(seconds=20), timedelta(seconds=5))
    )
    response = post_flag(client, lab, lesson, STATIC)
    assert response.status_code == 429
    assert 39 <= int(response["Retry-After"]) <= 40
    assert "Too many flag tries. Try again in" in response.content.decode()
    assert "No tries left this minute" in response.content.decode()


def test_opening_a_hint_shows_its_text(lab_page):
    client, lab, lesson = lab_page
    hint = lab.hints.get(cost=5)
    response = client.post(reverse("assessments:lab-hint", args=[lab.pk, hint.pk]), {"lesson": lesson.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"#hint-{hint.pk}")
    page = client.get(page_url(lab, lesson)).content.decode()
    assert "Try the top 1000 ports." in page and "5 off for hints" in page
    assert LabHintUnlock.objects.count() == 1


def test_a_hint_of_another_lab_gets_404(lab_page):
    client, lab, lesson = lab_page
    other = build_lab(title="Other", hints=(("Elsewhere.", 1),))
    response = client.post(reverse("assessments:lab-hint", args=[lab.pk, other.hints.get().pk]), {"lesson": lesson.pk})
    assert response.status_code == 404
