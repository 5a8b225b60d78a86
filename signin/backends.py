"""Single sign-on: the identity provider vouches for an e-mail address, we decide who it is."""

from __future__ import annotations

import logging

import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q, QuerySet
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from signin.refusal import REFUSAL_SESSION_KEY

log = logging.getLogger(__name__)


class InvitedStaffBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active user whose e-mail the provider says is verified and who
    was invited (has a membership in an organisation, or is a superuser). Never creates a
    user: OIDC_CREATE_USER is off, and `create_user` refuses as well."""

    def authenticate(self, request, **kwargs):
        # Only the callback exchanges a code: a password form posted with ?code=&state= in its
        # address must not make the server call the provider.
        if request is None or request.path != reverse("oidc_authentication_callback"):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as error:
            # A provider that is down or answers with a bad token is a refusal, not a 500.
            log.warning("Single sign-on failed: %s", error)
            self._refuse("provider")
            return None

    def verify_token(self, token, **kwargs):
        """The parent checks signature and nonce; the token must also be meant for us."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("The ID token was issued to another client.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims with the userinfo endpoint's on top: Microsoft Entra
        ID puts optional claims in the ID token only, oidc-provider in userinfo only."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        return {**payload, **userinfo}

    def verify_claims(self, claims) -> bool:
        email = claims.get("email")
        if not isinstance(email, str) or not email.strip() or len(email) > 254:
            self._refuse("no_email")
            return False
        # Microsoft Entra ID sends no email_verified for work accounts; its optional claim
        # xms_edov says the tenant owns the address's domain (docs/operations.md).
        if claims.get("email_verified") is not True and claims.get("xms_edov") is not True:
            self._refuse("unverified", email)
            return False
        return True

    def filter_users_by_claims(self, claims) -> QuerySet:
        email = claims["email"].strip()
        users = (
            get_user_model()
            .objects.filter(email__iexact=email, is_active=True)
            .filter(Q(memberships__isnull=False) | Q(is_superuser=True))
            .distinct()
        )
        if not users:
            self._refuse("unknown", email)
        elif len(users) > 1:
            # mozilla-django-oidc refuses two users with one address; say why on the page.
            self._refuse("ambiguous", email)
        return users

    def create_user(self, claims):
        raise SuspiciousOperation("Single sign-on never creates users.")

    def _refuse(self, reason: str, email: str = "") -> None:
        log.info("Single sign-on refused (%s)", reason)
        self.request.session[REFUSAL_SESSION_KEY] = {"reason": reason, "email": email[:254]}
