from django.urls import path

from profiles import consent_views

app_name = "consent"

urlpatterns = [
    path("accept/", consent_views.accept, name="accept"),
    path("marketing/", consent_views.marketing, name="marketing"),
    path("documents/<slug:kind>/", consent_views.document, name="document"),
]
