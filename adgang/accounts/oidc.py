"""Production login: OpenID Connect against the organisation's identity broker (SPEC §1).

Organisation (CVR), employee (RID), name and rights come from claims (claim names are
settings, NemLog-in's professional attributes by default). The identity broker is the
authority on rights, so a login replaces the rights held before. The result is the same
session as a test-portal login: a Person acting for the organisation of the claims.
"""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from adgang.accounts import services
from adgang.accounts.models import Membership, OrganisationKind
from adgang.accounts.rights import RIGHTS
from adgang.audit.services import SYSTEM
from adgang.registers.registry import get_register

logger = logging.getLogger(__name__)


def _claim(claims: dict, setting: str) -> str:
    value = claims.get(getattr(settings, setting))
    return str(value).strip() if value is not None else ""


def _claimed_rights(claims: dict) -> list[str]:
    value = claims.get(settings.ADGANG_OIDC_CLAIM_RIGHTS) or []
    if isinstance(value, str):
        value = value.replace(" ", ",").split(",")
    # Rights we do not know (other services' privileges) are ignored, not fatal.
    return sorted({slug for slug in value if slug in RIGHTS})


class AdgangOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(
            _claim(claims, "ADGANG_OIDC_CLAIM_CVR") and _claim(claims, "ADGANG_OIDC_CLAIM_RID")
        )

    def filter_users_by_claims(self, claims):
        membership = self._membership(claims)
        if membership is None:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(pk=membership.person_id)

    def _membership(self, claims) -> Membership | None:
        return (
            Membership.objects.select_related("person", "organisation")
            .filter(
                organisation__cvr=_claim(claims, "ADGANG_OIDC_CLAIM_CVR"),
                rid=_claim(claims, "ADGANG_OIDC_CLAIM_RID"),
            )
            .first()
        )

    def create_user(self, claims):
        return self._sync(claims).person

    def update_user(self, user, claims):
        return self._sync(claims).person

    def _sync(self, claims) -> Membership:
        """Create or update organisation, person and rights from the claims, logged."""
        cvr = _claim(claims, "ADGANG_OIDC_CLAIM_CVR")
        record = get_register().lookup_company(cvr)
        org_name = _claim(claims, "ADGANG_OIDC_CLAIM_ORG_NAME") or (record.name if record else cvr)
        kind = record.kind if record else OrganisationKind.VIRKSOMHED
        existing = self._membership(claims)
        if existing is not None:
            org_name, kind = existing.organisation.name, existing.organisation.kind
        try:
            with transaction.atomic():
                user = services.testportal_user_upsert(
                    cvr=cvr,
                    org_name=org_name,
                    org_kind=kind,
                    rid=_claim(claims, "ADGANG_OIDC_CLAIM_RID"),
                    name=_claim(claims, "ADGANG_OIDC_CLAIM_NAME")
                    or _claim(claims, "ADGANG_OIDC_CLAIM_RID"),
                    rights=_claimed_rights(claims),
                    actor=SYSTEM,
                )
        except services.AccountError as error:
            logger.warning("OIDC login refused: %s", error)
            raise SuspiciousOperation("Claims do not describe a valid employee.") from error
        person = user.membership.person
        if claims.get("sub") and person.oidc_subject != claims["sub"]:
            person.oidc_subject = claims["sub"]
            person.save(update_fields=["oidc_subject"])
        return user.membership


class AdgangOIDCCallbackView(OIDCAuthenticationCallbackView):
    """After the broker's callback: start the acting context for the claims' organisation."""

    def login_success(self):
        response = super().login_success()
        # An OIDC identity is one employee (CVR + RID): one membership.
        services.session_start(self.request, self.user)
        return response
