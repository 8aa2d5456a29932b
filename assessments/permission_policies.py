"""Wagtail permission policies for quizzes and labs: the model permissions of the role, narrowed
to the quizzes and labs the user may author (assessments.permissions.can_author)."""

from wagtail.permission_policies import ModelPermissionPolicy

from assessments.permissions import authored_by, can_author

# Actions on an existing quiz or lab that only its authors may take; viewing, choosing it in a
# lesson and adding new ones follow the role's model permissions alone.
AUTHOR_ACTIONS = frozenset({"change", "delete", "publish", "lock", "unlock"})


class AuthoredAssessmentPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return action not in AUTHOR_ACTIONS or can_author(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        if set(actions) <= AUTHOR_ACTIONS:
            return authored_by(user, instances)
        return instances
