"""Every change to the contact structure (SPEC §4), each in one transaction with its log entries.

Rules enforced here, whatever the caller (wizard, group forms, Excel import, `manage.py demo`):
- every value passes `validation.py`, the same checks the forms use;
- the structure stays a DAG within one organisation: a group is never placed under itself or
  one of its descendants, and a group or point only under groups of its own organisation;
- a point is attached only to a live receiver system of its own organisation;
- deleting a group deletes exactly the nodes below it that cannot be reached from the top
  level any other way, and only removes the reference of the others — whole or not at all.
Structure changes lock the organisation's row first, so two concurrent changes are decided
one after the other on the structure the first one left (PostgreSQL `SELECT … FOR UPDATE`;
SQLite serialises write transactions anyway). Each changed field is logged with its value
before and after, edges as the names of the groups (SPEC §14).
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _log_text

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import Actor, action_record_changes
from adgang.contacts import validation
from adgang.contacts.graph import Structure
from adgang.contacts.models import (
    CodeType,
    ContactGroup,
    ContactPoint,
    GroupInGroup,
    PointInGroup,
    Target,
)
from adgang.core.clock import now as clock_now
from adgang.systems.models import MailSystem


class ContactRuleError(Exception):
    """A rule of SPEC §4 refused the change; `field` names the form field to show it on.

    `errors` holds every refused field with its messages, for checks that look at several
    fields at once (capacity, external link); `field` and `message` are the first of them.
    """

    def __init__(
        self, message: str, *, field: str = "", errors: Mapping[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = dict(errors) if errors else {field: [message]}


def _refusal(error: ValidationError, *, field: str) -> ContactRuleError:
    """A ValidationError from `validation.py` as the service's error, on the right field."""
    if hasattr(error, "error_dict"):
        errors = {name: [str(m) for m in ValidationError(e).messages] for name, e in error}
        first = next(iter(errors))
        return ContactRuleError(" ".join(errors[first]), field=first, errors=errors)
    messages = [str(m) for m in error.messages]
    return ContactRuleError(" ".join(messages), field=field, errors={field: messages})


def _checked(field: str, check: Callable, *args):
    try:
        return check(*args)
    except ValidationError as error:
        raise _refusal(error, field=field) from None


# -- specs and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class PointSpec:
    """Everything the contact point wizard collects (SPEC §4 steps 1–4)."""

    name: str
    description: str
    internal_note: str = ""
    group_ids: tuple[uuid.UUID, ...] = ()
    visible: bool = True
    targets: tuple[str, ...] = ()
    max_message_mb: Decimal | None = None
    max_attachments: int | None = None
    link_headline: str = ""
    link_description: str = ""
    link_text: str = ""
    link_url: str = ""
    input_fields: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    codes: tuple[Mapping[str, str], ...] = ()  # ({"type": CodeType, "code": "…"}, …)
    system_id: uuid.UUID | None = None
    active: bool = False


POINT_FIELDS = frozenset(f.name for f in fields(PointSpec))
# The model's own columns among them (edges and the system are handled apart).
POINT_COLUMNS = POINT_FIELDS - {"group_ids", "system_id"}
GROUP_FIELDS = frozenset({"name", "description", "organisational_unit", "parent_ids"})


# -- checks --------------------------------------------------------------------------------


def _locked_organisation(organisation: Organisation | uuid.UUID) -> Organisation:
    pk = organisation.pk if isinstance(organisation, Organisation) else organisation
    return Organisation.objects.select_for_update().get(pk=pk)


def _authority_check(organisation: Organisation) -> None:
    """Only authorities have a contact structure (SPEC §4)."""
    if not organisation.is_authority:
        raise ContactRuleError(_("Kun myndigheder kan oprette en kontaktstruktur."))


def _own_groups(
    organisation: Organisation, group_ids: Iterable, *, field: str
) -> list[ContactGroup]:
    """The organisation's groups with these ids; another organisation's id is not found."""
    wanted = set()
    for value in group_ids or ():
        try:
            wanted.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            raise ContactRuleError(
                _("Den valgte kontaktgruppe findes ikke."), field=field
            ) from None
    found = list(ContactGroup.objects.filter(organisation=organisation, pk__in=wanted))
    if len(found) != len(wanted):
        raise ContactRuleError(_("Den valgte kontaktgruppe findes ikke."), field=field)
    return sorted(found, key=lambda g: (g.name.casefold(), str(g.pk)))


def _still_there(rows, pk):
    """The row to change, read again under the organisation's lock.

    Someone may have deleted it since the page was shown (deleting a group takes the nodes
    only it held with it); the caller learns that in Danish rather than as a crash.
    """
    current = rows.filter(pk=pk).first()
    if current is None:
        if rows.model is ContactGroup:
            raise ContactRuleError(_("Kontaktgruppen findes ikke længere."))
        raise ContactRuleError(_("Kontaktpunktet findes ikke længere."))
    return current


def _receiver_system(organisation: Organisation, system_id) -> MailSystem | None:
    """A live receiver system of the organisation (SPEC §4 step 4 "Tilslutning")."""
    if system_id in (None, ""):
        return None
    refused = ContactRuleError(_("Vælg et af organisationens modtagersystemer."), field="system")
    try:
        return MailSystem.objects.receivers().get(organisation=organisation, pk=system_id)
    except (MailSystem.DoesNotExist, ValueError, TypeError, ValidationError):
        raise refused from None


def _group_values(values: Mapping) -> dict:
    """Check and normalise a group's typed values (SPEC §4 "Contact group")."""
    checked = {}
    if "name" in values:
        checked["name"] = _checked(
            "name", lambda v: validation.validate_name(v, what=_("kontaktgruppen")), values["name"]
        )
    if "description" in values:
        checked["description"] = _checked(
            "description", validation.validate_group_description, values["description"]
        )
    if "organisational_unit" in values:
        checked["organisational_unit"] = bool(values["organisational_unit"])
    return checked


LINK_FIELDS = ("link_headline", "link_description", "link_text", "link_url")


def _point_values(values: Mapping) -> dict:
    """Check and normalise a point's column values (SPEC §4 steps 1–4), all of them given."""
    checked = {
        "name": _checked(
            "name", lambda v: validation.validate_name(v, what=_("kontaktpunktet")), values["name"]
        ),
        "description": _checked(
            "description", validation.validate_point_description, values["description"]
        ),
        "internal_note": _checked(
            "internal_note", validation.validate_internal_note, values["internal_note"]
        ),
        "visible": bool(values["visible"]),
        "targets": _checked("targets", validation.validate_targets, values["targets"]),
        "input_fields": _checked(
            "input_fields", validation.validate_input_fields, values["input_fields"]
        ),
        "keywords": _checked("keywords", validation.validate_keywords, values["keywords"]),
        "codes": _checked("codes", validation.validate_codes, values["codes"]),
        "active": bool(values["active"]),
    }
    checked["max_message_mb"], checked["max_attachments"] = _checked(
        "max_message_mb",
        validation.validate_capacity,
        values["max_message_mb"],
        values["max_attachments"],
    )
    checked.update(
        _checked(
            "link_url",
            validation.validate_external_link,
            *(values[name] for name in LINK_FIELDS),
        )
    )
    return checked


# -- how values read in the log ------------------------------------------------------------


# Log texts are lazy: the audit log writes them in Danish, whatever language the person uses.
def _parents_label():
    return _log_text("Overordnede grupper")


def _groups_label():
    return _log_text("Kontaktgrupper")


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _names(groups: Iterable[ContactGroup]) -> list[str]:
    return sorted((g.name for g in groups), key=str.casefold)


def _point_display(name: str, value):
    """A point's value as a caseworker reads it in the log."""
    if name == "visible":
        return _log_text("Synligt") if value else _log_text("Skjult")
    if name == "active":
        return _log_text("Aktivt") if value else _log_text("Ikke aktivt")
    if name == "targets":
        return [Target(t).label for t in value]
    if name == "codes":
        return [f"{CodeType(c['type']).label}: {c['code']}" for c in value]
    return value


def _log(
    *,
    actor: Actor,
    organisation: Organisation,
    event: str,
    node: ContactGroup | ContactPoint,
    changes: Mapping[str, tuple],
) -> None:
    action_record_changes(
        actor=actor,
        organisation=organisation,
        subject=Subject.KONTAKTSTRUKTUR,
        event=event,
        object_id=node.pk,
        object_name=node.name,
        changes=changes,
    )


# -- groups --------------------------------------------------------------------------------


def group_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    description: str,
    organisational_unit: bool = False,
    parent_ids: Iterable[uuid.UUID] = (),
    now: datetime | None = None,
) -> ContactGroup:
    """Create a contact group, optionally under parent groups (SPEC §4 "Contact group").

    A new group has nothing below it, so no placement can close a cycle; the parents must be
    groups of the same organisation.
    """
    at = now or clock_now()
    values = _group_values(
        {"name": name, "description": description, "organisational_unit": organisational_unit}
    )
    with transaction.atomic():
        organisation = _locked_organisation(organisation)
        _authority_check(organisation)
        parents = _own_groups(organisation, parent_ids, field="parents")
        group = ContactGroup.objects.create(
            organisation=organisation, created_at=at, updated_at=at, **values
        )
        GroupInGroup.objects.bulk_create(
            [GroupInGroup(parent=parent, child=group) for parent in parents]
        )
        logged = {_label(ContactGroup, n): ("", v) for n, v in values.items()}
        logged[_parents_label()] = ("", _names(parents))
        _log(
            actor=actor,
            organisation=organisation,
            event=_log_text("Oprettet"),
            node=group,
            changes=logged,
        )
    return group


def group_update(
    *,
    actor: Actor,
    group: ContactGroup,
    changes: Mapping[str, object],
    now: datetime | None = None,
) -> ContactGroup:
    """Change a group's fields or parents (SPEC §4), refusing a cycle and foreign parents."""
    at = now or clock_now()
    unknown = set(changes) - GROUP_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    values = _group_values(changes)
    with transaction.atomic():
        organisation = _locked_organisation(group.organisation_id)
        current = _still_there(
            ContactGroup.objects.select_for_update().filter(organisation=organisation), group.pk
        )
        log = {
            _label(ContactGroup, n): (getattr(current, n), v)
            for n, v in values.items()
            if getattr(current, n) != v
        }
        for name, value in values.items():
            setattr(current, name, value)
        if "parent_ids" in changes:
            parents = _own_groups(organisation, changes["parent_ids"], field="parents")
            new_ids = {p.pk for p in parents}
            before = list(
                ContactGroup.objects.filter(
                    pk__in=GroupInGroup.objects.filter(child=current).values("parent_id")
                )
            )
            old_ids = {p.pk for p in before}
            if new_ids != old_ids:
                if Structure.load(organisation).would_cycle(current.pk, new_ids):
                    raise ContactRuleError(
                        _(
                            "En kontaktgruppe kan ikke placeres under sig selv eller en af sine "
                            "undergrupper."
                        ),
                        field="parents",
                    )
                GroupInGroup.objects.filter(child=current, parent_id__in=old_ids - new_ids).delete()
                GroupInGroup.objects.bulk_create(
                    [GroupInGroup(parent_id=pk, child=current) for pk in new_ids - old_ids]
                )
                log[_parents_label()] = (_names(before), _names(parents))
        if not log:
            return current
        current.version += 1
        current.updated_at = at
        current.save()
        _log(
            actor=actor,
            organisation=organisation,
            event=_log_text("Ændret"),
            node=current,
            changes=log,
        )
    return current


# -- points --------------------------------------------------------------------------------


def _point_log(values: Mapping, *, groups: list[str], system: MailSystem | None) -> dict:
    logged = {
        _label(ContactPoint, n): _point_display(n, v)
        for n, v in sorted(values.items())
        if n in POINT_COLUMNS
    }
    logged[_groups_label()] = groups
    logged[_label(ContactPoint, "system")] = system.name if system else ""
    return logged


def point_create(
    *, actor: Actor, organisation: Organisation, spec: PointSpec, now: datetime | None = None
) -> ContactPoint:
    """Create a contact point (SPEC §4 wizard step "Tilslut"), in its groups, attached to
    one of the organisation's receiver systems if one is chosen."""
    at = now or clock_now()
    values = _point_values({f.name: getattr(spec, f.name) for f in fields(spec)})
    with transaction.atomic():
        organisation = _locked_organisation(organisation)
        _authority_check(organisation)
        groups = _own_groups(organisation, spec.group_ids, field="groups")
        system = _receiver_system(organisation, spec.system_id)
        point = ContactPoint.objects.create(
            organisation=organisation, system=system, created_at=at, updated_at=at, **values
        )
        PointInGroup.objects.bulk_create([PointInGroup(group=g, point=point) for g in groups])
        logged = _point_log(values, groups=_names(groups), system=system)
        _log(
            actor=actor,
            organisation=organisation,
            event=_log_text("Oprettet"),
            node=point,
            changes={label: ("", value) for label, value in logged.items()},
        )
    return point


def point_update(
    *,
    actor: Actor,
    point: ContactPoint,
    changes: Mapping[str, object],
    now: datetime | None = None,
) -> ContactPoint:
    """Change a point's fields, groups or receiver system (SPEC §4 "Redigér")."""
    at = now or clock_now()
    unknown = set(changes) - POINT_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        organisation = _locked_organisation(point.organisation_id)
        current = _still_there(
            ContactPoint.objects.select_for_update(of=("self",))
            .select_related("system")
            .filter(organisation=organisation),
            point.pk,
        )
        # The checks that span fields (capacity, link) see the whole point as it would be.
        stored = {name: getattr(current, name) for name in POINT_COLUMNS}
        proposed = {**stored, **{n: v for n, v in changes.items() if n in POINT_COLUMNS}}
        values = _point_values(proposed)
        log = {
            _label(ContactPoint, n): (_point_display(n, stored[n]), _point_display(n, v))
            for n, v in values.items()
            if v != stored[n]
        }
        for name, value in values.items():
            setattr(current, name, value)
        if "system_id" in changes and changes["system_id"] != current.system_id:
            system = _receiver_system(organisation, changes["system_id"])
            if (system and system.pk) != current.system_id:
                log[_label(ContactPoint, "system")] = (
                    current.system.name if current.system else "",
                    system.name if system else "",
                )
                current.system = system
        if "group_ids" in changes:
            log.update(_point_groups_set(organisation, current, changes["group_ids"]))
        if not log:
            return current
        current.version += 1
        current.updated_at = at
        current.save()
        _log(
            actor=actor,
            organisation=organisation,
            event=_log_text("Ændret"),
            node=current,
            changes=log,
        )
    return current


def _point_groups_set(organisation: Organisation, point: ContactPoint, group_ids) -> dict:
    """Place the point in exactly these groups; the log change, if any."""
    groups = _own_groups(organisation, group_ids, field="groups")
    new_ids = {g.pk for g in groups}
    before = list(
        ContactGroup.objects.filter(
            pk__in=PointInGroup.objects.filter(point=point).values("group_id")
        )
    )
    old_ids = {g.pk for g in before}
    if new_ids == old_ids:
        return {}
    PointInGroup.objects.filter(point=point, group_id__in=old_ids - new_ids).delete()
    PointInGroup.objects.bulk_create(
        [PointInGroup(group_id=pk, point=point) for pk in new_ids - old_ids]
    )
    return {_groups_label(): (_names(before), _names(groups))}


def point_delete(*, actor: Actor, point: ContactPoint) -> None:
    """Delete a contact point with every reference to it (SPEC §4)."""
    with transaction.atomic():
        organisation = _locked_organisation(point.organisation_id)
        current = _still_there(
            ContactPoint.objects.select_for_update().filter(organisation=organisation), point.pk
        )
        groups = ContactGroup.objects.filter(
            pk__in=PointInGroup.objects.filter(point=current).values("group_id")
        )
        _deleted_log(actor, organisation, current, _groups_label(), _names(groups))
        current.delete()


def _deleted_log(actor, organisation, node, edge_label: str, parent_names: list[str]) -> None:
    """One entry per deleted node: its name gone, and the groups it sat in."""
    kind = (
        _log_text("Kontaktgruppe") if isinstance(node, ContactGroup) else _log_text("Kontaktpunkt")
    )
    _log(
        actor=actor,
        organisation=organisation,
        event=_log_text("Slettet"),
        node=node,
        changes={kind: (node.name, ""), edge_label: (parent_names, [])},
    )
