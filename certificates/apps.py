from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import logging

        # WeasyPrint narrates every rendering step at INFO; its warnings (a refused fetch) still show.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        from certificates import signals  # noqa: F401 - connects the receivers
