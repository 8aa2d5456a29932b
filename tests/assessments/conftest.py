"""Fixtures shared by the proctoring tests: an exam in a course, its enrolled learner.

Each test module defines `proctor` (who proctors the exam there)."""

import pytest

from learning import services as learning_services
from tests.assessments.proctoring_builders import build_exam_course


@pytest.fixture
def exam_course(make_course, instructor, proctor):
    return build_exam_course(make_course, instructor=instructor, proctor=proctor)


@pytest.fixture
def exam(exam_course):
    return exam_course[1]


@pytest.fixture
def enrolled(exam_course, student):
    learning_services.enrollment_create(user=student, course=exam_course[0].course)
    return student
