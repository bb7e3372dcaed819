"""Signing citizens and companies up to NemSMS, changing their number, unregistering them, and
confirming a number through the SMS link (SPEC §7, guide §9).

Every function re-checks its rules (a tampered request or a script gets the same refusal as
the form), runs in one transaction and writes the action log (subject NemSMS, field
"Telefonnummer" with before and after) inside it.

Life of a registration: "Tilmeld" makes it PENDING and sends a confirmation link by SMS; the
link makes it ACTIVE. "Skift nummer" on an active registration keeps the old number active
(NemSMS messages keep reaching it) and sends a link to the new number, which replaces the
old one only when confirmed; on a pending registration the unconfirmed number is simply
replaced. Each new link supersedes the registration's earlier one, so only the latest link
confirms anything. "Frameld" cancels the registration and every open link at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, Actor, action_record
from adgang.core.clock import now
from adgang.nemsms.gateway import sms_send
from adgang.nemsms.models import (
    NemSmsConfirmation,
    NemSmsIdType,
    NemSmsRegistration,
    NemSmsState,
)
from adgang.nemsms.phone import PhoneInputError, phone_normalise
from adgang.nemsms.tokens import VALID_FOR, token_new
from adgang.registers.validation import normalise_cpr, normalise_cvr

FIELD_PHONE = _("Telefonnummer")
EVENT_SIGNED_UP = _("Tilmeldt")
EVENT_CONFIRMED = _("Tilmelding bekræftet")
EVENT_PHONE_CHANGED = _("Telefonnummer ændret")
EVENT_CANCELLED = _("Afmeldt")
EVENT_LINK_RESENT = _("Bekræftelseslink sendt igen")
REASON_CONFIRMED = _("Bekræftet via link")
REASON_AWAITS = _("Afventer bekræftelse via link sendt på sms")

ALREADY_REGISTERED = {
    NemSmsIdType.CPR: _("Borgeren er allerede tilmeldt NemSMS."),
    NemSmsIdType.CVR: _("Virksomheden er allerede tilmeldt NemSMS."),
}
NOT_REGISTERED = {
    NemSmsIdType.CPR: _("Borgeren er ikke tilmeldt NemSMS."),
    NemSmsIdType.CVR: _("Virksomheden er ikke tilmeldt NemSMS."),
}
NOTHING_AWAITS = _("Der er intet telefonnummer, der afventer bekræftelse.")
SAME_PHONE = _("Telefonnummeret er det samme som det tilmeldte. Indtast det nye nummer.")

CONFIRMATION_SMS = _(
    "NemSMS: Bekræft tilmeldingen af dette nummer til servicebeskeder fra det offentlige. "
    "Åbn linket inden 48 timer: %(link)s"
)


class NemSmsError(ValueError):
    """A refused change; `message` is Danish, `field` the form field it belongs to."""

    def __init__(self, message, *, code: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class NemSmsChange:
    """What a caseworker's change did: the receipt is written from this."""

    registration: NemSmsRegistration
    phone: str  # the number signed up or changed to, or the one unregistered (E.164)
    before: str  # the active number before the change ("" for a sign-up)
    at: datetime


def _number_normalise(id_type: str, number: str) -> str:
    if id_type == NemSmsIdType.CPR:
        return normalise_cpr(number)
    if id_type == NemSmsIdType.CVR:
        return normalise_cvr(number)
    raise ValueError(f"Unknown NemSMS id type {id_type!r}")


def _phone(phone: str) -> str:
    try:
        return phone_normalise(phone)
    except PhoneInputError as error:
        raise NemSmsError(error.message, code=error.code, field="phone") from None


def _live_locked(id_type: str, number: str) -> NemSmsRegistration | None:
    return (
        NemSmsRegistration.objects.select_for_update()
        .filter(id_type=id_type, number=number)
        .exclude(state=NemSmsState.CANCELLED)
        .first()
    )


def _supersede_open(registration: NemSmsRegistration, moment: datetime) -> None:
    registration.confirmations.filter(used_at__isnull=True, superseded_at__isnull=True).update(
        superseded_at=moment
    )


def confirmation_link(token: str) -> str:
    base = settings.ADGANG_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("nemsms:confirm", args=[token])


def _link_send(
    registration: NemSmsRegistration, phone: str, organisation, moment: datetime
) -> None:
    """Supersede the registration's open link, store a new one and send it by SMS."""
    _supersede_open(registration, moment)
    token, digest = token_new()
    NemSmsConfirmation.objects.create(
        registration=registration,
        phone=phone,
        organisation=organisation,
        token_hash=digest,
        created_at=moment,
        expires_at=moment + VALID_FOR,
    )
    sms_send(phone=phone, text=str(CONFIRMATION_SMS % {"link": confirmation_link(token)}))


def _log(actor: Actor, organisation, registration, name: str, event, before, after, **extra):
    action_record(
        actor=actor,
        organisation=organisation,
        subject=Subject.NEMSMS,
        event=event,
        object_id=registration.pk,
        object_name=name,
        concerns=registration.number,
        field=FIELD_PHONE,
        before=before,
        after=after,
        **extra,
    )


def nemsms_signup(
    *, actor: Actor, organisation, id_type: str, number: str, name: str, phone: str
) -> NemSmsChange:
    """ "Tilmeld" (guide §9.3 step 3): a pending registration and a confirmation link by SMS.

    Refused when the citizen or company already has a pending or active registration.
    """
    number = _number_normalise(id_type, number)
    phone = _phone(phone)
    moment = now()
    try:
        with transaction.atomic():
            if _live_locked(id_type, number) is not None:
                raise NemSmsError(ALREADY_REGISTERED[id_type], code="already_registered")
            registration = NemSmsRegistration.objects.create(
                id_type=id_type,
                number=number,
                phone=phone,
                state=NemSmsState.PENDING,
                organisation=organisation,
                created_at=moment,
                created_by=actor.display,
                name=name,
            )
            _link_send(registration, phone, organisation, moment)
            _log(
                actor,
                organisation,
                registration,
                name,
                EVENT_SIGNED_UP,
                "",
                phone,
                reason=REASON_AWAITS,
            )
    except IntegrityError:
        # Two sign-ups at once: the partial unique constraint lets exactly one through.
        raise NemSmsError(ALREADY_REGISTERED[id_type], code="already_registered") from None
    return NemSmsChange(registration=registration, phone=phone, before="", at=moment)


def nemsms_phone_change(
    *, actor: Actor, organisation, id_type: str, number: str, name: str, phone: str
) -> NemSmsChange:
    """ "Skift nummer": a confirmation link to the new number (SPEC §7).

    On an active registration the old number stays active until the new one is confirmed;
    on a pending one the unconfirmed number is replaced at once. Either way the earlier link
    no longer confirms anything.
    """
    number = _number_normalise(id_type, number)
    phone = _phone(phone)
    moment = now()
    with transaction.atomic():
        registration = _live_locked(id_type, number)
        if registration is None:
            raise NemSmsError(NOT_REGISTERED[id_type], code="not_registered")
        if phone == registration.phone:
            raise NemSmsError(SAME_PHONE, code="same_phone", field="phone")
        before = registration.phone
        if registration.state == NemSmsState.PENDING:
            registration.phone = phone
        registration.updated_at = moment
        registration.updated_by = actor.display
        registration.save(update_fields=["phone", "updated_at", "updated_by"])
        _link_send(registration, phone, organisation, moment)
        _log(
            actor,
            organisation,
            registration,
            name,
            EVENT_PHONE_CHANGED,
            before,
            phone,
            reason=REASON_AWAITS,
        )
    return NemSmsChange(registration=registration, phone=phone, before=before, at=moment)


def nemsms_unregister(
    *, actor: Actor, organisation, id_type: str, number: str, name: str
) -> NemSmsChange:
    """ "Frameld" (guide §9.3 step 2): the registration is cancelled, its open link with it.
    NemSMS messages to the citizen or company fail from now on ("NemSMS fejlet")."""
    number = _number_normalise(id_type, number)
    moment = now()
    with transaction.atomic():
        registration = _live_locked(id_type, number)
        if registration is None:
            raise NemSmsError(NOT_REGISTERED[id_type], code="not_registered")
        phone = registration.phone
        registration.state = NemSmsState.CANCELLED
        registration.cancelled_at = moment
        registration.updated_at = moment
        registration.updated_by = actor.display
        registration.save(update_fields=["state", "cancelled_at", "updated_at", "updated_by"])
        _supersede_open(registration, moment)
        _log(actor, organisation, registration, name, EVENT_CANCELLED, phone, "")
    return NemSmsChange(registration=registration, phone=phone, before=phone, at=moment)


def nemsms_link_resend(
    *, actor: Actor, organisation, id_type: str, number: str, name: str
) -> NemSmsChange:
    """ "Send nyt link": a fresh link (48 hours again) to the number awaiting confirmation,
    e.g. after the first one expired; the earlier link stops working."""
    number = _number_normalise(id_type, number)
    moment = now()
    with transaction.atomic():
        registration = _live_locked(id_type, number)
        if registration is None:
            raise NemSmsError(NOT_REGISTERED[id_type], code="not_registered")
        if registration.state == NemSmsState.PENDING:
            phone = registration.phone
        else:
            waiting = registration.confirmations.filter(
                used_at__isnull=True, superseded_at__isnull=True
            ).first()
            if waiting is None:
                raise NemSmsError(NOTHING_AWAITS, code="nothing_awaits")
            phone = waiting.phone
        _link_send(registration, phone, organisation, moment)
        _log(
            actor,
            organisation,
            registration,
            name,
            EVENT_LINK_RESENT,
            "",
            phone,
            reason=REASON_AWAITS,
        )
    return NemSmsChange(registration=registration, phone=phone, before="", at=moment)


# --- the citizen's confirmation link ----------------------------------------------------


class ConfirmationProblem(ValueError):
    """Why a link confirms nothing: `code` is one of the keys of `PROBLEMS` (views.py)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


UNKNOWN, EXPIRED, USED, SUPERSEDED = "unknown", "expired", "used", "superseded"


def confirmation_problem(confirmation: NemSmsConfirmation | None, moment: datetime) -> str | None:
    """The reason the link cannot confirm, or None while it can (SPEC §7: 48 hours, once,
    only the registration's latest link, only while the registration is live)."""
    if confirmation is None:
        return UNKNOWN
    if confirmation.used_at is not None:
        return USED
    registration = confirmation.registration
    if confirmation.superseded_at is not None or registration.state == NemSmsState.CANCELLED:
        return SUPERSEDED
    if registration.state == NemSmsState.PENDING and confirmation.phone != registration.phone:
        return SUPERSEDED
    if moment >= confirmation.expires_at:
        return EXPIRED
    return None


def nemsms_confirm(*, token: str) -> NemSmsChange:
    """The citizen pressed "Bekræft" on the link's page: the number becomes the active one.

    Logged with actor System ("Bekræftet via link") in the log of the organisation that sent
    the link. A used, expired, superseded or unknown link raises `ConfirmationProblem` and
    changes nothing; of two simultaneous confirmations exactly one wins (row lock).
    """
    from adgang.nemsms.selectors import confirmation_by_token

    moment = now()
    found = confirmation_by_token(token)
    if found is None:
        raise ConfirmationProblem(UNKNOWN)
    with transaction.atomic():
        registration = NemSmsRegistration.objects.select_for_update().get(pk=found.registration_id)
        confirmation = NemSmsConfirmation.objects.select_for_update().get(pk=found.pk)
        confirmation.registration = registration
        problem = confirmation_problem(confirmation, moment)
        if problem is not None:
            raise ConfirmationProblem(problem)
        confirmation.used_at = moment
        confirmation.save(update_fields=["used_at"])
        before = registration.phone if registration.state == NemSmsState.ACTIVE else ""
        registration.phone = confirmation.phone
        registration.state = NemSmsState.ACTIVE
        registration.confirmed_at = moment
        registration.updated_at = moment
        registration.updated_by = SYSTEM.display
        registration.save(
            update_fields=["phone", "state", "confirmed_at", "updated_at", "updated_by"]
        )
        organisation = confirmation.organisation or registration.organisation
        _log(
            SYSTEM,
            organisation,
            registration,
            registration.name,
            EVENT_CONFIRMED,
            before,
            registration.phone,
            reason=REASON_CONFIRMED,
        )
    return NemSmsChange(
        registration=registration, phone=registration.phone, before=before, at=moment
    )
