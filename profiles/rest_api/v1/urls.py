from django.urls import path

from profiles.rest_api.v1.views import MyProfileView

urlpatterns = [path("me/profile/", MyProfileView.as_view(), name="me-profile")]
