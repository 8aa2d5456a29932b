"""JWT endpoints: obtain, refresh (rotating) and logout (blacklists the refresh token)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from lms_site.rest.exceptions import DomainError
from lms_site.rest.throttling import AuthRateThrottle


class TokenObtainView(TokenObtainPairView):
    """Exchange email and password for an access token (5 min) and a refresh token (1 day)."""

    throttle_classes = [AuthRateThrottle]


class TokenRefreshRotatingView(TokenRefreshView):
    """Exchange a refresh token for a new access token and a new refresh token; the old one is blacklisted."""

    throttle_classes = [AuthRateThrottle]


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class LogoutView(APIView):
    """Blacklist a refresh token so it can never be used again."""

    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        request=LogoutSerializer,
        responses={200: inline_serializer("LogoutResult", {"logged_out": serializers.BooleanField()})},
    )
    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as exc:
            raise DomainError(str(exc), code="token_not_valid", status_code=status.HTTP_401_UNAUTHORIZED) from exc
        return Response({"logged_out": True})
