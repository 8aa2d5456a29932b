"""Learner pages for labs: thin views over assessments.lab_services and lab_selectors.

A lab is found only where the signed-in learner meets it (a live lesson of a course they are
enrolled in), otherwise 404. A wrong flag or too many tries re-renders the page with the error
on the flag field (429 with Retry-After for too many tries); a right flag or an opened hint
redirects back to the page with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments import lab_services, services
from assessments.exceptions import LabNotFound, TooManyTries
from assessments.forms import LabFlagSubmitForm
from assessments.lab_selectors import lab_state_for
from assessments.models import Lab, LabHint


def _lesson_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("lesson") or request.GET.get("lesson") or ""
    return int(raw) if raw.isdigit() else None


def _learner_lab_or_404(request: HttpRequest, lab_id: int):
    """(lab, placement, enrollment) for the signed-in learner, or 404."""
    lab = get_object_or_404(Lab, pk=lab_id)
    placement, enrollment = services.placement_for_learner(user=request.user, lab=lab, lesson_id=_lesson_id(request))
    if placement is None:
        raise Http404("No such lab in your courses.")
    return lab, placement, enrollment


def lab_page_url(lab: Lab, lesson_id: int) -> str:
    return f"{reverse('assessments:lab', args=[lab.pk])}?lesson={lesson_id}"


def _render(request, lab, placement, enrollment, *, form=None, status=200) -> HttpResponse:
    state = lab_state_for(request.user, lab, enrollment)
    form = form or LabFlagSubmitForm(initial={"lesson": placement.lesson_id})
    return render(
        request,
        "assessments/lab_detail.html",
        {
            "lab": lab,
            "state": state,
            "lesson": placement.lesson,
            "course": placement.course,
            "form": form,
            "page_url": lab_page_url(lab, placement.lesson_id),
        },
        status=status,
    )


@login_required
@require_GET
def lab_detail(request: HttpRequest, lab_id: int) -> HttpResponse:
    lab, placement, enrollment = _learner_lab_or_404(request, lab_id)
    return _render(request, lab, placement, enrollment)


@require_POST
def lab_flag_submit(request: HttpRequest, lab_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("assessments:lab", args=[lab_id]))
    lab, placement, enrollment = _learner_lab_or_404(request, lab_id)
    form = LabFlagSubmitForm(request.POST)
    if not form.is_valid():
        return _render(request, lab, placement, enrollment, form=form, status=400)
    try:
        result = lab_services.lab_flag_submit(
            user=request.user,
            lab=lab,
            text=form.cleaned_data["flag"],
            lesson_id=placement.lesson_id,
            ip=request.META.get("REMOTE_ADDR"),
        )
    except TooManyTries as error:
        form.add_error("flag", str(error.detail))
        response = _render(request, lab, placement, enrollment, form=form, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except ValidationError as error:
        for message in error.message_dict.get("flag", error.messages):
            form.add_error("flag", message)
        return _render(request, lab, placement, enrollment, form=form, status=400)
    if not result.correct:
        form.add_error("flag", "That is not a flag of this lab. Check it and try again.")
        return _render(request, lab, placement, enrollment, form=form)
    if result.already_captured:
        messages.info(request, f"You already captured “{result.flag.label}”.")
    elif result.completed_now:
        completion = result.completion
        messages.success(
            request,
            f"Flag captured: “{result.flag.label}”. You completed the lab with "
            f"{completion.score} of {completion.max_score} points.",
        )
    else:
        messages.success(request, f"Flag captured: “{result.flag.label}”.")
    return redirect(lab_page_url(lab, placement.lesson_id))


@require_POST
def lab_hint_unlock(request: HttpRequest, lab_id: int, hint_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("assessments:lab", args=[lab_id]))
    lab, placement, _ = _learner_lab_or_404(request, lab_id)
    hint = get_object_or_404(LabHint, pk=hint_id, lab=lab)
    try:
        _, created = lab_services.lab_hint_unlock(user=request.user, lab=lab, hint=hint, lesson_id=placement.lesson_id)
    except LabNotFound as error:
        raise Http404(str(error.detail)) from error
    if created:
        messages.info(request, "Hint opened.")
    return redirect(f"{lab_page_url(lab, placement.lesson_id)}#hint-{hint.pk}")
