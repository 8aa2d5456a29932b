"""Wagtail wiring of the instructor tools (imported at the end of assessments/wagtail_hooks.py).

/admin/assessments/: gradebooks, the essay grading queue, quiz statistics and regrade (views in
assessments/instructor_views.py), a "Grading" menu for instructors and administrators, and a
"Statistics" button on each row of the quiz listing. Every view checks its object again.
"""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets.button import Button

from accounts import roles
from assessments import instructor_views as views
from assessments.models import Quiz
from learning.permissions import is_site_administrator

NS = views.URL_NAMESPACE


def _is_grader(user) -> bool:
    """Instructors and administrators see the menu (no query: roles are read once per request)."""
    return is_site_administrator(user) or user.has_role(roles.INSTRUCTOR)


@hooks.register("register_admin_urls")
def register_instructor_urls():
    urlpatterns = [
        path("gradebook/", views.GradebookIndexView.as_view(), name="gradebook_index"),
        path("gradebook/<int:course_id>/", views.GradebookView.as_view(), name="gradebook"),
        path("grading/", views.GradingQueueView.as_view(), name="grading_queue"),
        path("grading/<int:attempt_id>/", views.AttemptGradeView.as_view(), name="grade_attempt"),
        path("quizzes/<int:quiz_id>/statistics/", views.QuizStatisticsView.as_view(), name="quiz_statistics"),
        path("quizzes/<int:quiz_id>/regrade/", views.QuizRegradeView.as_view(), name="quiz_regrade"),
    ]
    return [path("assessments/", include((urlpatterns, NS), namespace=NS))]


class GraderMenuItem(MenuItem):
    def is_shown(self, request):
        return _is_grader(request.user)


@hooks.register("register_admin_menu_item")
def register_grading_menu():
    menu = Menu(
        items=[
            GraderMenuItem("Gradebooks", reverse(f"{NS}:gradebook_index"), name="gradebooks", icon_name="table"),
            GraderMenuItem("Essays to grade", reverse(f"{NS}:grading_queue"), name="essays-to-grade", icon_name="edit"),
        ]
    )
    return SubmenuMenuItem("Grading", menu, name="grading", icon_name="tasks", order=212)


@hooks.register("register_snippet_listing_buttons")
def quiz_statistics_button(snippet, user, next_url=None):
    """A "Statistics" entry per quiz; the page itself decides (404) for quizzes the user does not teach."""
    if isinstance(snippet, Quiz) and _is_grader(user):
        yield Button(
            "Statistics",
            url=reverse(f"{NS}:quiz_statistics", args=(snippet.pk,)),
            icon_name="table",
            priority=60,
        )
