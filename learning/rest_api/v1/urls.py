from django.urls import path

from learning.rest_api.v1 import views

urlpatterns = [
    path("enrollments/", views.EnrollmentListView.as_view(), name="enrollment-list"),
    path("enrollments/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment-detail"),
    path("enrollments/<int:pk>/drop/", views.EnrollmentDropView.as_view(), name="enrollment-drop"),
    path("waitlist/", views.WaitlistJoinView.as_view(), name="waitlist-join"),
    path("waitlist/<int:course_id>/", views.WaitlistLeaveView.as_view(), name="waitlist-leave"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("progress/complete/", views.LessonCompleteView.as_view(), name="progress-complete"),
    path("progress/video/", views.VideoProgressView.as_view(), name="progress-video"),
    path("learning-paths/", views.LearningPathListView.as_view(), name="learning-path-list"),
    path("learning-paths/<int:pk>/", views.LearningPathDetailView.as_view(), name="learning-path-detail"),
    path("learning-paths/<int:pk>/enroll/", views.LearningPathEnrollView.as_view(), name="learning-path-enroll"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    # Under courses/ in the URL, but learning's: the courses app knows nothing of enrollments.
    path("courses/<int:course_id>/roster/", views.RosterView.as_view(), name="course-roster"),
    path(
        "courses/<int:course_id>/roster/<int:enrollment_id>/drop/",
        views.RosterDropView.as_view(),
        name="course-roster-drop",
    ),
]
