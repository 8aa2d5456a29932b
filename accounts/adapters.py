from allauth.account.adapter import DefaultAccountAdapter

from accounts.services import user_add_default_role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name", "")
        if commit:
            user.save()
            user_add_default_role(user=user)
        return user
