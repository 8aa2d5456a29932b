"""Building labs in the Wagtail snippet editor: flags typed once and kept only as digests,
the environment setup (secret, keys, formula) shown only to people who may change labs."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from assessments.forms import LabAdminForm, LabFlagAdminForm
from assessments.lab_panels import can_see_lab_secret
from assessments.models import Lab, LabFlag
from tests.assessments.builders import build_lab

SECRET_FLAG = "FLAG{n0t-in-the-db}"


def lab_form_data(*, flags, initial=0, title="Port scanning lab", hints=(), **fields):
    data = {
        "title": title,
        "instructions": rich_text("<p>Scan the host and find the flag.</p>"),
        "environment_url": "",
        "max_tries_per_minute": "10",
        "flags": inline_formset(list(flags), initial=initial, min=1),
        "hints": inline_formset(list(hints)),
        **fields,
    }
    return nested_form_data(data)


def flag_row(**fields):
    row = {"label": "Root flag", "kind": "static", "flag_text": "", "flag_prefix": "WCHI", "points": "10"}
    row.update(fields)
    return row


def table_dump(*tables) -> str:
    rows = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            rows.extend(cursor.fetchall())
    return repr(rows)


@pytest.fixture
def admin_client(client, instructor):
    # The tests build labs with owner=instructor: only a lab's authors may edit it.
    client.force_login(instructor)
    return client


def add_url():
    return reverse("wagtailsnippets_assessments_lab:add")


def edit_url(lab):
    return reverse("wagtailsnippets_assessments_lab:edit", args=[lab.pk])


def test_a_lab_created_in_the_snippet_editor_keeps_only_the_flags_digest(admin_client):
    response = admin_client.post(add_url(), lab_form_data(flags=[flag_row(flag_text=f"  {SECRET_FLAG} ")]))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    lab = Lab.objects.get(title="Port scanning lab")
    flag = lab.flags.get()
    assert flag.flag_digest == lab.static_flag_digest(SECRET_FLAG)
    assert SECRET_FLAG not in table_dump("assessments_lab", "assessments_labflag")
    assert not any(SECRET_FLAG in str(revision.content) for revision in Revision.objects.all())


def test_saving_through_the_edit_view_with_an_empty_flag_text_keeps_the_digest(admin_client, instructor):
    lab = build_lab(flags=(("Root flag", SECRET_FLAG),), owner=instructor)
    flag = lab.flags.get()
    before = flag.flag_digest
    data = lab_form_data(flags=[flag_row(id=str(flag.pk), label="The root flag")], initial=1)
    response = admin_client.post(edit_url(lab), data)
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.label, flag.flag_digest) == ("The root flag", before)


def test_typing_a_new_flag_text_in_the_edit_view_replaces_the_digest(admin_client, instructor):
    lab = build_lab(flags=(("Root flag", SECRET_FLAG),), owner=instructor)
    flag = lab.flags.get()
    data = lab_form_data(flags=[flag_row(id=str(flag.pk), flag_text="FLAG{new}")], initial=1)
    assert admin_client.post(edit_url(lab), data).status_code == 302
    flag.refresh_from_db()
    assert flag.flag_digest == lab.static_flag_digest("FLAG{new}")


def test_a_flag_added_in_the_edit_view_is_saved_with_its_digest(admin_client, instructor):
    lab = build_lab(flags=(("Root flag", SECRET_FLAG),), owner=instructor)
    flag = lab.flags.get()
    data = lab_form_data(
        flags=[
            flag_row(id=str(flag.pk)),
            flag_row(label="User flag", flag_text="FLAG{user}"),
            flag_row(label="Your own flag", kind="per_learner"),
        ],
        initial=1,
    )
    assert admin_client.post(edit_url(lab), data).status_code == 302
    added = lab.flags.get(label="User flag")
    assert added.flag_digest == lab.static_flag_digest("FLAG{user}")
    assert lab.flags.get(label="Your own flag").flag_digest == ""
    assert "FLAG{user}" not in table_dump("assessments_labflag")


def test_the_flag_prefix_is_edited_in_the_flag_row(admin_client, student, instructor):
    lab = build_lab(flags=(), per_learner=1, owner=instructor)
    flag = lab.flags.get()
    data = lab_form_data(flags=[flag_row(id=str(flag.pk), kind="per_learner", flag_prefix="CTF")], initial=1)
    assert admin_client.post(edit_url(lab), data).status_code == 302
    flag.refresh_from_db()
    assert flag.prefix == "CTF" and lab.learner_flag(flag, student).startswith("CTF{")


def test_the_flag_rows_render_as_well_formed_inline_children(admin_client, instructor):
    lab = build_lab(per_learner=1, owner=instructor)
    html = admin_client.get(edit_url(lab)).content.decode()
    assert 'id="inline_child_flags-0"' in html and 'id="inline_child_flags-1"' in html
    assert 'name="flags-1-flag_prefix" value="WCHI"' in html


def test_a_new_static_flag_needs_its_text(admin_client):
    response = admin_client.post(add_url(), lab_form_data(flags=[flag_row()]))
    assert response.status_code == 200
    assert not Lab.objects.exists()
    flag_form = response.context["form"].formsets["flags"].forms[0]
    assert "flag_text" in flag_form.errors


def test_a_per_learner_flag_refuses_a_typed_text(admin_client):
    response = admin_client.post(add_url(), lab_form_data(flags=[flag_row(kind="per_learner", flag_text="FLAG{x}")]))
    assert response.status_code == 200
    assert "flag_text" in response.context["form"].formsets["flags"].forms[0].errors


def test_the_edit_page_never_shows_a_flag_and_shows_the_secret_to_its_editor(admin_client, instructor):
    lab = build_lab(flags=(("Root flag", SECRET_FLAG),), per_learner=1, owner=instructor)
    response = admin_client.get(edit_url(lab))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="flags-0-flag_text"' in html
    assert lab.flags.get(kind="static").flag_digest not in html
    assert lab.secret in html and lab.flags.get(kind="per_learner").key in html
    assert "HMAC-SHA256" in html


def test_the_secret_is_shown_only_to_the_labs_authors(instructor, other_instructor, administrator, student):
    from tests.factories import UserFactory

    mentor = UserFactory(roles=["Mentor"])
    lab = build_lab(owner=instructor)
    assert can_see_lab_secret(instructor, lab) and can_see_lab_secret(administrator, lab)
    assert not can_see_lab_secret(other_instructor, lab)
    assert not can_see_lab_secret(student, lab) and not can_see_lab_secret(mentor, lab)
    request = RequestFactory().get("/")
    request.user = mentor
    panel = next(p for p in Lab.panels if type(p).__name__ == "LabEnvironmentPanel").bind_to_model(Lab)
    assert not panel.get_bound_panel(instance=lab, request=request, form=None).is_shown()
    request.user = instructor
    assert panel.get_bound_panel(instance=lab, request=request, form=None).is_shown()


def test_the_lab_form_classes_are_the_ones_the_editor_uses():
    form_class = Lab.get_edit_handler().get_form_class()
    assert issubclass(form_class, LabAdminForm)
    assert issubclass(form_class.formsets["flags"].form, LabFlagAdminForm)
    assert "flag_text" in form_class.formsets["flags"].form.base_fields
    assert "flag_digest" not in form_class.formsets["flags"].form.base_fields
    assert "secret" not in form_class.base_fields
    assert LabFlag._meta.get_field("flag_digest").editable is False
