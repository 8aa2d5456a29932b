from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns: list = [
    path("", views.profile_edit, name="edit"),
]
