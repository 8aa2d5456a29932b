from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Two-factor authentication"

    def ready(self):
        from mfa import signals  # noqa: F401 - connects the cache invalidation receivers
