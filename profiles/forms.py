from django import forms

from profiles.models import LearnerProfile
from profiles.services import PROFILE_FIELDS


class IsoDateInput(forms.DateInput):
    """The browser's date picker, which sends and expects YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ProfileForm(forms.ModelForm):
    """The learner's personal details; validation lives on the model (shared with admin and API)."""

    class Meta:
        model = LearnerProfile
        fields = PROFILE_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "placeholder": "+1 202 555 0143"}),
            "date_of_birth": IsoDateInput(attrs={"autocomplete": "bday"}),
            "separation_date": IsoDateInput(),
            "skillbridge_start_date": IsoDateInput(),
            "skillbridge_end_date": IsoDateInput(),
            "skillbridge_poc_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "skillbridge_notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"phone": "Phone number", "date_of_birth": "Date of birth"}

    # Groups of fields shown as fieldsets, in order.
    sections = (
        ("Contact", ("phone", "date_of_birth")),
        ("Military service", ("military_branch", "military_status", "separation_date")),
        (
            "DoD SkillBridge",
            (
                "skillbridge_eligible",
                "skillbridge_installation",
                "skillbridge_unit",
                "skillbridge_poc_name",
                "skillbridge_poc_email",
                "skillbridge_start_date",
                "skillbridge_end_date",
                "skillbridge_notes",
            ),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("military_branch", "military_status"):
            self.fields[name].choices = [("", "Not given"), *self.fields[name].choices[1:]]
        self.fields["skillbridge_eligible"].widget.choices = [
            ("unknown", "Not given"),
            ("true", "Yes"),
            ("false", "No"),
        ]

    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.sections]
