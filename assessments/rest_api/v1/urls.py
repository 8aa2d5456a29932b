"""Assessments API routes (v1)."""

from django.urls import path

from assessments.rest_api.v1 import grades, labs, proctoring, views

urlpatterns = [
    path("quizzes/<int:pk>/", views.QuizDetailView.as_view(), name="quiz-detail"),
    path("quizzes/<int:pk>/attempts/", views.AttemptStartView.as_view(), name="quiz-attempts"),
    path("attempts/<int:pk>/", views.AttemptDetailView.as_view(), name="attempt-detail"),
    path("attempts/<int:pk>/submit/", views.AttemptSubmitView.as_view(), name="attempt-submit"),
    path("attempts/<int:pk>/events/", proctoring.AttemptEventView.as_view(), name="attempt-events"),
    path("labs/<int:pk>/", labs.LabDetailView.as_view(), name="lab-detail"),
    path("labs/<int:pk>/flags/", labs.LabFlagSubmitView.as_view(), name="lab-flags"),
    path("labs/<int:pk>/hints/<int:hint_id>/", labs.LabHintUnlockView.as_view(), name="lab-hint"),
    path("grades/", grades.GradesView.as_view(), name="grades"),
    path("gradebook/<int:course_id>/", grades.GradebookView.as_view(), name="gradebook"),
]
