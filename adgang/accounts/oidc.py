"""Production login: OpenID Connect against the organisation's identity broker (SPEC §1).

Organisation (CVR), employee (RID), name and rights come from claims (claim names are the
ADGANG_OIDC_CLAIM_* settings, NemLog-in's professional attributes by default). The identity
broker is the authority on rights, so every login replaces the rights held before (logged
with before and after). The result is the same session as a test-portal login: the Person
acting for the organisation of the claims (`services.session_start`).

On top of mozilla-django-oidc this module checks what the library leaves out: the ID
token's audience and (when OIDC_OP_ISSUER is set) issuer, that iss, sub, aud, exp and iat
are present, and that UserInfo describes the same subject as the ID token. Every failure
ends on the login page with a Danish message; nothing is saved unless the login succeeds.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from adgang.accounts import services
from adgang.accounts.models import Membership, Organisation, Person
from adgang.accounts.rights import RIGHTS, SYSTEMFORVALTER
from adgang.audit.services import SYSTEM
from adgang.registers.base import RegisterError
from adgang.registers.registry import get_register
from adgang.registers.validation import normalise_cvr

logger = logging.getLogger(__name__)

ID_TOKEN_REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat"]
CLOCK_SKEW_SECONDS = 60


class LoginRefused(Exception):
    """The broker vouched for someone the portal will not let in; the message is for them."""

    def __init__(self, reason: str) -> None:
        super().__init__(_("Du blev ikke logget ind: %(reason)s") % {"reason": reason})


def _claim(claims: dict, setting: str) -> str:
    value = claims.get(getattr(settings, setting))
    return str(value).strip() if isinstance(value, str | int) else ""


def _claimed_rights(claims: dict, cvr: str) -> list[str]:
    value = claims.get(settings.ADGANG_OIDC_CLAIM_RIGHTS) or []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple):
        return []
    # Rights we do not know (other services' privileges) are ignored, not fatal.
    rights = {slug for slug in value if isinstance(slug, str) and slug in RIGHTS}
    if cvr not in settings.ADGANG_PLATFORM_OPERATOR_CVRS:
        # Systemforvalter opens every organisation: only the platform operator may grant it.
        rights.discard(SYSTEMFORVALTER)
    return sorted(rights)


def _organisation_name_and_kind(cvr: str) -> tuple[str, str]:
    """An organisation we know keeps its name and kind; a new one takes the register's."""
    organisation = Organisation.objects.filter(cvr=cvr).first()
    if organisation is not None:
        return organisation.name, organisation.kind
    try:
        record = get_register().lookup_company(cvr)
    except RegisterError as error:
        raise LoginRefused(str(error)) from error
    if record is None:
        raise LoginRefused(_("CVR-nummer %(cvr)s findes ikke i CVR-registret.") % {"cvr": cvr})
    return record.name, record.kind


def employee_sync(claims: dict) -> Membership:
    """The organisation, employee and rights the claims describe, created or updated (§1).

    Raises LoginRefused (and saves nothing) when the claims do not describe a valid
    employee of an organisation the CVR register knows.
    """
    cvr = _claim(claims, "ADGANG_OIDC_CLAIM_CVR")
    rid = _claim(claims, "ADGANG_OIDC_CLAIM_RID")
    if not cvr or not rid:
        raise LoginRefused(
            _("MitID Erhverv oplyste ikke både din organisations CVR-nummer og dit RID-nummer.")
        )
    try:
        cvr = normalise_cvr(cvr)
    except ValueError as error:
        raise LoginRefused(str(error)) from error
    org_name, org_kind = _organisation_name_and_kind(cvr)
    try:
        with transaction.atomic():
            user = services.testportal_user_upsert(
                cvr=cvr,
                org_name=org_name,
                org_kind=org_kind,
                rid=rid,
                name=_claim(claims, "ADGANG_OIDC_CLAIM_NAME") or rid,
                rights=_claimed_rights(claims, cvr),
                actor=SYSTEM,
            )
            _bind_subject(user.membership.person, str(claims["sub"]))
    except services.AccountError as error:
        raise LoginRefused(str(error)) from error
    return user.membership


def _bind_subject(person: Person, sub: str) -> None:
    """Remember the broker's subject; one subject never names two people."""
    if person.oidc_subject == sub:
        return
    if Person.objects.filter(oidc_subject=sub).exclude(pk=person.pk).exists():
        raise services.AccountError(
            _("Din MitID Erhverv-identitet er allerede knyttet til en anden medarbejder.")
        )
    person.oidc_subject = sub
    person.save(update_fields=["oidc_subject"])


class AdgangOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; every other login is not ours.
        if request is None or "nonce" not in kwargs or not settings.ADGANG_OIDC_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except LoginRefused as refusal:
            logger.info("OIDC login refused: %s", refusal)
            request.adgang_login_refusal = str(refusal)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as error:
            logger.warning("OIDC login failed: %s", error)
        return None

    def get_payload_data(self, token, key):
        """Verify the ID token fully (OIDC Core §3.1.3.7); the library skips the audience."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.get_settings("OIDC_OP_ISSUER", None) or None,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ID_TOKEN_REQUIRED_CLAIMS},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token rejected: {error}") from error

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("UserInfo describes another subject than the ID token.")
        membership = employee_sync(claims)
        person = membership.person
        # The callback starts the session for this membership's organisation.
        person.oidc_membership = membership
        return person


class AdgangOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the broker; absent (404) where OIDC is not configured."""

    def get(self, request):
        if not settings.ADGANG_OIDC_ENABLED:
            raise Http404
        return super().get(request)


class AdgangOIDCCallbackView(OIDCAuthenticationCallbackView):
    """The broker's answer: act for the claims' organisation, or say why not."""

    def get(self, request):
        if not settings.ADGANG_OIDC_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as error:  # a state this browser never asked for
            logger.warning("OIDC callback refused: %s", error)
            return self.login_failure()

    def login_success(self):
        services.session_start(self.request, self.user, self.user.oidc_membership)
        return HttpResponseRedirect(self.success_url)

    def login_failure(self):
        refusal = getattr(self.request, "adgang_login_refusal", None)
        auth.logout(self.request)
        failed = _("Du blev ikke logget ind: login med MitID Erhverv mislykkedes. Prøv igen.")
        messages.error(self.request, refusal or failed)
        return redirect(settings.LOGIN_URL)
