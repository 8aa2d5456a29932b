"""JWT refresh-token families and revocation.

Every refresh token descends from one login: its family is the `jti` of that first token
(carried in the `fam` claim once the token has been rotated). simplejwt refuses a rotated-out
refresh token but leaves the newer token of the same family valid; here, presenting a
rotated-out (blacklisted) refresh token is treated as theft — someone holds a copy — and every
live token of its family is blacklisted. The rightful client signs in again.

A password change or deactivation blacklists every refresh token of the user; access tokens
carry a digest of the password hash (simplejwt's CHECK_REVOKE_TOKEN) and the user must be
active, so they stop working on their next use.
"""

import jwt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from accounts.models import User
from audit.services import audit_record
from lms_site.rest.exceptions import DomainError

FAMILY_CLAIM = "fam"


def token_family(payload: dict) -> str:
    return payload.get(FAMILY_CLAIM) or payload[api_settings.JTI_CLAIM]


def _live_tokens(user_id):
    return (
        OutstandingToken.objects.filter(user_id=user_id, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
        .order_by()
        .select_for_update(of=("self",))
    )


def _payload_unverified(raw: str) -> dict:
    # Only tokens read back from our own table: they were verified when they were issued.
    return jwt.decode(raw, options={"verify_signature": False})


def token_family_revoke(user_id, family: str) -> int:
    """Blacklist every live refresh token of `family`; returns how many."""
    revoked = 0
    with transaction.atomic():
        for outstanding in _live_tokens(user_id):
            if token_family(_payload_unverified(outstanding.token)) == family:
                BlacklistedToken.objects.get_or_create(token=outstanding)
                revoked += 1
    return revoked


def user_tokens_revoke_all(user_id) -> int:
    """Blacklist every live refresh token of the user (password change, deactivation, erasure)."""
    with transaction.atomic():
        live = list(_live_tokens(user_id))
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)
    return len(live)


class TokenReused(DomainError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_reused"
    default_detail = "This refresh token was already used. Every token of this sign-in has been revoked: sign in again."


class FamilyRefreshSerializer(serializers.Serializer):
    """simplejwt's rotating refresh, plus family tracking, reuse detection and revocation checks."""

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        raw = attrs["refresh"]
        try:
            # Signature, expiry and type, but not the blacklist: a blacklisted token is reuse.
            payload = UntypedToken(raw).payload
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        if payload.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
            raise InvalidToken("Token has wrong type")
        jti = payload[api_settings.JTI_CLAIM]
        user_id = payload.get(api_settings.USER_ID_CLAIM)
        family = token_family(payload)
        with transaction.atomic():
            # The row lock makes two concurrent uses of one token end as one rotation and one reuse.
            outstanding = OutstandingToken.objects.select_for_update().filter(jti=jti).order_by("pk").first()
            if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
                reused = outstanding is not None
            else:
                reused = False
                user = self._active_user(user_id, payload)
                refresh = RefreshToken(raw, verify=False)  # verified above, with UntypedToken
                refresh[FAMILY_CLAIM] = family
                BlacklistedToken.objects.create(token=outstanding)
                data = {"access": str(refresh.access_token)}
                refresh.set_jti()
                refresh.set_exp()
                refresh.set_iat()
                OutstandingToken.objects.create(
                    user=user,
                    jti=refresh[api_settings.JTI_CLAIM],
                    token=str(refresh),
                    created_at=refresh.current_time,
                    expires_at=datetime_from_epoch(refresh["exp"]),
                )
                data["refresh"] = str(refresh)
        if outstanding is None:
            raise InvalidToken("Token is not known")
        if reused:
            revoked = token_family_revoke(user_id, family)
            audit_record(
                "auth.token.reuse",
                actor=User.objects.filter(pk=user_id).first(),
                request=self.context.get("request"),
                details={"family_tokens_revoked": revoked},
            )
            raise TokenReused()
        return data

    def _active_user(self, user_id, payload):
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise InvalidToken("No active account found for the given token.")
        if api_settings.CHECK_REVOKE_TOKEN and payload.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
            user.password
        ):
            raise InvalidToken("The user's password has been changed.")
        return user


# --- credentials changed: end every token -------------------------------------------------


@receiver(post_init, sender=User, dispatch_uid="accounts.tokens.remember_credentials")
def _remember_credentials(sender, instance, **kwargs):
    instance._lms_credentials = (instance.password, instance.is_active)


@receiver(post_save, sender=User, dispatch_uid="accounts.tokens.credentials_changed")
def _credentials_changed(sender, instance, created, update_fields=None, **kwargs):
    before = getattr(instance, "_lms_credentials", None)
    now = (instance.password, instance.is_active)
    instance._lms_credentials = now
    if created or before is None or before == now:
        return
    password_changed = before[0] != now[0]
    deactivated = before[1] and not now[1]
    if password_changed or deactivated:
        # In the same transaction: if the change rolls back, so does the revocation.
        user_tokens_revoke_all(instance.pk)
