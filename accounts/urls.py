"""The account page (/accounts/); allauth's pages share the prefix (lms_site/urls.py)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.account_overview, name="account_overview"),
]
