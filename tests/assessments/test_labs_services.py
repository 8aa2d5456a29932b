"""Lab services: flags (static, per learner), tries and their limit, hints, completion."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assessments import lab_services
from assessments.exceptions import LabNotFound, TooManyTries
from assessments.lab_selectors import lab_state_for
from assessments.models import LabCompletion, LabFlag, LabHintUnlock, LabSubmission
from learning import services as learning_services
from learning.models import Enrollment, LessonProgress
from tests.assessments.builders import build_lab, place

STATIC = "FLAG{static}"


@pytest.fixture
def lab_course(make_course, student):
    """A two-lesson course whose last lesson holds a lab (one static flag, two hints); the student is enrolled."""
    built = make_course(modules=1, lessons=2)
    lab = build_lab(hints=(("Look in /etc.", 3), ("It is in /etc/flag.", 4)))
    lesson = place(built.lessons[1], lab)
    learning_services.enrollment_create(user=student, course=built.course)
    return built, lab, lesson


@pytest.fixture
def per_learner_lab(make_course, student, other_student):
    """A lab with one per-learner flag, both students enrolled."""
    built = make_course(modules=1, lessons=1)
    lab = build_lab(flags=(), per_learner=1, show_seed=True)
    place(built.lessons[0], lab)
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.enrollment_create(user=other_student, course=built.course)
    return lab, lab.flags.get()


def submit(user, lab, text, **kwargs):
    return lab_services.lab_flag_submit(user=user, lab=lab, text=text, **kwargs)


# --- static flags ----------------------------------------------------------------------------


def test_the_right_static_flag_is_captured(lab_course, student):
    _, lab, _ = lab_course
    result = submit(student, lab, STATIC)
    assert result.correct and result.flag.label == "Root flag" and not result.already_captured


def test_a_wrong_flag_is_refused(lab_course, student):
    _, lab, _ = lab_course
    result = submit(student, lab, "FLAG{guess}")
    assert not result.correct and result.flag is None and not result.lab_completed


def test_spaces_around_a_flag_do_not_matter(lab_course, student):
    _, lab, _ = lab_course
    assert submit(student, lab, f"  {STATIC}\n\t").correct


def test_spaces_inside_a_flag_and_its_case_do_matter(lab_course, student):
    _, lab, _ = lab_course
    assert not submit(student, lab, "FLAG{ static}").correct
    assert not submit(student, lab, "flag{static}").correct


def test_an_empty_flag_is_a_validation_error_and_no_try(lab_course, student):
    _, lab, _ = lab_course
    with pytest.raises(ValidationError):
        submit(student, lab, "   ")
    assert not LabSubmission.objects.exists()


def test_a_flag_captured_again_answers_already_captured(lab_course, student):
    _, lab, _ = lab_course
    submit(student, lab, STATIC)
    again = submit(student, lab, STATIC)
    assert again.correct and again.already_captured
    assert LabCompletion.objects.count() == 1


def test_the_static_flag_is_stored_only_as_a_keyed_digest(lab_course):
    _, lab, _ = lab_course
    flag = lab.flags.get()
    assert flag.flag_digest == lab.static_flag_digest(STATIC)
    assert STATIC not in flag.flag_digest


# --- per-learner flags -----------------------------------------------------------------------


def test_a_learners_own_flag_is_accepted(per_learner_lab, student):
    lab, flag = per_learner_lab
    assert submit(student, lab, lab.learner_flag(flag, student)).correct


def test_another_learners_flag_does_not_transfer(per_learner_lab, student, other_student):
    lab, flag = per_learner_lab
    result = submit(other_student, lab, lab.learner_flag(flag, student))
    assert not result.correct
    assert not LabCompletion.objects.filter(user=other_student).exists()


def test_per_learner_flags_and_seeds_differ_between_learners(per_learner_lab, student, other_student):
    lab, flag = per_learner_lab
    assert lab.seed_for(student) != lab.seed_for(other_student)
    assert lab.learner_flag(flag, student) != lab.learner_flag(flag, other_student)
    assert lab.learner_flag(flag, student).startswith(f"{flag.prefix}{{")


def test_the_same_flag_text_in_another_lab_is_refused(per_learner_lab, make_course, student):
    lab, flag = per_learner_lab
    built = make_course(modules=1, lessons=1)
    other_lab = build_lab(flags=(), per_learner=1)
    place(built.lessons[0], other_lab)
    learning_services.enrollment_create(user=student, course=built.course)
    assert not submit(student, other_lab, lab.learner_flag(flag, student)).correct


# --- every try is recorded, never its text ---------------------------------------------------


def test_every_try_is_recorded_without_its_text(lab_course, student):
    _, lab, _ = lab_course
    submit(student, lab, "FLAG{wrong}", ip="203.0.113.7")
    submit(student, lab, STATIC)
    rows = list(LabSubmission.objects.order_by("id"))
    assert [(row.correct, row.flag_id) for row in rows] == [(False, None), (True, lab.flags.get().pk)]
    assert rows[0].submitted_digest == lab_services.submission_digest("FLAG{wrong}")
    assert rows[0].ip == "203.0.113.7"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM assessments_labsubmission")
        dump = repr(cursor.fetchall())
    assert "FLAG{wrong}" not in dump and STATIC not in dump and "static" not in dump


def test_no_table_of_assessments_holds_a_flag_in_plain_text(per_learner_lab, student):
    lab, flag = per_learner_lab
    own = lab.learner_flag(flag, student)
    submit(student, lab, own)
    with connection.cursor() as cursor:
        for table in (
            "assessments_labsubmission",
            "assessments_labflag",
            "assessments_lab",
            "assessments_labcompletion",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            assert own not in repr(cursor.fetchall())


# --- rate limit ------------------------------------------------------------------------------


def test_tries_past_the_limit_are_refused_with_the_wait(lab_course, student):
    _, lab, _ = lab_course
    lab.max_tries_per_minute = 3
    lab.save()
    start = timezone.now()
    for second in range(3):
        submit(student, lab, "FLAG{wrong}", now=start + timedelta(seconds=second))
    with pytest.raises(TooManyTries) as refused:
        submit(student, lab, STATIC, now=start + timedelta(seconds=10))
    assert refused.value.retry_after == 50
    assert refused.value.get_codes() == "too_many_tries"
    assert LabSubmission.objects.count() == 3  # a refused request is not a try


def test_the_limit_resets_after_a_minute(lab_course, student):
    _, lab, _ = lab_course
    lab.max_tries_per_minute = 2
    lab.save()
    start = timezone.now()
    submit(student, lab, "FLAG{a}", now=start)
    submit(student, lab, "FLAG{b}", now=start + timedelta(seconds=1))
    with pytest.raises(TooManyTries):
        submit(student, lab, STATIC, now=start + timedelta(seconds=59))
    assert submit(student, lab, STATIC, now=start + timedelta(seconds=60, milliseconds=1)).correct


def test_the_limit_is_per_learner(lab_course, student, other_student):
    built, lab, _ = lab_course
    lab.max_tries_per_minute = 1
    lab.save()
    learning_services.enrollment_create(user=other_student, course=built.course)
    submit(student, lab, "FLAG{a}")
    assert submit(other_student, lab, STATIC).correct


def test_a_limit_of_zero_means_no_limit(lab_course, student):
    _, lab, _ = lab_course
    lab.max_tries_per_minute = 0
    lab.save()
    for _ in range(12):
        submit(student, lab, "FLAG{wrong}")
    assert submit(student, lab, STATIC).correct


# --- completion ------------------------------------------------------------------------------


def test_capturing_every_flag_completes_the_lab_the_lesson_and_the_course(
    make_course, student, django_capture_on_commit_callbacks
):
    built = make_course(modules=1, lessons=2)
    lab = build_lab(flags=(("User flag", "FLAG{user}"), ("Root flag", "FLAG{root}")))
    lesson = place(built.lessons[1], lab)
    learning_services.enrollment_create(user=student, course=built.course)
    learning_services.lesson_complete(user=student, lesson=built.lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(student, lab, "FLAG{root}")
    assert not first.lab_completed
    assert not LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        last = submit(student, lab, "FLAG{user}")
    assert last.lab_completed and last.completed_now
    assert (last.completion.score, last.completion.max_score) == (20, 20)
    assert LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()
    assert Enrollment.objects.get(user=student).status == Enrollment.Status.COMPLETED


def test_the_lab_completes_once(lab_course, student):
    _, lab, _ = lab_course
    assert submit(student, lab, STATIC).completed_now
    again = submit(student, lab, STATIC)
    assert again.lab_completed and not again.completed_now
    assert LabCompletion.objects.count() == 1


def test_hint_costs_reduce_the_score(lab_course, student):
    _, lab, _ = lab_course
    first, second = lab.hints.order_by("pk")
    lab_services.lab_hint_unlock(user=student, lab=lab, hint=first)
    lab_services.lab_hint_unlock(user=student, lab=lab, hint=second)
    completion = submit(student, lab, STATIC).completion
    assert (completion.score, completion.max_score) == (10 - 3 - 4, 10)


def test_the_score_is_never_below_zero(lab_course, student):
    _, lab, _ = lab_course
    hint = lab.hints.order_by("pk").first()
    hint.cost = 50
    hint.save()
    lab_services.lab_hint_unlock(user=student, lab=lab, hint=hint)
    assert submit(student, lab, STATIC).completion.score == 0


def test_a_hint_opened_after_completion_costs_nothing(lab_course, student):
    _, lab, _ = lab_course
    submit(student, lab, STATIC)
    lab_services.lab_hint_unlock(user=student, lab=lab, hint=lab.hints.first())
    assert LabCompletion.objects.get().score == 10


# --- hints -----------------------------------------------------------------------------------


def test_opening_a_hint_twice_opens_it_once(lab_course, student):
    _, lab, _ = lab_course
    hint = lab.hints.first()
    first, created = lab_services.lab_hint_unlock(user=student, lab=lab, hint=hint)
    again, created_again = lab_services.lab_hint_unlock(user=student, lab=lab, hint=hint)
    assert created and not created_again and first.pk == again.pk
    assert LabHintUnlock.objects.count() == 1


def test_a_hint_of_another_lab_is_not_found(lab_course, student):
    _, lab, _ = lab_course
    other = build_lab(title="Other", hints=(("Elsewhere.", 1),))
    with pytest.raises(LabNotFound):
        lab_services.lab_hint_unlock(user=student, lab=lab, hint=other.hints.get())


# --- who may try -----------------------------------------------------------------------------


def test_a_learner_not_enrolled_cannot_submit(lab_course, other_student):
    _, lab, _ = lab_course
    with pytest.raises(LabNotFound):
        submit(other_student, lab, STATIC)
    assert not LabSubmission.objects.exists()


def test_a_lab_placed_in_no_lesson_cannot_be_submitted(student):
    lab = build_lab()
    with pytest.raises(LabNotFound):
        submit(student, lab, STATIC)


def test_a_dropped_learner_cannot_submit(lab_course, student):
    built, lab, _ = lab_course
    learning_services.enrollment_drop(enrollment=Enrollment.objects.get(user=student, course=built.course))
    with pytest.raises(LabNotFound):
        submit(student, lab, STATIC)


# --- the learner's state ---------------------------------------------------------------------


def test_the_state_shows_captures_hints_and_tries_left(lab_course, student):
    _, lab, _ = lab_course
    hint = lab.hints.order_by("pk").first()
    lab_services.lab_hint_unlock(user=student, lab=lab, hint=hint)
    submit(student, lab, "FLAG{wrong}")
    enrollment = Enrollment.objects.get(user=student)
    state = lab_state_for(student, lab, enrollment)
    assert state.captured_flag_ids == set() and state.opened_hint_ids == {hint.pk}
    assert [h.text for h in state.hints] == ["Look in /etc.", None]
    assert state.tries_left == lab.max_tries_per_minute - 1
    assert state.hint_cost_so_far == 3 and not state.completed and state.seed is None


def test_the_state_shows_the_seed_only_when_the_lab_shows_it(per_learner_lab, student):
    lab, _ = per_learner_lab
    state = lab_state_for(student, lab, Enrollment.objects.get(user=student))
    assert state.seed == lab.seed_for(student)


def test_the_flag_kind_is_kept(per_learner_lab):
    _, flag = per_learner_lab
    assert flag.kind == LabFlag.Kind.PER_LEARNER and flag.flag_digest == ""
