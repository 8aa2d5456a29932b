"""Query budgets of the lab page, the lab API and a flag try: the same at 1 and at 20 flags and hints."""

import pytest
from django.urls import reverse

from assessments import lab_services
from learning import services as learning_services
from tests.assessments.builders import build_lab, place
from tests.learning.clients import session_client

# Session, user, lab, placement + enrollment, the six reads of lab_state_for, the lesson URL.
PAGE_BUDGET = 11
API_DETAIL_BUDGET = 10
# Session, user, lab, placement + enrollment, the enrollment lock, tries, flags, captured flags,
# the insert, the completion (and the transaction's savepoint).
FLAG_TRY_BUDGET = 13
# The last flag also sums the hint costs, writes the completion and reports to learning, which
# completes the lesson and the course: 40 today, 27 of them learning's (headroom for learning).
FLAG_COMPLETING_BUDGET = 45


def lab_of_size(make_course, student, size: int):
    built = make_course(modules=1, lessons=1)
    lab = build_lab(
        flags=[(f"Flag {n}", f"FLAG{{{n}}}") for n in range(size)],
        per_learner=size,
        hints=[(f"Hint {n}", n) for n in range(size)],
        show_seed=True,
    )
    lesson = place(built.lessons[0], lab)
    learning_services.enrollment_create(user=student, course=built.course)
    for hint in list(lab.hints.all())[: size // 2]:
        lab_services.lab_hint_unlock(user=student, lab=lab, hint=hint)
    return lab, lesson


SIZES = [1, 20]


@pytest.mark.parametrize("size", SIZES)
def test_the_lab_page_query_budget(size, make_course, student, client, django_assert_max_num_queries):
    lab, lesson = lab_of_size(make_course, student, size)
    lab_services.lab_flag_submit(user=student, lab=lab, text="FLAG{0}")
    client.force_login(student)
    url = f"{reverse('assessments:lab', args=[lab.pk])}?lesson={lesson.pk}"
    client.get(url)  # warm the site root paths cache
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_lab_api_query_budget(size, make_course, student, django_assert_max_num_queries):
    lab, lesson = lab_of_size(make_course, student, size)
    client = session_client(student)
    url = reverse("api-v1:lab-detail", args=[lab.pk])
    client.get(url)
    with django_assert_max_num_queries(API_DETAIL_BUDGET):
        response = client.get(url, {"lesson": lesson.pk})
    assert response.status_code == 200 and len(response.json()["data"]["flags"]) == 2 * size


@pytest.mark.parametrize("size", SIZES)
def test_a_flag_try_query_budget(size, make_course, student, django_assert_max_num_queries):
    lab, _ = lab_of_size(make_course, student, size)
    client = session_client(student)
    url = reverse("api-v1:lab-flags", args=[lab.pk])
    client.post(url, {"flag": "FLAG{warm-up}"}, format="json")
    with django_assert_max_num_queries(FLAG_TRY_BUDGET):
        response = client.post(url, {"flag": "FLAG{0}"}, format="json")
    assert response.json()["data"]["correct"] is True


@pytest.mark.parametrize("size", SIZES)
def test_a_completing_flag_try_query_budget(size, make_course, student, django_assert_max_num_queries):
    lab, _ = lab_of_size(make_course, student, size)
    lab.max_tries_per_minute = 0
    lab.save()
    flags = list(lab.flags.all())
    for flag in flags[1:]:
        text = lab.learner_flag(flag, student) if flag.kind == "per_learner" else f"FLAG{{{flag.label.split()[-1]}}}"
        lab_services.lab_flag_submit(user=student, lab=lab, text=text)
    client = session_client(student)
    url = reverse("api-v1:lab-flags", args=[lab.pk])
    client.post(url, {"flag": "FLAG{warm-up}"}, format="json")
    with django_assert_max_num_queries(FLAG_COMPLETING_BUDGET):
        response = client.post(url, {"flag": "FLAG{0}"}, format="json")
    assert response.json()["data"]["lab_completed"] is True
