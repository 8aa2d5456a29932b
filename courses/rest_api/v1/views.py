from django.db.models import Prefetch
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from courses.models import CoursePage, CourseTag
from courses.rest_api.v1.filters import CourseFilter
from courses.rest_api.v1.serializers import CourseDetailSerializer, CourseListSerializer
from courses.selectors import catalog_courses


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """Published courses. The list is the catalog (archived courses left out); detail adds the outline."""

    permission_classes = [AllowAny]
    filterset_class = CourseFilter
    queryset = CoursePage.objects.none()  # the model, for the schema; get_queryset() gives the rows

    def get_queryset(self):
        if self.action == "list":
            return catalog_courses()
        # Archived courses stay readable by id; unpublished ones do not exist here.
        return (
            CoursePage.objects.live()
            .public()
            .prefetch_related(
                "competencies",
                Prefetch("tagged_items", queryset=CourseTag.objects.select_related("tag")),
                Prefetch("prerequisites", queryset=CoursePage.objects.only("id", "title")),
                "instructors",
            )
        )

    def get_serializer_class(self):
        return CourseListSerializer if self.action == "list" else CourseDetailSerializer
