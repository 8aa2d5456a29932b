from django.apps import AppConfig


class LmsSiteConfig(AppConfig):
    name = "lms_site"
    verbose_name = "WCHI LMS site"
