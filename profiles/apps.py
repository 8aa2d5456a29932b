from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Learner profiles and consent"

    def ready(self):
        from profiles import consent  # noqa: F401  (the consent check at sign-in)
