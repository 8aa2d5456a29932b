"""What several browser tests share: signing in through the site's login form."""

from playwright.sync_api import expect

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory's password


def log_in(page, user, password: str = PASSWORD) -> None:
    """Sign `user` in through /accounts/login/ and wait until the header shows them."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
