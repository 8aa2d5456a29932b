from accounts.selectors import user_can_access_admin


def admin_access(request):
    """`can_access_admin`: show the Wagtail user bar only to people who may use it."""
    user = getattr(request, "user", None)
    return {"can_access_admin": bool(user) and user_can_access_admin(user)}
