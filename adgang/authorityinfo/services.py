"""Every change to authority information (SPEC §9, guide §11), each in one transaction with
its action-log entry (subject Myndighedsinformation, SPEC §14).

Rules checked here whatever the caller (pages, `/apis/v1/organisations/{id}/logo`, demo):
- only authorities have authority information (SPEC §1);
- the privacy link passes `validation.privacy_link_clean`;
- a logo passes `images.logo_check` and only its re-encoded PNG is stored.
The organisation's row is locked first, so two saves at once are applied one after the
other and each logs the value the other left.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _log_text

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import Actor, action_record
from adgang.authorityinfo import images
from adgang.authorityinfo.models import AuthorityInfo
from adgang.authorityinfo.validation import privacy_link_clean
from adgang.core.clock import now
from adgang.documents.responses import safe_filename

FIELD_LINK = _log_text("Link til privatlivspolitik")
FIELD_LOGO = _log_text("Logo")
OBJECT_NAME = _log_text("Myndighedsinformation")
LOGO_FILENAME_MAX = 100


class AuthorityInfoRefused(Exception):
    """The organisation may not have authority information (it is not an authority)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _locked_info(organisation: Organisation) -> AuthorityInfo:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_authority:
        raise AuthorityInfoRefused(_("Kun myndigheder har myndighedsinformation."))
    info, _created = AuthorityInfo.objects.get_or_create(organisation=organisation)
    return info


def _log(*, actor: Actor, info: AuthorityInfo, event, field, before, after) -> None:
    action_record(
        actor=actor,
        organisation=info.organisation,
        subject=Subject.MYNDIGHEDSINFORMATION,
        event=event,
        object_id=info.organisation.cvr,
        object_name=OBJECT_NAME,
        field=field,
        before=before,
        after=after,
    )


def privacy_link_set(*, actor: Actor, organisation: Organisation, link: str) -> AuthorityInfo:
    """Save the link to the organisation's privacy policy ("Gem", guide §11.3).

    Raises `django.core.exceptions.ValidationError` for a link the rule refuses; saving the
    same link again changes and logs nothing.
    """
    cleaned = privacy_link_clean(link)
    with transaction.atomic():
        info = _locked_info(organisation)
        before = info.privacy_link
        if before == cleaned:
            return info
        info.privacy_link = cleaned
        info.save(update_fields=["privacy_link", "updated_at"])
        _log(
            actor=actor,
            info=info,
            event=_log_text("Ændret") if before else _log_text("Oprettet"),
            field=FIELD_LINK,
            before=before,
            after=cleaned,
        )
    return info


def privacy_link_delete(*, actor: Actor, organisation: Organisation) -> bool:
    """Remove the link ("Slet"); False when there was none (nothing logged)."""
    with transaction.atomic():
        info = _locked_info(organisation)
        before = info.privacy_link
        if not before:
            return False
        info.privacy_link = ""
        info.save(update_fields=["privacy_link", "updated_at"])
        _log(
            actor=actor,
            info=info,
            event=_log_text("Slettet"),
            field=FIELD_LINK,
            before=before,
            after="",
        )
    return True


def _logo_filename(filename: str) -> str:
    name = safe_filename(filename or "logo.png")
    if len(name) > LOGO_FILENAME_MAX:
        name = name[-LOGO_FILENAME_MAX:]
    return name


def logo_set(
    *, actor: Actor, organisation: Organisation, content: bytes, filename: str
) -> AuthorityInfo:
    """Check, re-encode and save the organisation's logo ("Gem", guide §11.4); it is shown on
    the organisation's post from this moment. Raises `images.LogoRefused` (nothing saved)."""
    logo = images.logo_check(content)
    with transaction.atomic():
        info = _locked_info(organisation)
        before = info.logo_label
        info.logo_png = logo.png
        info.logo_filename = _logo_filename(filename)
        info.logo_width = logo.width
        info.logo_height = logo.height
        info.logo_sha256 = logo.sha256
        info.logo_updated_at = now()
        info.save()
        _log(
            actor=actor,
            info=info,
            event=_log_text("Ændret") if before != "Intet" else _log_text("Oprettet"),
            field=FIELD_LOGO,
            before=before,
            after=info.logo_label,
        )
    return info


def logo_delete(*, actor: Actor, organisation: Organisation) -> bool:
    """Remove the logo; False when there was none (nothing logged)."""
    with transaction.atomic():
        info = _locked_info(organisation)
        if not info.has_logo:
            return False
        before = info.logo_label
        info.logo_png = b""
        info.logo_filename = ""
        info.logo_width = info.logo_height = None
        info.logo_sha256 = ""
        info.logo_updated_at = now()
        info.save()
        _log(
            actor=actor,
            info=info,
            event=_log_text("Slettet"),
            field=FIELD_LOGO,
            before=before,
            after="Intet",
        )
    return True
