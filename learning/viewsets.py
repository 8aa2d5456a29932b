"""Wagtail admin viewsets of the learning app (registered in learning/wagtail_hooks.py)."""

from django.urls import path
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from accounts import roles
from learning import admin_views
from learning.permissions import is_site_administrator


class RosterMenuItem(MenuItem):
    """ "My courses" is for instructors and administrators; rosters check each course again."""

    def is_shown(self, request):
        user = request.user
        return is_site_administrator(user) or user.has_role(roles.INSTRUCTOR)


class RosterViewSet(ViewSet):
    """/admin/roster/: "My courses" and each course's roster, CSV export, enroll and drop."""

    name = admin_views.URL_NAMESPACE
    url_prefix = "roster"
    icon = "group"
    menu_label = "My courses"
    menu_name = "my-courses"
    menu_order = 150  # right after Pages
    add_to_admin_menu = True
    menu_item_class = RosterMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.MyCoursesView.as_view(), name="index"),
            path("results/", admin_views.MyCoursesView.as_view(results_only=True), name="index_results"),
            path("<int:course_id>/", admin_views.RosterView.as_view(), name="course"),
            path("<int:course_id>/results/", admin_views.RosterView.as_view(results_only=True), name="course_results"),
            path("<int:course_id>/enroll/", admin_views.RosterEnrollView.as_view(), name="enroll"),
            path("<int:course_id>/drop/<int:enrollment_id>/", admin_views.RosterDropView.as_view(), name="drop"),
        ]
