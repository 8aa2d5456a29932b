"""Input and output shapes of the learning API. No writes here: views hand validated input to
learning.services and serialize what services and selectors return."""

import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import CoursePage, LessonPage
from learning.models import Enrollment
from learning.selectors import CourseProgress, enrollment_percent

STEP_STATES = ["completed", "enrolled", "available", "locked"]
# A sanity bound on reported video times (seconds): no lesson video runs a day.
MAX_VIDEO_SECONDS = 24 * 3600


def course_ref(course: CoursePage) -> dict:
    """{id, title, url} of a course row. The URL comes from Wagtail's cached site root paths: no
    query (resolving it against the request would cost a Site query per request)."""
    return {"id": course.pk, "title": course.title, "url": course.url}


# --- Shared pieces ---------------------------------------------------------------------------


class CourseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="Site path of the course page; null when unpublished.")


class LessonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class ProgressSummarySerializer(serializers.Serializer):
    completed_lessons = serializers.IntegerField()
    lesson_count = serializers.IntegerField(help_text="Published lessons in the course now.")
    percent = serializers.IntegerField(help_text="0–100; 100 once the enrollment is completed.")


class PublishedCourseField(serializers.PrimaryKeyRelatedField):
    """A live course without view restrictions (as the courses API shows), looked up per request:
    `public()` reads the restrictions when called, so it must not run at import."""

    def __init__(self, **kwargs):
        super().__init__(queryset=CoursePage.objects.live(), **kwargs)

    def get_queryset(self):
        return CoursePage.objects.live().public()


class CourseInputSerializer(serializers.Serializer):
    """{"course": <id>}: a published course. Any other key (user, status, source, …) is ignored."""

    course = PublishedCourseField(help_text="Course id.")


# --- Enrollments -----------------------------------------------------------------------------


class EnrollmentSerializer(serializers.Serializer):
    """One enrollment; built from `learning.selectors.enrollment_summary()` (a DashboardCourse)."""

    id = serializers.IntegerField(source="enrollment.pk")
    course = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, source="enrollment.status")
    source = serializers.ChoiceField(choices=Enrollment.Source.choices, source="enrollment.source")
    enrolled_at = serializers.DateTimeField(source="enrollment.enrolled_at")
    completed_at = serializers.DateTimeField(source="enrollment.completed_at", allow_null=True)
    dropped_at = serializers.DateTimeField(source="enrollment.dropped_at", allow_null=True)
    progress = serializers.SerializerMethodField()
    continue_url = serializers.CharField(
        allow_null=True, help_text="The lesson opened last, else the first lesson; null for an empty course."
    )

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, summary) -> dict:
        return course_ref(summary.enrollment.course)

    @extend_schema_field(ProgressSummarySerializer)
    def get_progress(self, summary) -> dict:
        return {
            "completed_lessons": summary.enrollment.completed_lessons,
            "lesson_count": summary.outline.lesson_count if summary.outline else 0,
            "percent": summary.percent,
        }


class EnrollmentStatusFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, required=False)

    def validate(self, attrs):
        # A form-style QueryDict reads `?status=` as "not given"; the schema says a status or nothing.
        if "status" in self.initial_data and not self.initial_data.get("status"):
            raise serializers.ValidationError({"status": "Give a status or leave the parameter out."})
        return attrs


# --- Waitlist --------------------------------------------------------------------------------


class WaitlistEntrySerializer(serializers.Serializer):
    course = CourseRefSerializer()
    position = serializers.IntegerField(help_text="1 = next to get a seat.")
    created_at = serializers.DateTimeField()


# --- Progress --------------------------------------------------------------------------------


class ProgressQuerySerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=CoursePage.objects.live(), help_text="Course id.")


class EnrollmentStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Enrollment.Status.choices)


class VideoPositionSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    position = serializers.FloatField(help_text="Seconds into the lesson video where the learner stopped.")


class CourseProgressSerializer(serializers.Serializer):
    """The caller's progress in one course; built from `learning.selectors.course_progress()`, with
    the course's {id, title, url} in the context."""

    course = serializers.SerializerMethodField()
    enrollment = serializers.SerializerMethodField()
    completed_lesson_ids = serializers.SerializerMethodField()
    completed_lessons = serializers.IntegerField(source="completed_count")
    lesson_count = serializers.IntegerField()
    percent = serializers.IntegerField()
    continue_lesson = serializers.SerializerMethodField()
    positions = serializers.SerializerMethodField()

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, progress: CourseProgress) -> dict:
        return self.context["course"]

    @extend_schema_field(EnrollmentStateSerializer)
    def get_enrollment(self, progress: CourseProgress) -> dict:
        return {"id": progress.enrollment.pk, "status": progress.enrollment.status}

    def get_completed_lesson_ids(self, progress: CourseProgress) -> list[int]:
        return sorted(progress.completed_ids)

    @extend_schema_field(LessonRefSerializer(allow_null=True))
    def get_continue_lesson(self, progress: CourseProgress) -> dict | None:
        lesson = progress.continue_lesson
        return {"id": lesson.id, "title": lesson.title, "url": lesson.url} if lesson else None

    @extend_schema_field(VideoPositionSerializer(many=True))
    def get_positions(self, progress: CourseProgress) -> list[dict]:
        return [
            {"lesson": lesson_id, "position": position} for lesson_id, position in sorted(progress.positions.items())
        ]


class LessonInputSerializer(serializers.Serializer):
    lesson = serializers.PrimaryKeyRelatedField(queryset=LessonPage.objects.live(), help_text="Lesson id.")


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError("Must be a finite number.", code="invalid")
    return value


class VideoReportSerializer(serializers.Serializer):
    """A player beacon. The lesson is an id, not looked up here: the beacon's query budget is spent
    in the service (enrollment + upsert)."""

    lesson = serializers.IntegerField(min_value=1)
    position = serializers.FloatField(min_value=0, max_value=MAX_VIDEO_SECONDS, validators=[_finite])
    duration = serializers.FloatField(max_value=MAX_VIDEO_SECONDS, validators=[_finite], help_text="Greater than 0.")

    def validate_duration(self, value: float) -> float:
        if value <= 0:
            raise serializers.ValidationError("Must be greater than 0.", code="min_value")
        return value


class VideoReportResultSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    position = serializers.FloatField(help_text="The stored position (clamped to the duration).")
    duration = serializers.FloatField()
    completed = serializers.BooleanField(
        help_text="This report completed the lesson (it reached 90 %); false otherwise, also when it was already complete."
    )


# --- Learning paths --------------------------------------------------------------------------


class PathStepSerializer(serializers.Serializer):
    course = serializers.SerializerMethodField()
    state = serializers.ChoiceField(
        choices=STEP_STATES,
        allow_null=True,
        help_text="The caller's state on this step (locked: complete the step before it first); null when anonymous.",
    )

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, step: dict) -> dict:
        return course_ref(step["course"])


class LearningPathSerializer(serializers.Serializer):
    """A learning path with the caller's state; built from `learning.selectors.PathStatus`."""

    id = serializers.IntegerField(source="path.pk")
    title = serializers.CharField(source="path.title")
    slug = serializers.CharField(source="path.slug")
    url = serializers.CharField(source="path.get_absolute_url", help_text="The path's page on the site.")
    summary = serializers.CharField(source="path.summary")
    description = serializers.CharField(source="path.description", help_text="Rich text (HTML).")
    sequential = serializers.BooleanField(
        source="path.sequential", help_text="Each course unlocks when the one before it is completed."
    )
    steps = PathStepSerializer(many=True)
    enrolled = serializers.SerializerMethodField()
    enrolled_at = serializers.DateTimeField(source="enrollment.enrolled_at", allow_null=True)
    completed_at = serializers.DateTimeField(source="enrollment.completed_at", allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text="Share of the path's courses completed.")

    def get_enrolled(self, status) -> bool:
        return status.enrollment is not None


# --- Dashboard -------------------------------------------------------------------------------


class AttainmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="competency.pk")
    code = serializers.CharField(source="competency.code")
    name = serializers.CharField(source="competency.name")
    attained_at = serializers.DateTimeField()
    course = serializers.SerializerMethodField(help_text="The course that granted it.")

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, attainment) -> dict:
        return course_ref(attainment.course)


class FrameworkCompetenciesSerializer(serializers.Serializer):
    framework = serializers.CharField()
    competencies = AttainmentSerializer(many=True)


class DeadlineSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk", help_text="Enrollment id.")
    course = serializers.SerializerMethodField()
    complete_by = serializers.DateField(source="enrollment.course.complete_by")
    percent = serializers.IntegerField()

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, summary) -> dict:
        return course_ref(summary.enrollment.course)


class DashboardSerializer(serializers.Serializer):
    """`learning.selectors.dashboard_for()`: what /dashboard/ shows."""

    active = EnrollmentSerializer(many=True)
    completed = EnrollmentSerializer(many=True)
    paths = LearningPathSerializer(many=True)
    competencies = serializers.SerializerMethodField(help_text="Competencies earned, grouped by framework.")
    deadlines = DeadlineSerializer(many=True, help_text="Active courses with a complete-by date, soonest first.")

    @extend_schema_field(FrameworkCompetenciesSerializer(many=True))
    def get_competencies(self, dashboard) -> list[dict]:
        groups = [
            {"framework": framework, "competencies": attainments}
            for framework, attainments in sorted(dashboard.competencies.items())
        ]
        return FrameworkCompetenciesSerializer(groups, many=True, context=self.context).data


# --- Roster ----------------------------------------------------------------------------------


class LearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField(source="get_display_name")


class RosterEntrySerializer(serializers.Serializer):
    """One learner on a course roster; the view passes `lesson_count` (of the course) in the context."""

    id = serializers.IntegerField(help_text="Enrollment id.")
    learner = LearnerSerializer(source="user")
    status = serializers.ChoiceField(choices=Enrollment.Status.choices)
    source = serializers.ChoiceField(choices=Enrollment.Source.choices)
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    dropped_at = serializers.DateTimeField(allow_null=True)
    last_activity_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.SerializerMethodField()

    @extend_schema_field(ProgressSummarySerializer)
    def get_progress(self, enrollment: Enrollment) -> dict:
        lesson_count = self.context["lesson_count"]
        return {
            "completed_lessons": enrollment.completed_lessons,
            "lesson_count": lesson_count,
            "percent": enrollment_percent(enrollment, lesson_count),
        }


class RosterQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Part of the learner's email or name.")


class RosterEnrollSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The learner's account email.")
