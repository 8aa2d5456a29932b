"""Learning API v1: thin views over learning.services (writes), selectors (reads) and permissions.

Everything a learner reads or changes here is looked up through `request.user`, so another
user's enrollment or progress is a 404, never its data. Rosters answer 404 (not 403) to anyone
who may not manage the course, so they do not reveal which courses exist or who teaches them.
Domain errors (learning.exceptions) come out in the envelope with their stable code.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from courses.models import CoursePage, LearningPath, LearningPathStep
from courses.selectors import course_outline
from learning import permissions, selectors, services
from learning.admin_views import staff_enrollment_action_record
from learning.exceptions import NotEnrolled
from learning.models import Enrollment, PathEnrollment, WaitlistEntry
from learning.rest_api.v1.serializers import (
    CourseInputSerializer,
    CourseProgressSerializer,
    DashboardSerializer,
    EnrollmentSerializer,
    EnrollmentStatusFilterSerializer,
    LearningPathSerializer,
    LessonInputSerializer,
    ProgressQuerySerializer,
    RosterEnrollSerializer,
    RosterEntrySerializer,
    RosterQuerySerializer,
    VideoReportResultSerializer,
    VideoReportSerializer,
    WaitlistEntrySerializer,
    course_ref,
)


def _error(description: str) -> OpenApiResponse:
    # The schema hook replaces the body with the ErrorEnvelope; the description lists the codes.
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


ENROLL_ERRORS = {
    400: _error("`does_not_exist` (field `course`): no published course with this id."),
    402: _error("`payment_required`: the course is paid."),
    409: _error(
        "`course_full`; `prerequisites_missing` (the message names the missing courses); "
        "`enrollment_closed` (not open yet, closed, or archived)."
    ),
}
NOT_ENROLLED = _error("`not_enrolled`: the caller holds no active or completed enrollment in the course.")
NOT_FOUND = _error("`not_found`.")


def _invalid(field: str, message: str, code: str = "does_not_exist") -> serializers.ValidationError:
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


class LearnerAPIView(generics.GenericAPIView):
    """Base of the learner endpoints: signed in, no model filters (query input is validated by serializers)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def summary_of(self, enrollment: Enrollment) -> dict:
        enrollment = Enrollment.objects.select_related("course", "last_lesson").get(pk=enrollment.pk)
        return EnrollmentSerializer(
            selectors.enrollment_summary(enrollment), context=self.get_serializer_context()
        ).data


# --- Enrollments -----------------------------------------------------------------------------


def own_enrollments(user):
    return Enrollment.objects.filter(user=user).select_related("course", "last_lesson").order_by("-enrolled_at", "-pk")


class EnrollmentListView(LearnerAPIView):
    serializer_class = EnrollmentSerializer

    @extend_schema(
        summary="The caller's enrollments",
        parameters=[EnrollmentStatusFilterSerializer],
        responses=EnrollmentSerializer(many=True),
    )
    def get(self, request):
        query = EnrollmentStatusFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = own_enrollments(request.user)
        if query.validated_data.get("status"):
            rows = rows.filter(status=query.validated_data["status"])
        page = self.paginate_queryset(rows)
        summaries = [selectors.enrollment_summary(enrollment) for enrollment in page]
        return self.get_paginated_response(
            EnrollmentSerializer(summaries, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Enroll the caller in a course",
        description=(
            "Idempotent: 201 with the new enrollment, 200 with the existing one when the caller is already "
            "enrolled (active or completed). A dropped enrollment is re-activated (201). Only `course` is read "
            "from the body: the caller always enrolls themself."
        ),
        request=CourseInputSerializer,
        responses={201: EnrollmentSerializer, 200: EnrollmentSerializer, **ENROLL_ERRORS},
    )
    def post(self, request):
        serializer = CourseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment, created = services.enrollment_create(
            user=request.user, course=serializer.validated_data["course"], source=Enrollment.Source.SELF
        )
        return Response(self.summary_of(enrollment), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EnrollmentDetailView(LearnerAPIView):
    serializer_class = EnrollmentSerializer

    @extend_schema(summary="One of the caller's enrollments", responses={200: EnrollmentSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        enrollment = get_object_or_404(own_enrollments(request.user), pk=pk)
        return Response(
            EnrollmentSerializer(selectors.enrollment_summary(enrollment), context=self.get_serializer_context()).data
        )


class EnrollmentDropView(LearnerAPIView):
    serializer_class = EnrollmentSerializer

    @extend_schema(
        summary="Drop one of the caller's enrollments",
        description="The enrollment and its progress are kept with status `dropped`; the seat goes to the waitlist.",
        request=None,
        responses={
            200: EnrollmentSerializer,
            403: _error("`not_enrolled`: the enrollment is not active."),
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        enrollment = get_object_or_404(Enrollment.objects.filter(user=request.user), pk=pk)
        services.enrollment_drop(enrollment=enrollment)
        return Response(self.summary_of(enrollment))


# --- Waitlist --------------------------------------------------------------------------------


class WaitlistJoinView(LearnerAPIView):
    serializer_class = WaitlistEntrySerializer

    @extend_schema(
        summary="Join the waitlist of a full course",
        description=(
            "201 with the new entry, 200 when the caller was already waiting (the place is kept). "
            "When a seat frees up the first learner waiting is enrolled (source `waitlist`)."
        ),
        request=CourseInputSerializer,
        responses={
            201: WaitlistEntrySerializer,
            200: WaitlistEntrySerializer,
            400: _error(
                "`does_not_exist` (field `course`); `seats_available`: the course has free seats, enroll instead."
            ),
            409: _error("`already_enrolled`; `enrollment_closed`; `prerequisites_missing`."),
        },
    )
    def post(self, request):
        serializer = CourseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = services.course_current_edition(serializer.validated_data["course"])
        existed = WaitlistEntry.objects.filter(user=request.user, course=course).exists()
        entry = services.waitlist_join(user=request.user, course=course)
        data = {
            "course": course_ref(entry.course),
            "position": services.waitlist_position(user=request.user, course=entry.course),
            "created_at": entry.created_at,
        }
        return Response(
            WaitlistEntrySerializer(data).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class WaitlistLeaveView(LearnerAPIView):
    @extend_schema(
        summary="Leave a course's waitlist",
        description="`course_id` is the course of the entry, or an older edition of it.",
        responses={204: None, 404: _error("`not_found`: no such course, or the caller is not on its waitlist.")},
    )
    def delete(self, request, course_id: int):
        course = get_object_or_404(CoursePage, pk=course_id)
        courses = {course, services.course_current_edition(course)}
        if not WaitlistEntry.objects.filter(user=request.user, course__in=courses).exists():
            raise NotFound("You are not on this course's waitlist.")
        for each in courses:
            services.waitlist_leave(user=request.user, course=each)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Progress --------------------------------------------------------------------------------


def _progress_data(user, *, course_id: int, outline, course: dict) -> dict:
    progress = selectors.course_progress(user=user, course_id=course_id, outline=outline)
    if progress.enrollment is None:
        raise NotEnrolled()
    return CourseProgressSerializer(progress, context={"course": course}).data


class ProgressView(LearnerAPIView):
    serializer_class = CourseProgressSerializer

    @extend_schema(
        summary="The caller's progress in a course",
        parameters=[ProgressQuerySerializer],
        responses={
            200: CourseProgressSerializer,
            400: _error("`required` / `does_not_exist` (field `course`)."),
            403: NOT_ENROLLED,
        },
    )
    def get(self, request):
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        course = query.validated_data["course"]
        return Response(
            _progress_data(request.user, course_id=course.pk, outline=course_outline(course), course=course_ref(course))
        )


class LessonCompleteView(LearnerAPIView):
    serializer_class = CourseProgressSerializer

    @extend_schema(
        summary="Mark a lesson complete",
        description=(
            "Idempotent. Answers the caller's progress in the lesson's course, with the enrollment status: "
            "`completed` once every lesson is done."
        ),
        request=LessonInputSerializer,
        responses={
            200: CourseProgressSerializer,
            400: _error("`does_not_exist` (field `lesson`): no published lesson with this id."),
            403: NOT_ENROLLED,
        },
    )
    def post(self, request):
        serializer = LessonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson = serializer.validated_data["lesson"]
        services.lesson_complete(user=request.user, lesson=lesson)
        outline = selectors.lesson_outline_for(lesson)
        course = {"id": outline.id, "title": outline.title, "url": outline.url}
        return Response(_progress_data(request.user, course_id=outline.id, outline=outline, course=course))


class VideoProgressView(LearnerAPIView):
    serializer_class = VideoReportResultSerializer

    @extend_schema(
        summary="Report the position in a lesson video (player beacon)",
        description=(
            "Stores where the learner is; at 90 % of the duration the lesson completes. Costs at most three "
            "queries (user, enrollment, upsert) once the lesson's course is cached, which opening the lesson does. "
            "Browsers: send it with `fetch(…, {keepalive: true})` and the CSRF header, not `sendBeacon`."
        ),
        request=VideoReportSerializer,
        responses={
            200: VideoReportResultSerializer,
            400: _error("`does_not_exist` (field `lesson`); `min_value` / `max_value` / `invalid` on the numbers."),
            403: NOT_ENROLLED,
        },
    )
    def post(self, request):
        serializer = VideoReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = serializer.validated_data
        # From the cache after the lesson page was opened: no query. Tells an unknown lesson from a stored report.
        if selectors.lesson_course_id(report["lesson"]) is None:
            raise _invalid("lesson", "No published lesson with this id.")
        completed = services.video_progress_report(
            user=request.user, lesson_id=report["lesson"], position=report["position"], duration=report["duration"]
        )
        return Response(
            {
                "lesson": report["lesson"],
                "position": min(report["position"], report["duration"]),
                "duration": report["duration"],
                "completed": completed is not None,
            }
        )


# --- Learning paths --------------------------------------------------------------------------


def published_paths():
    steps = LearningPathStep.objects.select_related("course")
    return LearningPath.objects.filter(published=True).prefetch_related(Prefetch("steps", queryset=steps))


def path_statuses(user, paths) -> list[selectors.PathStatus]:
    """Each path with the user's step states (two queries for any number of paths, a third when a step's
    course has other editions); none when anonymous."""
    if not user.is_authenticated:
        return [
            selectors.PathStatus(
                path=path,
                enrollment=None,
                steps=[{"course": step.course, "state": None} for step in path.steps.all()],
                percent=None,
            )
            for path in paths
        ]
    status_by_course = dict(Enrollment.objects.current().filter(user=user).values_list("course_id", "status"))
    joined = {each.path_id: each for each in PathEnrollment.objects.filter(user=user, path__in=[p.pk for p in paths])}
    links = selectors.EditionLinks()
    return [selectors.path_status(path, joined.get(path.pk), status_by_course, links) for path in paths]


class LearningPathListView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    filter_backends: list = []
    serializer_class = LearningPathSerializer

    @extend_schema(
        summary="Published learning paths",
        description="Signed-in callers also get their enrollment, progress and the state of each step.",
        responses=LearningPathSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(published_paths())
        data = LearningPathSerializer(
            path_statuses(request.user, page), many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(data.data)


class LearningPathDetailView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = LearningPathSerializer

    @extend_schema(summary="One published learning path", responses={200: LearningPathSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        path = get_object_or_404(published_paths(), pk=pk)
        [path_status] = path_statuses(request.user, [path])
        return Response(LearningPathSerializer(path_status, context=self.get_serializer_context()).data)


class LearningPathEnrollView(LearnerAPIView):
    serializer_class = LearningPathSerializer

    @extend_schema(
        summary="Join a learning path",
        description=(
            "Enrolls the caller in the path's first course not yet taken (source `path`); sequential paths "
            "enroll in the next course as each completes. 201 when joined, 200 when already on the path. If the "
            "course cannot be enrolled in, nothing is joined and its error is answered."
        ),
        request=None,
        responses={
            201: LearningPathSerializer,
            200: LearningPathSerializer,
            402: ENROLL_ERRORS[402],
            404: NOT_FOUND,
            409: ENROLL_ERRORS[409],
        },
    )
    def post(self, request, pk: int):
        path = get_object_or_404(LearningPath.objects.filter(published=True), pk=pk)
        existed = PathEnrollment.objects.filter(user=request.user, path=path).exists()
        services.path_enroll(user=request.user, path=path)
        path = published_paths().get(pk=path.pk)
        [path_status] = path_statuses(request.user, [path])
        return Response(
            LearningPathSerializer(path_status, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# --- Dashboard -------------------------------------------------------------------------------


class DashboardView(LearnerAPIView):
    serializer_class = DashboardSerializer

    @extend_schema(
        summary="The caller's dashboard",
        description="The data of the /dashboard/ page: active and completed courses, paths, competencies, deadlines.",
        responses=DashboardSerializer,
    )
    def get(self, request):
        dashboard = selectors.dashboard_for(request.user)
        return Response(DashboardSerializer(dashboard, context=self.get_serializer_context()).data)


# --- Roster (instructors of the course, administrators) -------------------------------------

ROSTER_NOT_FOUND = _error("`not_found`: no such course, or the caller does not teach it.")


def roster_entry(enrollment: Enrollment, context: dict) -> dict:
    enrollment = Enrollment.objects.select_related("user", "course").get(pk=enrollment.pk)
    outline = course_outline(enrollment.course)
    return RosterEntrySerializer(
        enrollment, context={**context, "lesson_count": outline.lesson_count if outline else 0}
    ).data


def managed_course(request, course_id: int) -> CoursePage:
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or not permissions.can_manage_roster(request.user, course):
        raise NotFound()
    return course


class RosterView(LearnerAPIView):
    serializer_class = RosterEntrySerializer

    @extend_schema(
        summary="A course's roster",
        description="Learners of the course with progress, last activity and status, by email.",
        parameters=[RosterQuerySerializer],
        responses={200: RosterEntrySerializer(many=True), 404: ROSTER_NOT_FOUND},
    )
    def get(self, request, course_id: int):
        course = managed_course(request, course_id)
        query = RosterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.roster_for(
            course=course, status=query.validated_data.get("status", ""), query=query.validated_data.get("q", "")
        )
        page = self.paginate_queryset(rows)
        outline = course_outline(course)
        context = {**self.get_serializer_context(), "lesson_count": outline.lesson_count if outline else 0}
        return self.get_paginated_response(RosterEntrySerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="Enroll a learner (staff enrollment)",
        description=(
            "Skips the enrollment window, price and prerequisites, never the capacity. 201 when enrolled, "
            "200 when the learner already was. The enrollment goes to the course's current edition."
        ),
        request=RosterEnrollSerializer,
        responses={
            201: RosterEntrySerializer,
            200: RosterEntrySerializer,
            400: _error("`does_not_exist` (field `email`): no active account uses this email."),
            404: ROSTER_NOT_FOUND,
            409: _error(
                "`course_full`; `enrollment_closed` (the course is not published); `already_enrolled` "
                "(the learner holds another edition of this course)."
            ),
        },
    )
    def post(self, request, course_id: int):
        course = managed_course(request, course_id)
        serializer = RosterEnrollSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        learner = User.objects.filter(email__iexact=serializer.validated_data["email"].strip(), is_active=True).first()
        if learner is None:
            raise _invalid("email", "No active account uses this email address.")
        enrollment, created = services.enrollment_create(user=learner, course=course, source=Enrollment.Source.STAFF)
        if created:
            staff_enrollment_action_record(actor=request.user, action="enroll", enrollment=enrollment)
        return Response(
            roster_entry(enrollment, self.get_serializer_context()),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class RosterDropView(LearnerAPIView):
    serializer_class = RosterEntrySerializer

    @extend_schema(
        summary="Drop a learner from the course",
        request=None,
        responses={
            200: RosterEntrySerializer,
            403: _error("`not_enrolled`: the enrollment is not active."),
            404: _error("`not_found`: no such course or enrollment in it, or the caller does not teach it."),
        },
    )
    def post(self, request, course_id: int, enrollment_id: int):
        course = managed_course(request, course_id)
        enrollment = get_object_or_404(Enrollment.objects.filter(course=course), pk=enrollment_id)
        services.enrollment_drop(enrollment=enrollment)
        staff_enrollment_action_record(actor=request.user, action="drop", enrollment=enrollment)
        return Response(roster_entry(enrollment, self.get_serializer_context()))
