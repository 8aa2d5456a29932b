from django.urls import path

from accounts.rest_api.v1.views import MeView

urlpatterns = [path("me/", MeView.as_view(), name="me")]
