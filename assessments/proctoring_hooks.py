"""Wagtail wiring of proctored exams: the "Exam reviews" queue (/admin/exam-reviews/).

Imported from the end of assessments/wagtail_hooks.py (Wagtail loads only that module).
URLs registered with `register_admin_urls` are behind Wagtail's admin access check; each view
then scopes attempts with `permissions.proctor_queue_for` (another proctor's attempt is 404).
"""

from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from assessments import proctoring_views
from assessments.proctoring_views import URL_NAMESPACE


class ExamReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return proctoring_views.exam_reviews_menu_shown(request.user)


@hooks.register("register_admin_urls")
def register_exam_review_urls():
    urls = [
        path("", proctoring_views.ExamReviewListView.as_view(), name="index"),
        path("results/", proctoring_views.ExamReviewListView.as_view(results_only=True), name="index_results"),
        path("<int:attempt_id>/", proctoring_views.ExamReviewDetailView.as_view(), name="detail"),
    ]
    return [path("exam-reviews/", include((urls, URL_NAMESPACE), namespace=URL_NAMESPACE))]


@hooks.register("register_admin_menu_item")
def register_exam_reviews_menu_item():
    return ExamReviewsMenuItem(
        "Exam reviews", reverse_lazy(f"{URL_NAMESPACE}:index"), name="exam-reviews", icon_name="view", order=212
    )
