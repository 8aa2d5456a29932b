"""Admin wiring for assessments: quizzes and labs as snippets (instructors build them there)."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from wagtail import hooks
from wagtail.admin import messages
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

# Wagtail loads only wagtail_hooks modules: the proctor's and the instructors' admin views register from these.
from assessments import instructor_hooks, proctoring_hooks  # noqa: F401
from assessments.models import Lab, Quiz
from assessments.permission_policies import AuthoredAssessmentPolicy
from assessments.permissions import can_author

# Before the viewsets: Wagtail refuses a policy registered after it built a fallback one.
register_permission_policy(Quiz, AuthoredAssessmentPolicy(Quiz))
register_permission_policy(Lab, AuthoredAssessmentPolicy(Lab))


class AuthorOnlyMixin:
    """Wagtail's generic snippet views check the model permission only; these refuse a quiz or
    lab the user may not author (assessments.permissions.can_author). Every view that shows or
    changes its content is wrapped: editing, copying and comparing revisions would all show an
    exam's answer key."""

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        instance = get_object_or_404(self.model, pk=unquote(str(pk)))
        if not can_author(request.user, instance):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _author_only(view_class):
    return type(f"AuthorOnly{view_class.__name__}", (AuthorOnlyMixin, view_class), {})


class KeepTakenDeleteView(snippet_views.DeleteView):
    """A quiz or lab that learners have attempted cannot be deleted (their attempts and grades
    point at it): say so instead of failing with a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                f"'{self.object}' has learner attempts or submissions and cannot be deleted; unpublish it instead.",
            )
            return redirect(self.get_success_url())


class AuthoredSnippetViewSet(SnippetViewSet):
    edit_view_class = _author_only(snippet_views.EditView)  # also the base of revision revert
    copy_view_class = _author_only(snippet_views.CopyView)
    delete_view_class = _author_only(KeepTakenDeleteView)
    unpublish_view_class = _author_only(snippet_views.UnpublishView)
    lock_view_class = _author_only(snippet_views.LockView)
    unlock_view_class = _author_only(snippet_views.UnlockView)
    revisions_view_class = _author_only(snippet_views.PreviewRevisionView)
    revisions_compare_view_class = _author_only(snippet_views.RevisionsCompareView)
    revisions_unschedule_view_class = _author_only(snippet_views.RevisionsUnscheduleView)
    inspect_view_class = _author_only(snippet_views.InspectView)


class QuizViewSet(AuthoredSnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = "Quizzes and exams"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "proctored", "pass_mark_percent", "counts_toward_completion"]
    list_filter = ["proctored", "counts_toward_completion"]
    search_fields = ["title"]


class LabViewSet(AuthoredSnippetViewSet):
    model = Lab
    icon = "code"
    menu_label = "Labs"
    menu_order = 211
    add_to_admin_menu = True
    list_display = ["title", "environment_url"]
    search_fields = ["title"]


register_snippet(QuizViewSet)
register_snippet(LabViewSet)


@hooks.register("after_create_snippet")
def _assessment_owner(request, instance):
    """Whoever creates a quiz or lab owns it (and may edit it before it is placed anywhere)."""
    if isinstance(instance, (Quiz, Lab)) and instance.owner_id is None:
        type(instance).objects.filter(pk=instance.pk).update(owner=request.user)
