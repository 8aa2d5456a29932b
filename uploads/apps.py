from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Safe uploads"

    def ready(self):
        from uploads import checks  # noqa: F401 - registers the system check
        from uploads.handlers import connect_wagtail_media_handlers

        connect_wagtail_media_handlers()
