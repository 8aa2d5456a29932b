"""The account page: one place linking to everything a person manages about their account."""

from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
@require_GET
def account_overview(request):
    emails = EmailAddress.objects.filter(user=request.user).order_by("-primary", "email")
    return render(request, "account/overview.html", {"emails": emails})
