from wagtail.admin.forms import WagtailAdminPageForm

from accounts import roles


class CoursePageForm(WagtailAdminPageForm):
    """An instructor creating a course is listed as its instructor from the start."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if (
            self.instance._state.adding
            and user is not None
            and user.has_role(roles.INSTRUCTOR)
            and "instructors" in self.fields
            and not self.initial.get("instructors")
        ):
            self.initial["instructors"] = [user.pk]
