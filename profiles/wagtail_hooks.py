"""Learner profiles in the Wagtail admin (/admin/profiles/): administrators only.

Administrators list profiles by learner, add one for a learner who has none and edit it; every
save goes through profiles.services.profile_update (validated and audited). Nobody deletes a
profile here: erasure is the privacy workflow's job. Instructors, mentors and corporate
representatives reach the admin for other things but are refused here with a 403 (not Wagtail's
usual redirect to the dashboard), by every view of the viewset, before the permission policy.
"""

import functools

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponseForbidden
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts import roles
from profiles import permissions, services
from profiles.models import LearnerProfile
from profiles.services import PROFILE_FIELDS


class LearnerProfilePermissionPolicy(BasePermissionPolicy):
    """`permissions.can_manage_profiles` for Wagtail's generic views: view, add and change."""

    actions = ("view", "add", "change")

    def user_has_permission(self, user, action):
        return action in self.actions and permissions.can_manage_profiles(user)

    def users_with_any_permission(self, actions):
        if not set(actions) & set(self.actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATOR))
            .distinct()
        )


register_permission_policy(LearnerProfile, LearnerProfilePermissionPolicy(LearnerProfile))


class ProfileCreateForm(WagtailAdminModelForm):
    """Adding a profile: choose among the users who have none yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(learner_profile__isnull=True)


PROFILE_PANELS = [
    MultiFieldPanel([FieldPanel("phone"), FieldPanel("date_of_birth")], heading="Contact"),
    MultiFieldPanel(
        [FieldPanel("military_branch"), FieldPanel("military_status"), FieldPanel("separation_date")],
        heading="Military service",
    ),
    MultiFieldPanel(
        [FieldPanel(name) for name in PROFILE_FIELDS if name.startswith("skillbridge_")], heading="DoD SkillBridge"
    ),
]


def _administrators_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.can_manage_profiles(request.user):
            return HttpResponseForbidden("Only administrators can see learner profiles.")
        return view(request, *args, **kwargs)

    return wrapped


def _profile_changes(form) -> dict:
    return {name: form.cleaned_data[name] for name in PROFILE_FIELDS if name in form.cleaned_data}


class ProfileCreateView(generic.CreateView):
    def save_instance(self):
        return services.profile_update(
            user=self.form.cleaned_data["user"],
            changes=_profile_changes(self.form),
            actor=self.request.user,
            request=self.request,
        )


class ProfileEditView(generic.EditView):
    def save_instance(self):
        return services.profile_update(
            user=self.object.user, changes=_profile_changes(self.form), actor=self.request.user, request=self.request
        )


class LearnerProfileViewSet(ModelViewSet):
    model = LearnerProfile
    url_prefix = "profiles"
    name = "learner_profiles"
    icon = "user"
    menu_label = "Learner profiles"
    menu_order = 170
    add_to_admin_menu = True
    copy_view_enabled = False
    add_view_class = ProfileCreateView
    edit_view_class = ProfileEditView
    panels = PROFILE_PANELS
    # The list shows who and when, no personal values; encrypted columns cannot be searched.
    list_display = ["user", DateColumn("updated_at", label="Updated")]
    search_fields = ["user__email", "user__display_name"]
    search_backend_name = None

    def get_queryset(self, request):
        return LearnerProfile.objects.select_related("user")

    def construct_view(self, view_class, **kwargs):
        return _administrators_only(super().construct_view(view_class, **kwargs))

    def get_add_view_kwargs(self, **kwargs):
        panel = ObjectList([FieldPanel("user"), *PROFILE_PANELS], base_form_class=ProfileCreateForm)
        panel = panel.bind_to_model(LearnerProfile)
        return super().get_add_view_kwargs(**{"panel": panel, "form_class": panel.get_form_class(), **kwargs})


@hooks.register("register_admin_viewset")
def register_learner_profile_viewset():
    return LearnerProfileViewSet()


from profiles import consent_admin  # noqa: E402, F401  (terms and privacy versions)
