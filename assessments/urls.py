"""Learner-facing assessment pages: quizzes and attempts, labs, exams, grades."""

from django.urls import path

from assessments import grades_views, lab_views, proctoring_views, views

app_name = "assessments"

urlpatterns = [
    path("quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quizzes/<int:quiz_id>/start/", views.attempt_start, name="attempt-start"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:attempt_id>/save/", views.attempt_save, name="attempt-save"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:pk>/events/", proctoring_views.attempt_events, name="attempt-events"),
    path("labs/<int:lab_id>/", lab_views.lab_detail, name="lab"),
    path("labs/<int:lab_id>/flags/", lab_views.lab_flag_submit, name="lab-flag"),
    path("labs/<int:lab_id>/hints/<int:hint_id>/", lab_views.lab_hint_unlock, name="lab-hint"),
    path("grades/", grades_views.grades, name="grades"),
]
