from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms

from accounts.lockout import reset_request_throttle, wait_minutes


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        max_length=150,
        label="Your name",
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Ada Lovelace"}),
    )
    field_order = ["display_name", "email", "password1", "password2"]


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset request, limited like the login: per account (its role's profile) and per client.

    An unknown address is limited like a learner's and answered like a known one, so neither the
    limit nor the page says whether an account exists.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        request = context.request  # allauth's view does not hand the request to its form
        if request is not None:
            wait = reset_request_throttle(request, email)
            if wait:
                minutes = wait_minutes(wait)
                self.wait_seconds = wait
                raise forms.ValidationError(
                    f"Too many password reset requests. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                    code="locked_out",
                )
        return email
