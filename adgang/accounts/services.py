"""Writes for organisations, people, rights, login and context switch (SPEC §1, §2, §15).

Every function validates everything before it writes, writes in one transaction and records
the change in the action log inside that transaction.
"""

import re
import uuid
from dataclasses import dataclass

from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.accounts.context import (
    SESSION_LOGIN_AT,
    SESSION_MEMBERSHIP,
    SESSION_ORGANISATION,
    ActingContext,
)
from adgang.accounts.models import Membership, Organisation, OrganisationKind, Person
from adgang.accounts.rights import parse_rights
from adgang.accounts.selectors import memberships_of
from adgang.audit.models import Register, Subject
from adgang.audit.services import SYSTEM, Actor, action_record, search_record
from adgang.core import clock
from adgang.registers.registry import get_register
from adgang.registers.validation import normalise_cvr

STATUS_CONNECTED = gettext_lazy("Tilmeldt Digital Post")
STATUS_NOT_CONNECTED = gettext_lazy("Ikke tilmeldt Digital Post")


class AccountError(ValueError):
    """A refused request; `field` names the form field the message belongs next to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _valid_kind(kind: str) -> str:
    if kind not in OrganisationKind.values:
        raise AccountError(
            _("Organisationstypen skal være 'myndighed' eller 'virksomhed'."), field="kind"
        )
    return kind


# The Membership model's own rule: ASCII letters, digits and dashes (str.isalnum() would also
# let "æøå" and "²" through).
_RID_RE = re.compile(r"[0-9A-Za-z-]{1,20}")


def _valid_rid(rid: str) -> str:
    rid = (rid or "").strip()
    if not _RID_RE.fullmatch(rid) or not rid.replace("-", ""):
        raise AccountError(
            _("RID skal bestå af 1-20 bogstaver eller cifre."),
            field="rid",
        )
    return rid


def _valid_name(name: str, field: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AccountError(_("Navnet skal udfyldes."), field=field)
    if len(name) > 200:
        raise AccountError(_("Navnet må højst være 200 tegn."), field=field)
    return name


def _rights(value) -> list[str]:
    try:
        rights = parse_rights(value)
    except ValueError as error:
        raise AccountError(str(error), field="rights") from error
    return rights


def _cvr(value: str) -> str:
    try:
        return normalise_cvr(value)
    except ValueError as error:
        raise AccountError(str(error), field="cvr") from error


def organisation_create(
    *,
    cvr: str,
    name: str,
    kind: str,
    is_system_supplier: bool = False,
    actor: Actor = SYSTEM,
) -> Organisation:
    """Create a test organisation (SPEC §1); the CVR must be valid and not already used."""
    cvr = _cvr(cvr)
    name = _valid_name(name, "name")
    kind = _valid_kind(kind)
    with transaction.atomic():
        if Organisation.objects.filter(cvr=cvr).exists():
            raise AccountError(
                _("Der findes allerede en organisation med CVR-nummer %(cvr)s.") % {"cvr": cvr},
                field="cvr",
            )
        organisation = Organisation.objects.create(
            cvr=cvr, name=name, kind=kind, is_system_supplier=is_system_supplier
        )
        action_record(
            actor=actor,
            organisation=organisation,
            subject=Subject.BRUGER,
            event="Oprettet",
            object_id=organisation.cvr,
            object_name=organisation.name,
            concerns=organisation.cvr,
            after=f"{organisation.name} ({organisation.get_kind_display()})",
        )
    return organisation


def _require_free_rid(organisation: Organisation, rid: str) -> None:
    """A RID names one employee within an organisation (SPEC §1)."""
    if Membership.objects.filter(organisation=organisation, rid=rid).exists():
        raise AccountError(
            _("RID %(rid)s er allerede i brug i %(org)s.") % {"rid": rid, "org": organisation.name},
            field="rid",
        )


def membership_create(
    *, organisation: Organisation, rid: str, name: str, rights, actor: Actor = SYSTEM
) -> Membership:
    """A new test person employed in `organisation` with exactly `rights`; RID unique there."""
    rid = _valid_rid(rid)
    name = _valid_name(name, "name")
    rights = _rights(rights)
    with transaction.atomic():
        _require_free_rid(organisation, rid)
        person = Person.objects.create_person(name=name)
        membership = Membership.objects.create(
            person=person, organisation=organisation, rid=rid, rights=rights
        )
        _record_person(actor, membership, "Oprettet", before="", after=rights)
    return membership


def membership_add(
    *, person: Person, organisation: Organisation, rid: str, rights, actor: Actor = SYSTEM
) -> Membership:
    """Let an existing person act for one more organisation (SPEC §2 context switch)."""
    rid = _valid_rid(rid)
    rights = _rights(rights)
    with transaction.atomic():
        _require_free_rid(organisation, rid)
        if Membership.objects.filter(organisation=organisation, person=person).exists():
            raise AccountError(
                _("Personen er allerede tilknyttet %(org)s.") % {"org": organisation.name},
                field="organisation",
            )
        membership = Membership.objects.create(
            person=person, organisation=organisation, rid=rid, rights=rights
        )
        _record_person(actor, membership, "Oprettet", before="", after=rights)
    return membership


def membership_rights_set(*, membership: Membership, rights, actor: Actor = SYSTEM) -> bool:
    """Give the membership exactly `rights` (logged with before and after); False if unchanged."""
    rights = _rights(rights)
    if membership.rights == rights:
        return False
    with transaction.atomic():
        _record_person(actor, membership, "Redigeret", before=membership.rights, after=rights)
        membership.rights = rights
        membership.save(update_fields=["rights"])
    return True


def _record_person(actor: Actor, membership: Membership, event: str, *, before, after) -> None:
    action_record(
        actor=actor,
        organisation=membership.organisation,
        subject=Subject.BRUGER,
        event=event,
        object_id=membership.actor_id,
        object_name=membership.person.name,
        field="rettigheder",
        before=before,
        after=after,
    )


@dataclass(frozen=True)
class TestUser:
    organisation: Organisation
    membership: Membership

    def as_json(self) -> dict:
        return {
            "organisation_id": str(self.organisation.pk),
            "person_id": str(self.membership.person_id),
            "rid": self.membership.rid,
        }


def testportal_user_upsert(
    *, cvr: str, org_name: str, org_kind: str, rid: str, name: str, rights, actor: Actor = SYSTEM
) -> TestUser:
    """`manage.py testportal add-user` (SPEC §15): create or update the organisation and the
    person (found by RID in that organisation) so that they hold exactly `rights`."""
    cvr = _cvr(cvr)
    org_name = _valid_name(org_name, "org_name")
    org_kind = _valid_kind(org_kind)
    rid = _valid_rid(rid)
    name = _valid_name(name, "name")
    rights = _rights(rights)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(cvr=cvr).first()
        if organisation is None:
            organisation = organisation_create(cvr=cvr, name=org_name, kind=org_kind, actor=actor)
        else:
            _organisation_rename(organisation, org_name, org_kind, actor)
        membership = (
            Membership.objects.select_related("person")
            .filter(organisation=organisation, rid=rid)
            .first()
        )
        if membership is None:
            membership = membership_create(
                organisation=organisation, rid=rid, name=name, rights=rights, actor=actor
            )
        else:
            membership_rights_set(membership=membership, rights=rights, actor=actor)
            _person_rename(membership, name, actor)
    return TestUser(organisation, membership)


def _organisation_rename(organisation: Organisation, name: str, kind: str, actor: Actor) -> None:
    """Give a test organisation another name or kind, logged (inside the caller's transaction)."""
    if (organisation.name, organisation.kind) == (name, kind):
        return
    _record_edit(
        actor,
        organisation,
        object_id=organisation.cvr,
        object_name=name,
        field="organisation",
        before=f"{organisation.name} ({organisation.kind})",
        after=f"{name} ({kind})",
    )
    organisation.name, organisation.kind = name, kind
    organisation.save(update_fields=["name", "kind"])


def _person_rename(membership: Membership, name: str, actor: Actor) -> None:
    """Give a test person another name, logged (inside the caller's transaction)."""
    if membership.person.name == name:
        return
    _record_edit(
        actor,
        membership.organisation,
        object_id=membership.actor_id,
        object_name=name,
        field="navn",
        before=membership.person.name,
        after=name,
    )
    membership.person.name = name
    membership.person.save(update_fields=["name"])


def _record_edit(actor: Actor, organisation: Organisation, **entry) -> None:
    action_record(
        actor=actor, organisation=organisation, subject=Subject.BRUGER, event="Redigeret", **entry
    )


def session_start(request, person: Person, membership: Membership | None = None) -> ActingContext:
    """Log the person in, acting for `membership`'s organisation or else their first one."""
    memberships = memberships_of(person)
    if not memberships:
        raise AccountError(_("Personen er ikke tilknyttet nogen organisation."))
    membership = membership or memberships[0]
    login(request, person, backend=getattr(person, "backend", None))
    # A context switch keeps this (same login); only a new authentication restarts it.
    request.session[SESSION_LOGIN_AT] = int(clock.now().timestamp())
    request.session[SESSION_MEMBERSHIP] = membership.pk
    request.session[SESSION_ORGANISATION] = str(membership.organisation_id)
    request.acting = ActingContext(person, membership, membership.organisation)
    return request.acting


@dataclass(frozen=True)
class OrganisationInfo:
    """The info box of the Systemforvalter's context switch (guide §14.1)."""

    cvr: str
    name: str
    status: str
    organisation: Organisation | None


def organisation_lookup(*, acting: ActingContext, cvr: str) -> OrganisationInfo | None:
    """A Systemforvalter's CVR search in the context switch (SPEC §2); logged as a search.

    The name comes from the CVR register; the status tells whether the organisation is
    connected to Digital Post here. Unknown everywhere → None.
    """
    cvr = _cvr(cvr)
    record = get_register().lookup_company(cvr)
    organisation = Organisation.objects.filter(cvr=cvr).first()
    search_record(
        actor=Actor.of(acting),
        organisation=acting.organisation,
        search_data=cvr,
        register=Register.CVR,
        result_count=int(record is not None or organisation is not None),
    )
    if record is None and organisation is None:
        return None
    return OrganisationInfo(
        cvr=cvr,
        name=organisation.name if organisation else record.name,
        status=STATUS_CONNECTED if organisation else STATUS_NOT_CONNECTED,
        organisation=organisation,
    )


def context_switch(*, request, organisation_id) -> ActingContext:
    """Act for another organisation (SPEC §2), logged as subject Kontekst.

    Allowed: an organisation the person is employed by (their membership there gives RID
    and rights), or any connected organisation for a Systemforvalter. Anything else raises
    PermissionDenied (403) and changes nothing. Choosing the organisation one already acts
    for changes nothing and logs nothing.

    The entry goes to the log of the organisation switched to, under the identity the person
    acts with there: their RID in that organisation, or a Systemforvalter's own identity.
    """
    acting: ActingContext = request.acting
    organisation = Organisation.objects.filter(pk=_uuid_or_none(organisation_id)).first()
    if organisation is None:
        raise PermissionDenied(_("Du kan ikke agere på vegne af denne organisation."))
    membership = Membership.objects.filter(person=acting.person, organisation=organisation).first()
    if membership is None:
        if not acting.is_systemforvalter:
            raise PermissionDenied(_("Du kan ikke agere på vegne af denne organisation."))
        membership = acting.membership
    previous = acting.organisation
    if previous.pk == organisation.pk and acting.membership.pk == membership.pk:
        return acting
    new = ActingContext(acting.person, membership, organisation)
    with transaction.atomic():
        action_record(
            actor=Actor.of(new),
            organisation=organisation,
            subject=Subject.KONTEKST,
            event="Kontekstskift",
            object_id=organisation.cvr,
            object_name=organisation.name,
            concerns=organisation.cvr,
            field="organisation",
            before=f"{previous.name} ({previous.cvr})",
            after=f"{organisation.name} ({organisation.cvr})",
        )
    request.session.cycle_key()
    request.session[SESSION_MEMBERSHIP] = membership.pk
    request.session[SESSION_ORGANISATION] = str(organisation.pk)
    request.acting = new
    return new


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
