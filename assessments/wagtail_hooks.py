"""Admin wiring for assessments: quizzes and labs as snippets (instructors build them there)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

# Wagtail loads only wagtail_hooks modules: the proctor's and the instructors' admin views register from these.
from assessments import instructor_hooks, proctoring_hooks  # noqa: F401
from assessments.models import Lab, Quiz


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = "Quizzes and exams"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "proctored", "pass_mark_percent", "counts_toward_completion"]
    list_filter = ["proctored", "counts_toward_completion"]
    search_fields = ["title"]


class LabViewSet(SnippetViewSet):
    model = Lab
    icon = "code"
    menu_label = "Labs"
    menu_order = 211
    add_to_admin_menu = True
    list_display = ["title", "environment_url"]
    search_fields = ["title"]


register_snippet(QuizViewSet)
register_snippet(LabViewSet)
