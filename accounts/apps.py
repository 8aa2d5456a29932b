from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import sessions, signals, tokens  # noqa: F401


from wagtail.users.apps import WagtailUsersAppConfig  # noqa: E402


class LmsWagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with our profile fields (display name, time zone)."""

    user_viewset = "accounts.viewsets.UserViewSet"
