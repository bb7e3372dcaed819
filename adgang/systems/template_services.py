"""Suppliers' standard systems (SPEC §3 "Standard supplier systems", guide §5.6).

A system supplier (an organisation with `is_system_supplier`) publishes templates: types,
protocol, IPs, endpoints and contact. An organisation choosing one in the wizard gets these
copied and locked (`services.system_create`), and gives the supplier power of attorney.

Decisions, each enforced here whatever the caller:
- **Updates propagate.** The organisation cannot edit what the template defines (the fields
  are locked on its system), so the supplier is the one who maintains them — as in the real
  product. When the supplier changes IPs, endpoints or contact, every live system made from
  the template gets the new values in the same transaction, each change written to that
  system's organisation's action log with the supplier's person as actor. Otherwise a
  supplier moving to a new IP address would lock every customer out with no way to fix it.
- **Types and protocol are fixed while the template is in use**: changing them would change
  the system type or protocol of (possibly active) systems, which SPEC §3 forbids while a
  system is active and which could break the one-receiver and primary-system rules. The
  supplier publishes a new template instead.
- **A template in use cannot be deleted**; the supplier can unpublish it, so nobody new can
  choose it while existing systems keep working and keep receiving the supplier's updates.
  An unused template is deleted for good (systems deleted earlier lose only the reference).
Every change is one transaction with action-log entries (field, before, after; subject
System) via `adgang.audit.services`.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _log_text

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import Actor, action_record, action_record_changes
from adgang.core.clock import now as clock_now
from adgang.systems.checks import combination_check
from adgang.systems.checks import values_check as check_typed_values
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.services import SystemRuleError

# What a template defines, in the order the log lists it. Labels are the log's field names;
# the contact's name gets its own label so it is not confused with the template's name.
LOG_LABELS = {
    "name": gettext_lazy("Navn"),
    "description": gettext_lazy("Beskrivelse"),
    "is_sender": gettext_lazy("Afsendersystem"),
    "is_receiver": gettext_lazy("Modtagersystem"),
    "protocol": gettext_lazy("Protokol"),
    "allowed_ips": gettext_lazy("IP-adresser"),
    "ip_range": gettext_lazy("IP-range"),
    "endpoint": gettext_lazy("End point"),
    "receipt_endpoint": gettext_lazy("Kvitterings-end point"),
    "contact_name": gettext_lazy("Kontakt – navn"),
    "contact_email": gettext_lazy("Kontakt – e-mailadresse"),
    "contact_phone": gettext_lazy("Kontakt – telefonnummer"),
    "is_published": gettext_lazy("Udgivet"),
}
# What every system made from the template follows when the supplier changes it.
PROPAGATED_FIELDS = (
    "allowed_ips",
    "ip_range",
    "endpoint",
    "receipt_endpoint",
    "contact_name",
    "contact_email",
    "contact_phone",
)
DESCRIPTION_MAX_LENGTH = SystemTemplate._meta.get_field("description").max_length
# What the supplier types, checked like the wizard's fields whoever calls the service.
TYPED_FIELDS = (
    "name",
    "allowed_ips",
    "endpoint",
    "receipt_endpoint",
    "contact_name",
    "contact_email",
    "contact_phone",
)
# What cannot change while live systems use the template.
FIXED_WHILE_IN_USE = ("is_sender", "is_receiver", "protocol")


@dataclass(frozen=True)
class TemplateSpec:
    """A standard system as the supplier's form collects it, already parsed."""

    name: str
    is_sender: bool = False
    is_receiver: bool = False
    protocol: str = ""
    allowed_ips: tuple[str, ...] = ()
    ip_range: str = ""
    endpoint: str = ""
    receipt_endpoint: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    description: str = ""
    is_published: bool = True

    def values(self) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["allowed_ips"] = list(self.allowed_ips)
        return values


@dataclass(frozen=True)
class Updated:
    template: SystemTemplate
    systems_updated: int  # live systems that received the supplier's new values


def _display(name: str, value):
    if name == "protocol":
        return Protocol(value).label if value else ""
    return value


def templates_with_usage(supplier: Organisation) -> QuerySet[SystemTemplate]:
    """The supplier's templates with `system_count`: live systems made from each."""
    return (
        SystemTemplate.objects.filter(supplier=supplier)
        .annotate(
            system_count=Count("systems", filter=Q(systems__deleted_at__isnull=True), distinct=True)
        )
        .order_by("name")
    )


def template_systems(template: SystemTemplate) -> QuerySet[MailSystem]:
    return MailSystem.objects.alive().filter(template=template)


def _require_supplier(supplier: Organisation) -> None:
    if not supplier.is_system_supplier:
        raise SystemRuleError(
            _("Kun systemleverandører kan oprette standard leverandørsystemer."), field="name"
        )


def _check(values: dict, *, supplier: Organisation, exclude=None) -> None:
    """SPEC §3's protocol table and required fields; names unique per supplier."""
    if not values["name"].strip():
        raise SystemRuleError(_("Giv standard leverandørsystemet et navn."), field="name")
    values["description"] = " ".join(values["description"].split())
    if len(values["description"]) > DESCRIPTION_MAX_LENGTH:
        raise SystemRuleError(
            _("Beskrivelsen må højst være %(limit_value)d tegn.")
            % {"limit_value": DESCRIPTION_MAX_LENGTH},
            field="description",
        )
    needs = combination_check(values, ssh_key_needed=False)
    # A template carries no SSH key (keys are per organisation) and no delegation (implied).
    if not needs.endpoint:
        values["endpoint"] = ""
    if not needs.receipt_endpoint:
        values["receipt_endpoint"] = ""
    # Typed values with the forms' own validation, as `system_create` does for a system:
    # systems copy a template's values without checking them again.
    check_typed_values(values, TYPED_FIELDS)
    same_name = SystemTemplate.objects.filter(supplier=supplier, name__iexact=values["name"])
    if exclude is not None:
        same_name = same_name.exclude(pk=exclude)
    if same_name.exists():
        raise SystemRuleError(
            _("Der findes allerede et standard leverandørsystem med navnet »%(name)s«.")
            % {"name": values["name"]},
            field="name",
        )


def template_create(
    *, actor: Actor, supplier: Organisation, spec: TemplateSpec, now: datetime | None = None
) -> SystemTemplate:
    """Publish (or draft) a new standard system for `supplier` (SPEC §3, guide §5.6)."""
    at = now or clock_now()
    values = spec.values()
    with transaction.atomic():
        supplier = Organisation.objects.select_for_update().get(pk=supplier.pk)
        _require_supplier(supplier)
        _check(values, supplier=supplier)
        template = SystemTemplate.objects.create(
            supplier=supplier, created_at=at, updated_at=at, **values
        )
        action_record_changes(
            actor=actor,
            organisation=supplier,
            subject=Subject.SYSTEM,
            event=_log_text("Standard leverandørsystem oprettet"),
            object_id=template.pk,
            object_name=template.name,
            changes={
                str(label): ("", _display(name, values[name])) for name, label in LOG_LABELS.items()
            },
        )
    return template


def template_update(
    *, actor: Actor, template: SystemTemplate, spec: TemplateSpec, now: datetime | None = None
) -> Updated:
    """Change a standard system; live systems made from it follow (see the module docstring)."""
    at = now or clock_now()
    values = spec.values()
    with transaction.atomic():
        supplier = Organisation.objects.select_for_update().get(pk=template.supplier_id)
        current = SystemTemplate.objects.select_for_update().get(pk=template.pk)
        _require_supplier(supplier)
        _check(values, supplier=supplier, exclude=current.pk)
        changed = {n: v for n, v in values.items() if v != getattr(current, n)}
        systems = list(template_systems(current).select_for_update().select_related("organisation"))
        if systems:
            for name in FIXED_WHILE_IN_USE:
                if name in changed:
                    raise SystemRuleError(
                        ngettext(
                            "Type og protokol kan ikke ændres, fordi %(count)d system bruger "
                            "standard leverandørsystemet. Opret et nyt standard "
                            "leverandørsystem i stedet.",
                            "Type og protokol kan ikke ændres, fordi %(count)d systemer bruger "
                            "standard leverandørsystemet. Opret et nyt standard "
                            "leverandørsystem i stedet.",
                            len(systems),
                        )
                        % {"count": len(systems)},
                        field="protocol" if name == "protocol" else "types",
                    )
        if not changed:
            return Updated(template=current, systems_updated=0)
        log = {
            LOG_LABELS[n]: (_display(n, getattr(current, n)), _display(n, v))
            for n, v in changed.items()
        }
        for name, value in changed.items():
            setattr(current, name, value)
        current.updated_at = at
        current.save()
        action_record_changes(
            actor=actor,
            organisation=supplier,
            subject=Subject.SYSTEM,
            event=_log_text("Standard leverandørsystem ændret"),
            object_id=current.pk,
            object_name=current.name,
            changes=log,
        )
        updated = sum(_propagate(actor, current, system, at) for system in systems)
    return Updated(template=current, systems_updated=updated)


def _propagate(actor: Actor, template: SystemTemplate, system: MailSystem, at: datetime) -> bool:
    """Give one system the template's current values, logged in the system's organisation."""
    changed = {
        n: getattr(template, n)
        for n in PROPAGATED_FIELDS
        if getattr(template, n) != getattr(system, n)
    }
    if not changed:
        return False
    log = {LOG_LABELS[n]: (getattr(system, n), v) for n, v in changed.items()}
    for name, value in changed.items():
        setattr(system, name, value)
    system.version += 1
    system.updated_at = at
    system.save()
    action_record_changes(
        actor=actor,
        organisation=system.organisation,
        subject=Subject.SYSTEM,
        event=_log_text("Ændret af systemleverandøren"),
        object_id=system.pk,
        object_name=system.name,
        changes=log,
        power_of_attorney=system.delegated_cvr,
    )
    return True


def template_set_published(
    *, actor: Actor, template: SystemTemplate, published: bool, now: datetime | None = None
) -> SystemTemplate:
    """Publish or unpublish: only published templates can be chosen in the wizard."""
    at = now or clock_now()
    with transaction.atomic():
        current = SystemTemplate.objects.select_for_update().get(pk=template.pk)
        if current.is_published == published:
            return current
        current.is_published = published
        current.updated_at = at
        current.save(update_fields=["is_published", "updated_at"])
        action_record(
            actor=actor,
            organisation=current.supplier,
            subject=Subject.SYSTEM,
            event=_log_text("Standard leverandørsystem udgivet")
            if published
            else _log_text("Standard leverandørsystem trukket tilbage"),
            object_id=current.pk,
            object_name=current.name,
            field=LOG_LABELS["is_published"],
            before=not published,
            after=published,
        )
    return current


def template_delete(*, actor: Actor, template: SystemTemplate) -> None:
    """Delete an unused standard system; one in use can only be unpublished."""
    with transaction.atomic():
        current = SystemTemplate.objects.select_for_update().get(pk=template.pk)
        in_use = template_systems(current).count()
        if in_use:
            raise SystemRuleError(
                ngettext(
                    "Standard leverandørsystemet bruges af %(count)d system og kan ikke "
                    "slettes. Du kan trække det tilbage, så det ikke kan vælges af flere.",
                    "Standard leverandørsystemet bruges af %(count)d systemer og kan ikke "
                    "slettes. Du kan trække det tilbage, så det ikke kan vælges af flere.",
                    in_use,
                )
                % {"count": in_use}
            )
        action_record(
            actor=actor,
            organisation=current.supplier,
            subject=Subject.SYSTEM,
            event=_log_text("Standard leverandørsystem slettet"),
            object_id=current.pk,
            object_name=current.name,
            field=LOG_LABELS["name"],
            before=current.name,
            after="",
        )
        current.delete()
