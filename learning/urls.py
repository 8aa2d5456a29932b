"""The learner site: enrollment actions, lesson completion, the dashboard and learning paths.

Actions that change state are POST only (GET answers 405); each calls one service.
"""

from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("paths/", views.path_list, name="path_list"),
    path("paths/<slug:slug>/", views.path_detail, name="path"),
    path("paths/<slug:slug>/enroll/", views.path_enroll, name="path_enroll"),
    path("learning/courses/<int:course_id>/enroll/", views.course_enroll, name="course_enroll"),
    path("learning/courses/<int:course_id>/drop/", views.course_drop, name="course_drop"),
    path("learning/courses/<int:course_id>/drop/confirm/", views.course_drop_confirm, name="course_drop_confirm"),
    path("learning/courses/<int:course_id>/waitlist/join/", views.waitlist_join, name="waitlist_join"),
    path("learning/courses/<int:course_id>/waitlist/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("learning/lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
]
