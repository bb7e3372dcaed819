"""Reads of authority information, always for one organisation (DESIGN "Tenant isolation")."""

from __future__ import annotations

import uuid

from django.http import Http404

from adgang.accounts.models import Organisation
from adgang.authorityinfo.models import AuthorityInfo


def info_of(organisation: Organisation) -> AuthorityInfo | None:
    """The organisation's link and logo facts, without the PNG bytes (pages list them)."""
    return AuthorityInfo.objects.defer("logo_png").filter(organisation=organisation).first()


def logo_of(organisation: Organisation, info_id: uuid.UUID | str | None = None) -> AuthorityInfo:
    """The row with the logo, or 404. With `info_id` (the preview URL's id) the row must be
    this organisation's: another organisation's id answers 404, as no logo at all does."""
    rows = AuthorityInfo.objects.filter(organisation=organisation).exclude(logo_sha256="")
    if info_id is not None:
        rows = rows.filter(pk=info_id)
    info = rows.first()
    if info is None:
        raise Http404
    return info


def organisation_by_api_id(value: str) -> Organisation | None:
    """`{id}` of `/apis/v1/organisations/{id}/logo`: the organisation's id (a UUID, NgDP's
    `organisationId`) or, for platforms that know a sender only from the MeMo's `senderID`,
    its 8-digit CVR number."""
    text = (value or "").strip()
    if len(text) == 8 and text.isascii() and text.isdigit():
        return Organisation.objects.filter(cvr=text).first()
    try:
        key = uuid.UUID(text)
    except (ValueError, AttributeError):
        return None
    return Organisation.objects.filter(pk=key).first()


def logo_png_of(organisation: Organisation) -> AuthorityInfo | None:
    """The row with the PNG for the API, or None when the organisation has no logo."""
    return AuthorityInfo.objects.filter(organisation=organisation).exclude(logo_sha256="").first()
