"""`manage.py seed_demo`: demo site, catalog and one login per role. Safe to run again."""

import logging

from django.core.management.base import BaseCommand, CommandError

from lms_site.demo.seed import DEMO_PASSWORD, DEMO_USERS, DemoSeedError, demo_seed


class Command(BaseCommand):
    help = (
        "Create the demo site tree, NICE competencies, cybersecurity courses and one user per role. "
        "Idempotent: existing data is left as it is. Refused unless settings.DEMO_ACCOUNTS_ENABLED is true."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # Publishing ~70 pages logs several INFO lines each (Wagtail, background tasks); below
        # -v 2 they would bury the summary and the logins.
        if verbosity < 2:
            logging.disable(logging.INFO)
        try:
            report = demo_seed(stdout=self.stdout if verbosity >= 2 else None)
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        finally:
            logging.disable(logging.NOTSET)

        if verbosity < 1:
            return
        if report.created_total:
            self.stdout.write(self.style.SUCCESS(f"Demo data seeded ({report.created_total} objects created):"))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already present; nothing created:"))
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.role:<26} {demo.email:<28} {demo.display_name}")
