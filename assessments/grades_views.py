"""The learner's own grades page: every current course, each quiz and lab with its result.

Thin: one selector read (`selectors.grades_for`, 6 queries at most however many courses,
assessments and attempts) filtered by the signed-in user, so nobody sees another's grades.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments import selectors


@login_required
@require_GET
def grades(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/grades.html", {"courses": selectors.grades_for(user=request.user)})
