import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import models
from django.utils import timezone

from privacy.fields import EncryptedBooleanField, EncryptedCharField, EncryptedDateField, EncryptedTextField

PHONE_ALLOWED = re.compile(r"^\+?[0-9 ().\-]+$")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15  # E.164 allows at most 15 digits
YOUNGEST_AGE, OLDEST_AGE = 13, 120


def validate_phone(value: str) -> None:
    digits = sum(character.isdigit() for character in value)
    if not PHONE_ALLOWED.match(value) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise ValidationError(
            "Enter a phone number of 7 to 15 digits, optionally starting with + and the country code "
            "(e.g. +1 202 555 0143).",
            code="invalid_phone",
        )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def validate_date_of_birth(value: datetime.date) -> None:
    today = timezone.localdate()
    if value >= today:
        raise ValidationError("The date of birth must be in the past.", code="date_of_birth_future")
    if value > _years_before(today, YOUNGEST_AGE):
        raise ValidationError(
            f"You must be at least {YOUNGEST_AGE} years old to hold a learner profile.", code="date_of_birth_young"
        )
    if value < _years_before(today, OLDEST_AGE):
        raise ValidationError("Check the year of the date of birth.", code="date_of_birth_implausible")


class LearnerProfile(models.Model):
    """A learner's personal details. Created the first time they save it (reading never writes).

    Every personal column is encrypted at rest (privacy.fields): it cannot be searched or sorted
    in the database, only read back through the model.
    """

    class ServiceBranch(models.TextChoices):
        ARMY = "army", "Army"
        MARINE_CORPS = "marine_corps", "Marine Corps"
        NAVY = "navy", "Navy"
        AIR_FORCE = "air_force", "Air Force"
        SPACE_FORCE = "space_force", "Space Force"
        COAST_GUARD = "coast_guard", "Coast Guard"

    class ServiceStatus(models.TextChoices):
        ACTIVE_DUTY = "active_duty", "Active duty"
        RESERVE = "reserve", "Reserve or National Guard"
        VETERAN = "veteran", "Veteran"
        RETIRED = "retired", "Retired"
        SPOUSE = "spouse", "Military spouse"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile")

    phone = EncryptedCharField("phone number", max_length=32, blank=True, validators=[validate_phone])
    date_of_birth = EncryptedDateField(null=True, blank=True, validators=[validate_date_of_birth])

    military_branch = EncryptedCharField("branch of service", max_length=32, blank=True, choices=ServiceBranch)
    military_status = EncryptedCharField("service status", max_length=32, blank=True, choices=ServiceStatus)
    separation_date = EncryptedDateField(
        "separation date", null=True, blank=True, help_text="Past or expected date of leaving the service."
    )

    skillbridge_eligible = EncryptedBooleanField("eligible for DoD SkillBridge", null=True, blank=True)
    skillbridge_installation = EncryptedCharField("SkillBridge installation", max_length=200, blank=True)
    skillbridge_unit = EncryptedCharField("unit or command", max_length=200, blank=True)
    skillbridge_poc_name = EncryptedCharField("unit point of contact", max_length=200, blank=True)
    skillbridge_poc_email = EncryptedCharField(
        "point of contact email", max_length=254, blank=True, validators=[validate_email]
    )
    skillbridge_start_date = EncryptedDateField("SkillBridge program start", null=True, blank=True)
    skillbridge_end_date = EncryptedDateField("SkillBridge program end", null=True, blank=True)
    skillbridge_notes = EncryptedTextField("SkillBridge notes", blank=True, validators=[MaxLengthValidator(4000)])

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "learner profile"

    def __str__(self) -> str:
        return f"Personal details of {self.user}"

    def clean(self):
        errors = {}
        if self.date_of_birth and self.separation_date and self.separation_date <= self.date_of_birth:
            errors["separation_date"] = "The separation date must come after the date of birth."
        start, end = self.skillbridge_start_date, self.skillbridge_end_date
        if start and end and end < start:
            errors["skillbridge_end_date"] = "The SkillBridge program cannot end before it starts."
        elif end and self.separation_date and end > self.separation_date:
            # SkillBridge runs during the last months of service: it ends by the separation date.
            errors["skillbridge_end_date"] = "The SkillBridge program must end on or before the separation date."
        if start and self.date_of_birth and start <= self.date_of_birth:
            errors["skillbridge_start_date"] = "The SkillBridge program must start after the date of birth."
        if errors:
            raise ValidationError(errors)


from profiles.consent_models import ConsentRecord, LegalDocument  # noqa: E402, F401  (consent: profiles/consent.py)
