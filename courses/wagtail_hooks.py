"""Admin wiring for courses: instructor permissions follow the course's instructor list; copying a
course starts its next edition."""

from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.utils import get_valid_next_url_from_request

from courses.editions import can_start_edition, course_edition_prepare, course_edition_start
from courses.models import CoursePage
from courses.services import course_instructor_group_sync


@hooks.register("after_create_page")
def _course_created(request, page):
    specific = page.specific
    if isinstance(specific, CoursePage):
        course_instructor_group_sync(course=specific, instructors=list(specific.instructors.all()))


@hooks.register("after_edit_page")
def _course_edited(request, page):
    specific = page.specific
    if isinstance(specific, CoursePage):
        course_instructor_group_sync(course=specific, instructors=list(specific.instructors.all()))


# --- Course editions (courses/editions.py) --------------------------------------------------
# Copying a course page in the admin starts its next edition. Administrators use Wagtail's
# copy view as it is; `after_copy_page` turns the copy into the next edition. Instructors may
# edit their course but not add pages to the catalog, so Wagtail's copy form would refuse
# them: for them `before_copy_page` shows and handles the copy form itself, placing the copy
# next to the course, as a draft.


class CourseEditionCopyForm(CopyForm):
    """Wagtail's copy form for a new edition by its instructor: next to the course, as a draft."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Publishing or aliasing the copy needs permissions on the catalog, which instructors lack.
        self.fields.pop("publish_copies", None)
        self.fields.pop("alias", None)
        parent_field = self.fields["new_parent_page"]
        parent_field.disabled = True
        parent_field.help_text = "A new edition is placed next to its course and starts as a draft."

    def clean(self):
        # Not CopyForm.clean: it requires "add" permission on the catalog. Its slug check is here.
        cleaned_data = forms.Form.clean(self)
        parent = self.page.get_parent()
        slug = cleaned_data.get("new_slug")
        if slug and parent.get_children().filter(slug=slug).exists():
            self.add_error("new_slug", f'This slug is already in use within "{parent}". Try one with the year.')
        return cleaned_data


@hooks.register("before_copy_page")
def _course_edition_copy_by_instructor(request, page):
    if not issubclass(page.specific_class, CoursePage):
        return None
    if page.permissions_for_user(request.user).can_copy_to(page.get_parent(), recursive=True):
        return None  # Wagtail's copy view does it; after_copy_page prepares the edition.
    if not can_start_edition(request.user, page):
        return None  # Wagtail's copy view refuses it.
    next_url = get_valid_next_url_from_request(request)
    form = CourseEditionCopyForm(request.POST or None, page=page, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "wagtailadmin/pages/copy.html", {"page": page, "form": form, "next": next_url})
    new_page = course_edition_start(
        course=page.specific,
        user=request.user,
        title=form.cleaned_data["new_title"],
        slug=form.cleaned_data["new_slug"],
        recursive=bool(form.cleaned_data.get("copy_subpages")),
    )
    messages.success(
        request,
        f"Edition {new_page.edition} of '{page.title}' created as a draft, with "
        f"{new_page.get_descendants().count()} subpages. Publish it to archive edition {new_page.edition - 1}.",
        buttons=[messages.button(reverse("wagtailadmin_pages:edit", args=(new_page.pk,)), "Edit")],
    )
    # The same hooks Wagtail's copy view runs after a copy (ours below is idempotent).
    for fn in hooks.get_hooks("after_copy_page"):
        result = fn(request, page, new_page)
        if hasattr(result, "status_code"):
            return result
    return redirect(next_url or reverse("wagtailadmin_pages:edit", args=(new_page.pk,)))


@hooks.register("after_copy_page")
def _course_copied(request, page, new_page):
    specific = new_page.specific
    if isinstance(specific, CoursePage):
        course_edition_prepare(course=specific, source=page)
