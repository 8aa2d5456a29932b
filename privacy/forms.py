from django import forms
from django.contrib.auth import authenticate


class ErasureConfirmForm(forms.Form):
    """Re-asks the password before an erasure is scheduled (through the authentication backends,
    so wrong passwords count toward the account's lockout like any failed login)."""

    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(
        label="I understand that my account and personal data will be erased and that this cannot be undone."
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_confirms(self.request, self.request.user, password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password


def password_confirms(request, user, password: str) -> bool:
    """Whether `password` is `user`'s, asked of the authentication backends (with the HttpRequest)."""
    if not user.is_authenticated or not password:
        return False
    username = getattr(user, user.USERNAME_FIELD)
    checked = authenticate(request, username=username, password=password)
    return checked is not None and checked.pk == user.pk
