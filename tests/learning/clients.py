"""API clients signed in as a user, by session or by JWT."""

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def jwt_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client
