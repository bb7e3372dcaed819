"""Every change to read accesses (SPEC §8, guide §10): create, revoke, expire.

Each function is one transaction with its action-log entries (subject "Adgang", `concerns` the
giver's CPR, `object_name` the holder) and the Digital Post notices to giver and holder
(`adgang.messaging.notices`), so an access, its log and its notices are saved together or not
at all. Every rule the forms check is checked here again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, Actor, action_record_changes
from adgang.core.clock import now as clock_now
from adgang.exemptions.selectors import exemption_in_force
from adgang.exemptions.services import ExemptionNotInForce, exemption_lift
from adgang.messaging.notices import notice_send
from adgang.readaccess.models import (
    MAX_ACTIVE_PER_GIVER,
    AccessType,
    EndReason,
    HolderIdType,
    ReadAccess,
    ReadAccessGiver,
)
from adgang.registers.forms import PERSON_DECEASED
from adgang.registers.types import CompanyRecord, PersonRecord
from adgang.registers.validation import format_cpr

EVENT_CREATED = _("Adgang oprettet")
EVENT_REVOKED = _("Adgang ophævet")
EVENT_EXPIRED = _("Adgang udløbet")
FIELD_STATUS = _("Status")
FIELD_TYPE = _("Adgangstype")
FIELD_EXPIRES = _("Udløbsdato")
FIELD_HOLDER = _("Adgangshaver")
FIELD_EMPLOYEE = _("Tiltænkt medarbejder")
FIELD_EXEMPTION = _("Ophævelse af fritagelse")
UNLIMITED = _("Tidsubegrænset")

MSG_LIMIT = _(
    "Borgeren har allerede %(max)s aktive adgange, som er det højeste antal. Ophæv en "
    "adgang, før du opretter en ny."
)
MSG_SELF = _("Borgeren kan ikke få adgang til sin egen Digital Post.")
MSG_DUPLICATE = _(
    "Adgangshaveren har allerede en aktiv adgang til borgerens Digital Post. Ophæv den, hvis "
    "adgangstypen eller udløbsdatoen skal ændres."
)
MSG_EXPIRY_PAST = _("Udløbsdatoen skal ligge efter dags dato.")
MSG_GIVER_DECEASED = PERSON_DECEASED
MSG_HOLDER_DECEASED = _("Adgangshaveren er registreret som død i CPR-registret.")
MSG_EXEMPTION_CHOICE = _(
    "Borgeren er fritaget for Digital Post. Vælg, om fritagelsen skal ophæves eller bevares."
)
MSG_EMPLOYEE_PERSON = _(
    "En tiltænkt medarbejder kan kun angives, når adgangen gives til en virksomhed."
)
MSG_ALREADY_ENDED = _("Adgangen er allerede ophævet eller udløbet.")


class ReadAccessRuleError(Exception):
    """A rule refused the change: `message` is Danish, `field` the form field concerned."""

    def __init__(self, message, *, field: str | None = None) -> None:
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class ReadAccessAlreadyEnded(ReadAccessRuleError):
    def __init__(self) -> None:
        super().__init__(MSG_ALREADY_ENDED)


@dataclass(frozen=True)
class Party:
    """A giver (CPR) or holder (CPR or CVR) as found in the register, kept between the
    flow's requests (the session) without looking the number up again."""

    id_type: str
    number: str
    name: str
    deceased: bool = False

    @classmethod
    def of(cls, record: PersonRecord | CompanyRecord) -> Party:
        if isinstance(record, PersonRecord):
            return cls(HolderIdType.CPR, record.cpr, record.name, record.deceased)
        return cls(HolderIdType.CVR, record.cvr, record.name)


def holder_label(id_type: str, number: str, name: str) -> str:
    """ "Name (CPR: DDMMYY-SSSS)" or "Name (CVR: 12345678)": the log's object name."""
    shown = format_cpr(number) if id_type == HolderIdType.CPR else number
    return f"{name} ({id_type}: {shown})"


def _expiry_text(expires_on: date | None) -> str:
    return expires_on.isoformat() if expires_on else str(UNLIMITED)


def _check(*, giver: Party, holder: Party, employee_name: str, expires_on, today):
    if giver.deceased:
        raise ReadAccessRuleError(MSG_GIVER_DECEASED)
    if holder.deceased:
        raise ReadAccessRuleError(MSG_HOLDER_DECEASED, field="holder")
    if holder.id_type == HolderIdType.CPR and holder.number == giver.number:
        raise ReadAccessRuleError(MSG_SELF, field="holder")
    if employee_name and holder.id_type != HolderIdType.CVR:
        raise ReadAccessRuleError(MSG_EMPLOYEE_PERSON, field="employee_name")
    if expires_on is not None and expires_on <= today:
        raise ReadAccessRuleError(MSG_EXPIRY_PAST, field="expires_on")


def _giver_lock(cpr: str) -> ReadAccessGiver:
    """The giver's row, locked until the transaction ends (the limit of 10 under races)."""
    row, _created = ReadAccessGiver.objects.get_or_create(cpr=cpr)
    return ReadAccessGiver.objects.select_for_update().get(pk=row.pk)


def read_access_create(
    *,
    actor: Actor,
    organisation: Organisation,
    giver: PersonRecord | Party,
    holder: PersonRecord | CompanyRecord | Party,
    access_type: str,
    expires_on: date | None,
    employee_name: str = "",
    lift_exemption: bool | None = None,
    now: datetime | None = None,
) -> ReadAccess:
    """Create an access (SPEC §8): at most 10 active per giver, none to oneself, one per
    holder, an expiry date after today; an exempt giver's exemption is lifted
    (`exemption_lift`) or kept (the access then shows only older post plus mandatory post).
    Giver and holder are notified through Digital Post."""
    moment = now or clock_now()
    today = timezone.localdate(moment)
    giver = giver if isinstance(giver, Party) else Party.of(giver)
    holder = holder if isinstance(holder, Party) else Party.of(holder)
    if giver.id_type != HolderIdType.CPR:
        raise ReadAccessRuleError(_("Adgangsgiveren skal være en borger (CPR)."))
    employee_name = " ".join(employee_name.split())
    if access_type not in AccessType.values:
        raise ReadAccessRuleError(_("Vælg en adgangstype."), field="access_type")
    _check(
        giver=giver, holder=holder, employee_name=employee_name, expires_on=expires_on, today=today
    )
    try:
        with transaction.atomic():
            giver_row = _giver_lock(giver.number)
            _check_capacity(giver_row, holder, moment)
            exemption = exemption_in_force("CPR", giver.number, on=today)
            lifted, kept = _exemption_decide(
                exemption, lift_exemption, actor=actor, organisation=organisation, now=moment
            )
            access = ReadAccess.objects.create(
                giver=giver_row,
                giver_name=giver.name,
                holder_id_type=holder.id_type,
                holder_id=holder.number,
                holder_name=holder.name,
                access_type=access_type,
                employee_name=employee_name if holder.id_type == HolderIdType.CVR else "",
                expires_on=expires_on,
                exemption_kept=kept,
                history_until=exemption.effective_from if kept else None,
                exemption_lifted=lifted,
                organisation=organisation,
                created_by=actor.display,
                created_at=moment,
            )
            _log(actor, access, EVENT_CREATED, _created_changes(access))
            _notify_created(access, moment)
    except IntegrityError:
        # The lock makes this unreachable; the unique constraint is the last word anyway.
        raise ReadAccessRuleError(MSG_DUPLICATE, field="holder") from None
    return access


def _check_capacity(giver_row: ReadAccessGiver, holder: Party, moment: datetime) -> None:
    active = ReadAccess.objects.filter(giver=giver_row).active_at(moment)
    if active.filter(holder_id_type=holder.id_type, holder_id=holder.number).exists():
        raise ReadAccessRuleError(MSG_DUPLICATE, field="holder")
    # An expired access not yet recorded by the job blocks the unique constraint: end it now.
    _expire_due(giver_row, moment)
    if active.count() >= MAX_ACTIVE_PER_GIVER:
        raise ReadAccessRuleError(MSG_LIMIT % {"max": MAX_ACTIVE_PER_GIVER})


def _exemption_decide(
    exemption, lift: bool | None, *, actor, organisation, now
) -> tuple[bool, bool]:
    """(lifted, kept): lift the giver's exemption through the exemptions app, or keep it."""
    if exemption is None:
        return False, False
    if lift is None:
        raise ReadAccessRuleError(MSG_EXEMPTION_CHOICE, field="exemption")
    if not lift:
        return False, True
    try:
        exemption_lift(
            actor=actor, organisation=organisation, exemption=exemption, by_proxy=False, now=now
        )
    except ExemptionNotInForce:
        # Lifted or expired meanwhile: the giver is enrolled either way, nothing to keep.
        return False, False
    return True, False


def _created_changes(access: ReadAccess) -> dict:
    changes = {
        str(FIELD_HOLDER): (
            "",
            holder_label(access.holder_id_type, access.holder_id, access.holder_name),
        ),
        str(FIELD_TYPE): ("", access.get_access_type_display()),
        str(FIELD_EXPIRES): ("", _expiry_text(access.expires_on)),
    }
    if access.employee_name:
        changes[str(FIELD_EMPLOYEE)] = ("", access.employee_name)
    if access.exemption_lifted or access.exemption_kept:
        changes[str(FIELD_EXEMPTION)] = ("", access.exemption_lifted)
    return changes


def _ended_changes(access: ReadAccess, reason: str) -> dict:
    return {
        str(FIELD_STATUS): (str(_("Aktiv")), reason),
        str(FIELD_TYPE): (access.get_access_type_display(), ""),
        str(FIELD_EXPIRES): (_expiry_text(access.expires_on), ""),
    }


def _log(actor: Actor, access: ReadAccess, event, changes: dict) -> None:
    action_record_changes(
        actor=actor,
        organisation=access.organisation,
        subject=Subject.ADGANG,
        event=event,
        object_id=access.pk,
        object_name=holder_label(access.holder_id_type, access.holder_id, access.holder_name),
        concerns=access.giver.cpr,
        changes=changes,
    )


def read_access_revoke(
    *, actor: Actor, organisation: Organisation, access_id, now: datetime | None = None
) -> ReadAccess:
    """ "Ophæv adgang" (guide §10.4): the access ends now; giver and holder are notified.

    Another organisation's access is `ReadAccess.DoesNotExist` (a 404 for the view); one
    revoked or expired meanwhile (another tab, the expiry job) is `ReadAccessAlreadyEnded`."""
    moment = now or clock_now()
    with transaction.atomic():
        access = (
            ReadAccess.objects.select_for_update()
            .select_related("giver", "organisation")
            .get(pk=access_id, organisation=organisation)
        )
        if not access.is_active_at(moment):
            raise ReadAccessAlreadyEnded()
        _end(access, EndReason.REVOKED, actor, moment)
        _log(actor, access, EVENT_REVOKED, _ended_changes(access, str(_("Ophævet"))))
        _notify_revoked(access, moment)
    return access


def _end(access: ReadAccess, reason: str, actor: Actor, moment: datetime) -> None:
    access.ended_at = moment
    access.end_reason = reason
    access.ended_by = actor.display
    access.save(update_fields=["ended_at", "end_reason", "ended_by"])


def _expire_due(giver_row: ReadAccessGiver | None, moment: datetime) -> list[ReadAccess]:
    day = timezone.localdate(moment)
    due = ReadAccess.objects.select_for_update().select_related("giver", "organisation")
    due = due.filter(ended_at__isnull=True, expires_on__lt=day)
    if giver_row is not None:
        due = due.filter(giver=giver_row)
    ended = []
    for access in due.order_by("expires_on", "pk"):
        _end(access, EndReason.EXPIRED, SYSTEM, access.ends_at)
        _log(SYSTEM, access, EVENT_EXPIRED, _ended_changes(access, str(_("Udløbet"))))
        ended.append(access)
    return ended


def read_accesses_expire(*, now: datetime | None = None) -> list[ReadAccess]:
    """The periodic job (SPEC §8 "Accesses expire by themselves"): every access whose expiry
    date has passed ends at 00:00 Danish time the day after it, logged as System."""
    with transaction.atomic():
        return _expire_due(None, now or clock_now())


# -- notices (SPEC §8: "giver and holder are notified through Digital Post") ----------------


def _notice_texts(access: ReadAccess, created: bool) -> tuple[str, str]:
    type_label = str(access.get_access_type_display())
    holder = access.holder_name + (f" ({access.employee_name})" if access.employee_name else "")
    if created:
        title = str(_("Der er oprettet en adgang til Digital Post"))
        text = str(
            _(
                "%(holder)s har fået %(type)s til Digital Post tilhørende %(giver)s. "
                "Udløbsdato: %(expires)s. Adgangen er oprettet af %(org)s."
            )
        ) % {
            "holder": holder,
            "type": type_label.lower(),
            "giver": access.giver_name,
            "expires": _expiry_text(access.expires_on),
            "org": access.organisation.name,
        }
    else:
        title = str(_("En adgang til Digital Post er ophævet"))
        text = str(
            _("%(holder)s har ikke længere %(type)s til Digital Post tilhørende %(giver)s.")
        ) % {"holder": holder, "type": type_label.lower(), "giver": access.giver_name}
    return title, text


def _notify(access: ReadAccess, created: bool, moment: datetime) -> None:
    # Digital Post to citizens is Danish, whatever language the caseworker has chosen.
    with translation.override(settings.LANGUAGE_CODE):
        title, text = _notice_texts(access, created)
    notice_send(
        recipient_id_type="CPR", recipient_id=access.giver.cpr, title=title, text=text, now=moment
    )
    notice_send(
        recipient_id_type=access.holder_id_type,
        recipient_id=access.holder_id,
        title=title,
        text=text,
        now=moment,
    )


def _notify_created(access: ReadAccess, moment: datetime) -> None:
    _notify(access, True, moment)


def _notify_revoked(access: ReadAccess, moment: datetime) -> None:
    _notify(access, False, moment)
