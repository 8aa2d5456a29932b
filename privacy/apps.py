from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy: export and erasure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Every app's `privacy.py` registers its models (privacy.registry).
        autodiscover_modules("privacy")
