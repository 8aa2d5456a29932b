"""JWT endpoints: obtain, refresh (rotating) and logout (blacklists the refresh token)."""

from allauth.account.models import EmailAddress
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.models import update_last_login
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import serializers as simplejwt_serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as simplejwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.tokens import FamilyRefreshSerializer
from lms_site.rest.exceptions import DomainError
from lms_site.rest.throttling import AuthRateThrottle
from mfa import services as mfa_services


def _email_verified(user) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


class TokenObtainPairSerializer(simplejwt_serializers.TokenObtainPairSerializer):
    """Email and password, plus `otp` for an account with two-factor authentication."""

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=32,
        help_text="Second factor, required when the account has two-factor authentication: the 6-digit "
        "code from the authenticator app or an unused backup code. Each code works once.",
    )
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def validate(self, attrs):
        # The password step (django-axes counts its failures); the tokens are built only after the second factor.
        simplejwt_serializers.TokenObtainSerializer.validate(self, attrs)
        request = self.context.get("request")
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not _email_verified(self.user):
            # As on the site: the password was right, but the address must be confirmed first.
            raise DomainError(
                "Confirm your email address first: follow the link in the message we sent you.",
                code="email_unverified",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        try:
            mfa_services.mfa_api_check(user=self.user, code=attrs.get("otp") or "", request=request)
        except mfa_services.MFAError as exc:
            forbidden = exc.code == "mfa_enrollment_required"
            status_code = status.HTTP_403_FORBIDDEN if forbidden else status.HTTP_401_UNAUTHORIZED
            raise DomainError(exc.message, code=exc.code, status_code=status_code) from exc
        refresh = self.get_token(self.user)
        # A successful sign-in clears the account's failure count, as user_logged_in does on the site.
        AxesProxyHandler.user_logged_in(sender=type(self), request=request, user=self.user)
        if simplejwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, self.user)
        from audit.services import audit_record  # audit: a JWT issued is a login (user_logged_in is not sent)

        audit_record("auth.token.issue", actor=self.user, target=self.user, request=request, details={"via": "api"})
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


@extend_schema(
    responses={
        200: TokenObtainPairSerializer,
        401: OpenApiResponse(
            response=OpenApiTypes.OBJECT,
            description="Wrong email or password (`no_active_account`); the account has two-factor "
            "authentication and `otp` is missing (`mfa_required`) or wrong or already used (`mfa_invalid`).",
        ),
        403: OpenApiResponse(
            response=OpenApiTypes.OBJECT,
            description="Two-factor authentication is mandatory for this staff account and no authenticator "
            "app is set up yet (`mfa_enrollment_required`): set one up on the site's security page first; "
            "or the email address is not confirmed yet (`email_unverified`).",
        ),
    }
)
class TokenObtainView(TokenObtainPairView):
    """Exchange email and password (and `otp`, for an account with two-factor authentication) for an
    access token (5 min) and a refresh token (1 day). No token is issued without the second factor."""

    serializer_class = TokenObtainPairSerializer
    throttle_classes = [AuthRateThrottle]


class TokenRefreshRotatingView(TokenRefreshView):
    """Exchange a refresh token for a new access token and a new refresh token; the old one is blacklisted.

    Presenting a refresh token that was already rotated out revokes every token of its sign-in
    (401 `token_reused`): see accounts.tokens.
    """

    serializer_class = FamilyRefreshSerializer
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
