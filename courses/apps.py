from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from courses import signals  # noqa: F401
        from courses.selectors import catalog_courses
        from home.featured import register_featured_provider

        register_featured_provider(lambda home_page: catalog_courses()[:6])
