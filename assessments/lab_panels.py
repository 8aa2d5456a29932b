"""Admin panels of the Lab snippet editor.

- `LabFlagsInlinePanel`: Wagtail builds an InlinePanel's child forms from WagtailAdminModelForm
  and ignores the child model's `base_form_class` (wagtail/wagtail#3175), so this panel hands its
  formset `LabFlagAdminForm`, which adds the write-only flag text field.
- `LabEnvironmentPanel`: what an environment builder needs to plant per-learner flags (the lab
  secret, each flag's key and the derivation), shown only to users who may change labs.
"""

from __future__ import annotations

from wagtail.admin.panels import InlinePanel, Panel
from wagtail.admin.panels.base import get_form_for_model

from assessments.forms import LabFlagAdminForm
from assessments.permissions import can_author


class LabFlagsInlinePanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        child_options = self.child_edit_handler.get_form_options()
        options["formsets"][self.relation_name]["form"] = get_form_for_model(
            self.db_field.related_model,
            form_class=LabFlagAdminForm,
            fields=child_options.get("fields", []),
            defer_required_on_fields=child_options.get("defer_required_on_fields", []),
        )
        return options


def can_see_lab_secret(user, lab) -> bool:
    """Only the lab's authors see its secret (it lets one forge any learner's flag); on a lab
    not saved yet, whoever may add labs."""
    if not (user and user.is_active):
        return False
    if lab is None or lab.pk is None:
        return user.has_perm("assessments.add_lab")
    return user.has_perm("assessments.change_lab") and can_author(user, lab)


class LabEnvironmentPanel(Panel):
    """The lab secret, the flag keys and the derivation formula, for the lab environment's builder."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "assessments/admin/lab_environment_panel.html"

        def is_shown(self):
            return self.request is not None and can_see_lab_secret(self.request.user, self.instance)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            lab = self.instance
            saved = lab is not None and lab.pk is not None
            context["lab"] = lab
            context["saved"] = saved
            context["per_learner_flags"] = (
                [flag for flag in lab.flags.all() if flag.kind == "per_learner" and flag.pk] if saved else []
            )
            return context
