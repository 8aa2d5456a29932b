"""Learner state in /django-admin/, for administrators: read-mostly.

Every field is read-only and nothing can be added or deleted here: learner history changes
only through learning.services. The one write is the "Drop selected enrollments" action,
which calls services.enrollment_drop per row. Access follows learning.permissions
(`is_site_administrator`), not Django model permissions, so the Administrator role needs no
extra grants.
"""

from django.contrib import admin, messages

from learning import services
from learning.admin_views import staff_enrollment_action_record
from learning.exceptions import LearningError
from learning.models import CompetencyAttainment, Enrollment, LessonProgress, PathEnrollment, WaitlistEntry
from learning.permissions import is_site_administrator


class ReadOnlyAdminMixin:
    """Visible to site administrators; no add, change or delete."""

    def has_module_permission(self, request):
        return is_site_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class LessonProgressInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LessonProgress
    fields = ["lesson", "completed_at", "video_position", "video_duration", "updated_at"]
    ordering = ["lesson__path"]
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lesson")


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "user_email",
        "course",
        "status",
        "source",
        "completed_lessons",
        "enrolled_at",
        "last_activity_at",
        "completed_at",
    ]
    list_filter = ["status", "source", ("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "course"]
    search_fields = ["user__email"]
    date_hierarchy = "enrolled_at"
    inlines = [LessonProgressInline]
    actions = ["drop_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "course", "last_lesson")

    @admin.display(description="Learner", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    def has_drop_permission(self, request):
        return is_site_administrator(request.user)

    @admin.action(description="Drop selected enrollments", permissions=["drop"])
    def drop_selected(self, request, queryset):
        dropped = 0
        for enrollment in queryset.select_related("user", "course"):
            try:
                services.enrollment_drop(enrollment=enrollment)
            except LearningError as error:
                self.message_user(
                    request, f"{enrollment.user.email} in {enrollment.course}: {error.detail}", messages.ERROR
                )
                continue
            staff_enrollment_action_record(actor=request.user, action="drop", enrollment=enrollment)
            dropped += 1
        if dropped:
            self.message_user(request, f"Dropped {dropped} enrollment{'s' if dropped != 1 else ''}.", messages.SUCCESS)


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrollment", "lesson", "completed_at", "video_position", "updated_at"]
    list_filter = [("enrollment__course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["enrollment__user", "lesson"]
    search_fields = ["enrollment__user__email"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "course", "created_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "course"]
    search_fields = ["user__email"]


@admin.register(PathEnrollment)
class PathEnrollmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "path", "enrolled_at", "completed_at"]
    list_filter = ["path"]
    list_select_related = ["user", "path"]
    search_fields = ["user__email"]


@admin.register(CompetencyAttainment)
class CompetencyAttainmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "competency", "course", "attained_at"]
    list_filter = ["competency__framework", ("course", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "competency", "course"]
    search_fields = ["user__email", "competency__code", "competency__name"]
