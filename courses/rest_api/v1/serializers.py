from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Competency, CoursePage
from courses.selectors import course_outline


class CompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "framework", "code", "name"]


class CourseListSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    competencies = CompetencySerializer(many=True, read_only=True)
    tags = serializers.SerializerMethodField()
    price = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=True, read_only=True)

    class Meta:
        model = CoursePage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "summary",
            "level",
            "estimated_hours",
            "price",
            "capacity",
            "competencies",
            "tags",
        ]
        read_only_fields = fields

    def get_url(self, course) -> str:
        return course.get_url()

    def get_tags(self, course) -> list[str]:
        return [tag.name for tag in course.tag_list]


class OutlineLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    is_preview = serializers.BooleanField()
    estimated_minutes = serializers.IntegerField()


class OutlineModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    summary = serializers.CharField()
    lessons = OutlineLessonSerializer(many=True)


class CourseDetailSerializer(CourseListSerializer):
    description = serializers.CharField(read_only=True, help_text="Rich text (HTML).")
    prerequisites = serializers.SerializerMethodField()
    instructors = serializers.SerializerMethodField()
    archived = serializers.BooleanField(read_only=True)
    outline = serializers.SerializerMethodField()

    class Meta(CourseListSerializer.Meta):
        fields = CourseListSerializer.Meta.fields + [
            "description",
            "archived",
            "prerequisites",
            "instructors",
            "outline",
        ]
        read_only_fields = fields

    def get_prerequisites(self, course) -> list[dict]:
        return [{"id": p.pk, "title": p.title} for p in course.prerequisites.all()]

    def get_instructors(self, course) -> list[str]:
        return [user.get_display_name() for user in course.instructors.all()]

    @extend_schema_field(OutlineModuleSerializer(many=True))
    def get_outline(self, course):
        outline = course_outline(course)
        return OutlineModuleSerializer(outline.modules if outline else [], many=True).data
