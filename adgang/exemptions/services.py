"""Exempting citizens and companies from Digital Post, renewing and lifting (SPEC §6).

Every function here is one transaction with its action-log entries (subject "Fritagelse")
inside it, and re-checks its rules itself: the forms only give early, friendlier messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, Actor, action_record, action_record_changes
from adgang.core.clock import now as clock_now
from adgang.exemptions.models import (
    Exemption,
    ExemptionIdType,
    ExemptionReason,
    Forwarding,
    LiftCause,
)
from adgang.registers.forms import PERSON_DECEASED
from adgang.registers.types import Address, CompanyRecord, PersonRecord

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

EVENT_EXEMPTED = _("Fritaget")
EVENT_LIFTED = _("Fritagelse ophævet")
EVENT_RENEWED = _("Fritagelse fornyet")
EVENT_EXPIRED = _("Fritagelse udløbet")
EVENT_REENROLLED = _("Fritagelse ophævet ved indrejse")

FIELD_EXEMPT = _("Fritaget")
FIELD_UNTIL = _("Fritaget indtil")
FIELD_FORWARDING = _("Videresendelse")

MSG_ALREADY_EXEMPT = _("Borgeren/virksomheden er allerede fritaget for Digital Post.")
MSG_NOT_IN_FORCE = _(
    "Fritagelsen er ikke længere aktiv. Den kan være ophævet i et andet vindue eller være "
    "udløbet. Søg igen for at se den aktuelle status."
)
MSG_ADDRESS_REQUIRED = _(
    "Borgeren har ingen folkeregisteradresse. Angiv en alternativ adresse, eller markér at "
    "borgeren ikke ønsker at få videresendt uåbnet post."
)
MSG_DECEASED = PERSON_DECEASED
MSG_ADDRESS_PARTS = _("Udfyld vejnavn og nummer, postnummer, by og land.")


class ExemptionError(Exception):
    """A rule refused the change; `message` is Danish and `field` the form field concerned."""

    field: str | None = None

    def __init__(self, message=None, *, field: str | None = None) -> None:
        self.message = str(message if message is not None else self.default)
        if field is not None:
            self.field = field
        super().__init__(self.message)

    default = ""


class ExemptionNotInForce(ExemptionError):
    default = MSG_NOT_IN_FORCE


class AlreadyExempt(ExemptionError):
    default = MSG_ALREADY_EXEMPT


class ForwardingInvalid(ExemptionError):
    default = MSG_ADDRESS_REQUIRED
    field = "forwarding"


@dataclass(frozen=True)
class ForwardingChoice:
    """What happens to unopened post: declined, the registered address or an alternative."""

    kind: str  # a Forwarding value
    address: Address | None = None  # the address used (registered or alternative)


# -- rules -------------------------------------------------------------------------------------


def company_expiry(registered: date) -> date:
    """1 November of the second calendar year after registration (2026-03-05 → 2028-11-01)."""
    return date(registered.year + 2, 11, 1)


def expiry_moment(expires_on: date) -> datetime:
    """The moment an exemption ending on `expires_on` stops: 00:00 Danish time that day."""
    return datetime.combine(expires_on, time(0, 0), tzinfo=COPENHAGEN)


def local_date(moment: datetime) -> date:
    return moment.astimezone(COPENHAGEN).date()


def format_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def address_as_dict(address: Address | None) -> dict:
    if address is None:
        return {}
    return {
        "street": address.street,
        "postcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }


def address_text(data: dict) -> str:
    if not data:
        return ""
    parts = [data.get("street", ""), f"{data.get('postcode', '')} {data.get('city', '')}".strip()]
    if data.get("country") and data["country"] != "Danmark":
        parts.append(data["country"])
    return ", ".join(p for p in parts if p)


def forwarding_text(exemption: Exemption) -> str:
    if exemption.forwarding == Forwarding.DECLINED or not exemption.forward_unopened_post:
        return str(_("Ønsker ikke videresendelse"))
    label = (
        _("Alternativ adresse")
        if exemption.forwarding == Forwarding.ALTERNATIVE
        else (
            _("Folkeregisteradresse")
            if exemption.id_type == ExemptionIdType.CPR
            else _("Hovedkontorets adresse")
        )
    )
    return f"{label}: {address_text(exemption.forward_address)}"


def _check_address(address: Address | None) -> None:
    parts = (address.street, address.postcode, address.city, address.country) if address else ()
    if not parts or not all((part or "").strip() for part in parts):
        raise ForwardingInvalid(MSG_ADDRESS_PARTS, field="street")


def _resolve_forwarding(choice: ForwardingChoice, registered: Address | None) -> tuple[bool, dict]:
    """(forward?, address) after the rules: an address is needed when forwarding is wanted."""
    if choice.kind == Forwarding.DECLINED:
        return False, {}
    if choice.kind == Forwarding.REGISTERED:
        if registered is None:
            raise ForwardingInvalid()
        return True, address_as_dict(registered)
    if choice.kind == Forwarding.ALTERNATIVE:
        _check_address(choice.address)
        return True, address_as_dict(choice.address)
    raise ForwardingInvalid()


def _yes_no(value: bool) -> str:
    return "Ja" if value else "Nej"


# -- creating ----------------------------------------------------------------------------------


def _end_due(id_type: str, number: str, moment: datetime) -> None:
    """Lock the exemption still marked in force for the number and end it when it has
    expired already (the job has not run yet), so a new one can be registered."""
    for exemption in Exemption.objects.select_for_update().filter(
        id_type=id_type, number=number, lifted_at__isnull=True
    ):
        if exemption.expires_on is not None and expiry_moment(exemption.expires_on) <= moment:
            _expire(exemption)
        else:
            raise AlreadyExempt(field=None)


def _create(*, actor: Actor, organisation: Organisation, fields: dict, moment: datetime):
    _end_due(fields["id_type"], fields["number"], moment)
    try:
        with transaction.atomic():
            return Exemption.objects.create(
                organisation=organisation,
                created_at=moment,
                effective_from=local_date(moment),
                created_by=actor.display,
                **fields,
            )
    except IntegrityError:
        # Another caseworker exempted the same person a moment ago (exemptions_one_in_force).
        raise AlreadyExempt() from None


def _log_created(actor: Actor, organisation: Organisation, exemption: Exemption) -> None:
    changes = {str(FIELD_EXEMPT): (False, True)}
    if exemption.expires_on:
        changes[str(FIELD_UNTIL)] = ("", format_date(exemption.expires_on))
    changes[str(FIELD_FORWARDING)] = ("", forwarding_text(exemption))
    action_record_changes(
        actor=actor,
        organisation=organisation,
        subject=Subject.FRITAGELSE,
        event=EVENT_EXEMPTED,
        object_id=exemption.pk,
        object_name=exemption.name,
        concerns=exemption.number,
        changes=changes,
        reason=exemption.get_reason_display() if exemption.reason else "",
        power_of_attorney=_yes_no(exemption.by_proxy),
    )


def exemption_citizen_create(
    *,
    actor: Actor,
    organisation: Organisation,
    person: PersonRecord,
    by_proxy: bool,
    reason: str,
    forwarding: ForwardingChoice,
    now: datetime | None = None,
) -> Exemption:
    """ "Fritag borger": the citizen gets no Digital Post except mandatory post from today."""
    moment = now or clock_now()
    if person.deceased:
        raise ExemptionError(MSG_DECEASED, field="cpr")
    if reason not in ExemptionReason.values:
        raise ExemptionError(_("Vælg en årsag."), field="reason")
    registered = person.address if person.has_folkeregister_address else None
    forward, address = _resolve_forwarding(forwarding, registered)
    with transaction.atomic():
        exemption = _create(
            actor=actor,
            organisation=organisation,
            moment=moment,
            fields={
                "id_type": ExemptionIdType.CPR,
                "number": person.cpr,
                "name": person.name,
                "reason": reason,
                "by_proxy": by_proxy,
                "forwarding": forwarding.kind,
                "forward_unopened_post": forward,
                "forward_address": address,
            },
        )
        _log_created(actor, organisation, exemption)
    return exemption


def exemption_company_create(
    *,
    actor: Actor,
    organisation: Organisation,
    company: CompanyRecord,
    by_proxy: bool,
    forwarding: ForwardingChoice,
    now: datetime | None = None,
) -> Exemption:
    """ "Fritag virksomhed": until 1 November of the second calendar year after today."""
    moment = now or clock_now()
    forward, address = _resolve_forwarding(forwarding, company.address)
    with transaction.atomic():
        exemption = _create(
            actor=actor,
            organisation=organisation,
            moment=moment,
            fields={
                "id_type": ExemptionIdType.CVR,
                "number": company.cvr,
                "name": company.name,
                "by_proxy": by_proxy,
                "forwarding": forwarding.kind,
                "forward_unopened_post": forward,
                "forward_address": address,
                "expires_on": company_expiry(local_date(moment)),
            },
        )
        _log_created(actor, organisation, exemption)
    return exemption


# -- lifting and renewing ----------------------------------------------------------------------


def _locked_in_force(exemption: Exemption, moment: datetime) -> Exemption:
    locked = (
        Exemption.objects.select_for_update()
        .filter(pk=exemption.pk, lifted_at__isnull=True)
        .first()
    )
    if locked is None:
        raise ExemptionNotInForce()
    if locked.expires_on is not None and expiry_moment(locked.expires_on) <= moment:
        raise ExemptionNotInForce()  # recorded as expired by the caller, after the rollback
    if locked.effective_from > local_date(moment):
        raise ExemptionNotInForce()
    return locked


def exemption_lift(
    *,
    actor: Actor,
    organisation: Organisation,
    exemption: Exemption,
    by_proxy: bool,
    now: datetime | None = None,
) -> Exemption:
    """Lift an exemption in force (citizen or company): one transaction, row locked
    (select_for_update), action log entry; raises ExemptionNotInForce (a Danish message)
    when it was lifted meanwhile."""
    moment = now or clock_now()
    try:
        with transaction.atomic():
            locked = _locked_in_force(exemption, moment)
            locked.lifted_at = moment
            locked.lifted_by = actor.display
            locked.lifted_by_organisation = organisation
            locked.lift_cause = LiftCause.LIFTED
            locked.save(
                update_fields=["lifted_at", "lifted_by", "lifted_by_organisation", "lift_cause"]
            )
            action_record_changes(
                actor=actor,
                organisation=organisation,
                subject=Subject.FRITAGELSE,
                event=EVENT_LIFTED,
                object_id=locked.pk,
                object_name=locked.name,
                concerns=locked.number,
                changes={str(FIELD_EXEMPT): (True, False)},
                power_of_attorney=_yes_no(by_proxy),
            )
    except ExemptionNotInForce:
        _expire_due_now(exemption, moment)
        raise
    return locked


def exemption_renew(
    *,
    actor: Actor,
    organisation: Organisation,
    exemption: Exemption,
    by_proxy: bool,
    now: datetime | None = None,
) -> Exemption:
    """ "Forny": a company exemption in force gets a new expiry computed from today."""
    moment = now or clock_now()
    try:
        with transaction.atomic():
            locked = _locked_in_force(exemption, moment)
            if locked.id_type != ExemptionIdType.CVR:
                raise ExemptionError(_("Kun en virksomheds fritagelse kan fornyes."))
            before = locked.expires_on
            locked.expires_on = company_expiry(local_date(moment))
            locked.renewed_at = moment
            locked.save(update_fields=["expires_on", "renewed_at"])
            # One line even when the date stays the same (renewed twice in a year).
            action_record(
                actor=actor,
                organisation=organisation,
                subject=Subject.FRITAGELSE,
                event=EVENT_RENEWED,
                object_id=locked.pk,
                object_name=locked.name,
                concerns=locked.number,
                field=FIELD_UNTIL,
                before=format_date(before),
                after=format_date(locked.expires_on),
                power_of_attorney=_yes_no(by_proxy),
            )
    except ExemptionNotInForce:
        _expire_due_now(exemption, moment)
        raise
    return locked


# -- what happens by itself --------------------------------------------------------------------


def _expire(exemption: Exemption) -> None:
    """End an expired company exemption at its expiry moment (inside a transaction)."""
    exemption.lifted_at = expiry_moment(exemption.expires_on)
    exemption.lifted_by = SYSTEM.display
    exemption.lift_cause = LiftCause.EXPIRED
    exemption.save(update_fields=["lifted_at", "lifted_by", "lift_cause"])
    action_record_changes(
        actor=SYSTEM,
        organisation=exemption.organisation,
        subject=Subject.FRITAGELSE,
        event=EVENT_EXPIRED,
        object_id=exemption.pk,
        object_name=exemption.name,
        concerns=exemption.number,
        changes={str(FIELD_EXEMPT): (True, False)},
    )


def _expire_due_now(exemption: Exemption, moment: datetime) -> None:
    """After a refused lift/renew: record the expiry the refusal noticed (own transaction)."""
    with transaction.atomic():
        locked = (
            Exemption.objects.select_for_update()
            .filter(pk=exemption.pk, lifted_at__isnull=True, expires_on__isnull=False)
            .first()
        )
        if locked is not None and expiry_moment(locked.expires_on) <= moment:
            _expire(locked)


def exemptions_expire(*, now: datetime | None = None) -> list[Exemption]:
    """End every company exemption whose expiry moment has come (logged as System)."""
    moment = now or clock_now()
    ended = []
    due = Exemption.objects.filter(
        lifted_at__isnull=True, expires_on__isnull=False, expires_on__lte=local_date(moment)
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            locked = (
                Exemption.objects.select_for_update().filter(pk=pk, lifted_at__isnull=True).first()
            )
            if locked is None or expiry_moment(locked.expires_on) > moment:
                continue
            _expire(locked)
            ended.append(locked)
    return ended


def exemptions_reenrol_returned(*, now: datetime | None = None) -> list[Exemption]:
    """Citizens exempted for emigration who have a Danish folkeregister address again are
    enrolled in Digital Post again (logged as System)."""
    from adgang.registers.base import RegisterError
    from adgang.registers.registry import get_register

    moment = now or clock_now()
    register = get_register()
    ended = []
    candidates = Exemption.objects.filter(
        lifted_at__isnull=True, id_type=ExemptionIdType.CPR, reason=ExemptionReason.EMIGRATION
    ).values_list("pk", "number")
    for pk, cpr in list(candidates):
        try:
            person = register.lookup_person(cpr)
        except RegisterError:
            continue  # the register does not answer: try again next run
        if person is None or person.deceased or not person.has_folkeregister_address:
            continue
        with transaction.atomic():
            locked = (
                Exemption.objects.select_for_update().filter(pk=pk, lifted_at__isnull=True).first()
            )
            if locked is None:
                continue
            locked.lifted_at = moment
            locked.lifted_by = SYSTEM.display
            locked.lift_cause = LiftCause.REENROLLED
            locked.save(update_fields=["lifted_at", "lifted_by", "lift_cause"])
            action_record_changes(
                actor=SYSTEM,
                organisation=locked.organisation,
                subject=Subject.FRITAGELSE,
                event=EVENT_REENROLLED,
                object_id=locked.pk,
                object_name=locked.name or person.name,
                concerns=locked.number,
                changes={str(FIELD_EXEMPT): (True, False)},
                reason=ExemptionReason.EMIGRATION.label,
            )
            ended.append(locked)
    return ended


def exemptions_apply_schedule(*, now: datetime | None = None) -> int:
    moment = now or clock_now()
    return len(exemptions_expire(now=moment)) + len(exemptions_reenrol_returned(now=moment))
