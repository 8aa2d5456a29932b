from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from profiles import selectors, services
from profiles.forms import ProfileForm


@never_cache  # personal details: never kept by a browser or proxy cache
@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """/accounts/profile/: the signed-in user's own personal details (nobody else's, ever)."""
    profile = selectors.profile_for_user(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=request.user, changes={name: form.cleaned_data[name] for name in form.Meta.fields}, request=request
        )
        messages.success(request, "Your personal details were saved.")
        return redirect("profiles:edit")
    return render(request, "profiles/profile_edit.html", {"form": form, "profile": profile})
