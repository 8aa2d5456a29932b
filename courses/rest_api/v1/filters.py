import django_filters
from django import forms

from courses.models import CoursePage, Level


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search title, summary and description")
    level = django_filters.ChoiceFilter(choices=Level.choices)
    competency = django_filters.CharFilter(field_name="competencies__code", label="Competency code", distinct=True)
    tag = django_filters.CharFilter(field_name="tags__slug", label="Tag slug", distinct=True)

    class Meta:
        model = CoursePage
        fields = ["q", "level", "competency", "tag"]

    def is_valid(self):
        # A form reads `?level=` as "not given"; the schema says a level or nothing: refuse it (400).
        if "level" in self.data and not self.data.get("level"):
            self.form.add_error("level", forms.ValidationError("Give a level or leave the parameter out."))
        return super().is_valid()

    def filter_search(self, queryset, name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        matches = CoursePage.objects.live().filter(archived=False).search(value, operator="or")
        return queryset.filter(pk__in=[course.pk for course in matches])
