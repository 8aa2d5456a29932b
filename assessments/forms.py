"""Forms of labs: the learner's flag form, and the Lab snippet's admin form.

The admin form takes a static flag's text in a write-only field on each flag row and keeps
only its HMAC with the lab secret (`LabFlag.flag_digest`); the text is never stored, logged or
shown again. This module imports no assessments model: the Lab model names these forms.
"""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

STATIC = "static"  # LabFlag.Kind.STATIC (no model import: models/labs.py imports this module)
PER_LEARNER = "per_learner"
FLAG_MAX_LENGTH = 500


# --- learner ---------------------------------------------------------------------------------


class LabFlagSubmitForm(forms.Form):
    flag = forms.CharField(
        label="Flag",
        max_length=FLAG_MAX_LENGTH,
        error_messages={"required": "Type the flag you found."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
        help_text="Paste the flag exactly as you found it; spaces around it do not matter.",
    )
    lesson = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --- admin -----------------------------------------------------------------------------------


class LabFlagAdminForm(WagtailAdminModelForm):
    """One flag row of the Lab editor (used through `LabFlagsInlinePanel`).

    The model's `prefix` is edited as `flag_prefix`: a form field named "prefix" would shadow
    `form.prefix` in Wagtail's inline panel templates (`{{ child.form.prefix }}` renders the
    field's <input> inside the row's id attribute and breaks the editor's markup and scripts).
    """

    flag_prefix = forms.CharField(
        label="Prefix",
        max_length=20,
        initial="WCHI",
        help_text="Per-learner flags look like PREFIX{…}.",
    )

    flag_text = forms.CharField(
        label="Flag text",
        required=False,
        max_length=FLAG_MAX_LENGTH,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=(
            "Static flags only: what learners must submit, e.g. FLAG{…}. Kept only as a keyed hash and "
            "never shown again; leave empty to keep the current flag."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.prefix:
            self.initial.setdefault("flag_prefix", self.instance.prefix)

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("flag_prefix"):
            self.instance.prefix = self.cleaned_data["flag_prefix"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        text = (cleaned.get("flag_text") or "").strip()
        cleaned["flag_text"] = text
        if kind == PER_LEARNER and text:
            self.add_error("flag_text", "A per-learner flag is derived for each learner: leave the flag text empty.")
        elif kind == STATIC and not text and not (self.instance.pk and self.instance.flag_digest):
            self.add_error("flag_text", "Type the flag learners must find.")
        return cleaned


class LabAdminForm(WagtailAdminModelForm):
    """The Lab snippet form: turns each flag row's typed text into its digest on save."""

    def save(self, commit=True):
        lab = self.instance
        formset = self.formsets.get("flags")
        if formset is not None:
            for form in formset.forms:
                if formset.can_delete and formset._should_delete_form(form):
                    continue
                flag = form.instance
                text = form.cleaned_data.get("flag_text", "")
                if flag.kind == PER_LEARNER:
                    flag.flag_digest = ""
                elif text:
                    flag.flag_digest = lab.static_flag_digest(text)
        return super().save(commit=commit)
