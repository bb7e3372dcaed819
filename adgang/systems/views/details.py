"""A system's details page and its actions (SPEC §3 "Details page", guide §5.2 and §5.7).

Each "Redigér" opens one group (System, Tilslutning, Aktivering, Kontakt) in the wizard's own
forms, and every save goes through `services.system_update`, which enforces the rules again.
What the service locks (protocol, types and activation time of an active system; what a
standard supplier system defines) is shown disabled here. A request that changes such a field
anyway (a tampered form) is handed to the service with the change, so the service refuses it
with its message and nothing is saved — the page never silently drops what was posted.
"""

import copy
from datetime import datetime
from functools import wraps
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.audit.services import Actor
from adgang.core.clock import now
from adgang.documents.pdf import pdf_render
from adgang.documents.responses import pdf_response
from adgang.systems import presentation, receipts, selectors, services, validation
from adgang.systems.documents import system_pdf_sections, system_status_rows
from adgang.systems.forms import TYPE_CHOICES, ActivationForm, ConnectionForm, ContactForm
from adgang.systems.models import NAME_MAX_LENGTH, MailSystem, Protocol
from adgang.systems.rules import protocols_for, requirements, types_of
from adgang.systems.services import Activation, SystemRuleError

SYSTEM, CONNECTION, ACTIVATION, CONTACT = presentation.GROUPS
ACTIVATION_FIELDS = ("activation", "activate_date", "activate_time")

# The form field that edits each summary row (presentation.Row.key); rows not named here
# (ID, CVR, API-key, standard supplier system) are never edited on the details page.
ROW_FIELDS = {
    "name": "name",
    "supplier_name": "supplier_name",
    "types": "types",
    "protocol": "protocol",
    "ips": "ips",
    "endpoint": "endpoint",
    "receipt_endpoint": "receipt_endpoint",
    "ssh_public_key": "ssh_public_key",
    "delegated_cvr": "delegated_cvr",
    "move_post_from_virk": "move_post_from_virk",
    "active_from": "activation",
    "active_to": "deactivate",
    "contact": "contact_name",
    "extra_email": "extra_email",
}
# A service error's field (SystemRuleError.field) → the form field to show it next to.
ERROR_FIELDS = {
    "is_sender": "types",
    "is_receiver": "types",
    "allowed_ips": "ips",
    "ip_range": "ips",
    "active_from": "activate_date",
    "active_to": "deactivate_date",
}
GROUP_INTROS = {
    SYSTEM: gettext_lazy("Ret systemets navn, leverandør og hvad systemet er sat op som."),
    CONNECTION: gettext_lazy(
        "Angiv systemets nærmere tekniske oplysninger, fx dets anvendte protokol, IP-adresser, "
        "IP-range eller SSH-nøgle. Du kan få udleveret oplysningerne af din systemleverandør."
    ),
    ACTIVATION: gettext_lazy(
        "Angiv dato og tidspunkt for, hvornår systemet evt. skal aktiveres. Du har også "
        "mulighed for at angive, hvornår systemet ikke længere skal være aktivt. Tider er "
        "dansk tid."
    ),
    CONTACT: gettext_lazy(
        "Angiv kontaktinformationer for den funktion, som har teknisk ansvar for systemet. "
        "Informationerne bruges til at underrette, fx hvis løsningen registrerer fejl, og det "
        "derfor er nødvendigt at deaktivere systemet."
    ),
}


class SystemEditForm(forms.Form):
    """The "System" group of an existing system: name, supplier, sender and/or receiver.

    (The wizard's SystemStepForm also chooses how to set up; that choice is made for good.)
    """

    name = forms.CharField(
        label=gettext_lazy("Navn"), required=False, max_length=NAME_MAX_LENGTH + 50
    )
    supplier_name = forms.CharField(
        label=gettext_lazy("Systemleverandør"), required=False, max_length=NAME_MAX_LENGTH + 50
    )
    types = forms.MultipleChoiceField(
        label=gettext_lazy("Systemet opsættes som"),
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, system: MailSystem, types_locked: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.system = system
        if types_locked:
            self.fields["types"].disabled = True
        if system.template_id is not None:
            self.fields["supplier_name"].disabled = True

    def clean_name(self):
        return validation.validate_name(self.cleaned_data.get("name", ""))

    def clean_supplier_name(self):
        value = " ".join(self.cleaned_data.get("supplier_name", "").split())
        if len(value) > NAME_MAX_LENGTH:
            raise ValidationError(
                _("Navnet må højst være %(max)d tegn.") % {"max": NAME_MAX_LENGTH}
            )
        return value

    def clean_types(self):
        types = frozenset(self.cleaned_data.get("types") or ())
        if not types:
            raise ValidationError(
                _("Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.")
            )
        if requirements(types, self.system.protocol) is None:
            raise ValidationError(
                _(
                    "Protokollen %(protocol)s kan ikke bruges til et system af denne type. "
                    "Skift først protokol under »Tilslutning«, eller opret et nyt system."
                )
                % {"protocol": Protocol(self.system.protocol).label}
            )
        return types


class ActivationEditForm(ActivationForm):
    """The wizard's "Aktivering" for an existing system.

    Only a newly chosen activation time must lie ahead (SPEC §3; the service's rule too): the
    unchanged time of a deactivated system is of course in the past, and refusing it would
    make a new deactivation time impossible to set.
    """

    def __init__(self, *args, current_from: datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_from = current_from

    def _activation(self, data):
        day, time = data.get("activate_date"), data.get("activate_time")
        if data.get("activation") == Activation.AT and day and time and self.current_from:
            chosen = datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE))
            if _same_minute(chosen, self.current_from):
                return self.current_from
        return super()._activation(data)


def _system_initial(system: MailSystem, group: str, at: datetime) -> dict:
    if group == SYSTEM:
        return {
            "name": system.name,
            "supplier_name": system.supplier_name,
            "types": sorted(types_of(is_sender=system.is_sender, is_receiver=system.is_receiver)),
        }
    if group == CONNECTION:
        return {
            "protocol": system.protocol,
            "ips": "\n".join(system.ip_list),
            "endpoint": system.endpoint,
            "receipt_endpoint": system.receipt_endpoint,
            "ssh_public_key": system.ssh_public_key,
            "delegated_cvr": system.delegated_cvr,
            "move_post_from_virk": system.move_post_from_virk,
        }
    if group == ACTIVATION:
        return ActivationForm.initial_for(system.active_from, system.active_to, now=at)
    return {
        "contact_name": system.contact_name,
        "contact_email": system.contact_email,
        "contact_phone": system.contact_phone,
        "extra_email": system.extra_email,
    }


def _group_form(system: MailSystem, group: str, at: datetime, data=None) -> forms.Form:
    """The form that edits `group` of `system`, with what the service locks disabled.

    A standard supplier system's locked fields show the system's own copy, not the template
    (the supplier may have changed the template since): the forms get no `template=` here.
    """
    active = system.is_active_at(at)
    templated = system.template_id is not None
    initial = _system_initial(system, group, at)
    if group == SYSTEM:
        return SystemEditForm(
            data, initial=initial, system=system, types_locked=active or templated
        )
    if group == CONNECTION:
        form = ConnectionForm(
            data,
            initial=initial,
            types=types_of(is_sender=system.is_sender, is_receiver=system.is_receiver),
            protocol_locked=active,
        )
        if templated:
            for name in ("protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr"):
                form.fields[name].disabled = True
        return form
    if group == ACTIVATION:
        return ActivationEditForm(
            data,
            initial=initial,
            now=at,
            activation_locked=active,
            active_from=system.active_from,
            current_from=system.active_from,
        )
    form = ContactForm(data, initial=initial)
    if templated:
        for name in ("contact_name", "contact_email", "contact_phone"):
            form.fields[name].disabled = True
    return form


def _service_locked(system: MailSystem, at: datetime) -> set[str]:
    """Form fields whose lock the service enforces (a posted change goes to the service)."""
    locked = set()
    if system.is_active_at(at):
        locked |= {"protocol", "types", *ACTIVATION_FIELDS}
    if system.template_id is not None:
        locked |= {"types", "protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr"}
        locked |= {"supplier_name", "contact_name", "contact_email", "contact_phone"}
    return locked


def _unlock_tampered(form: forms.Form, service_locked: set[str]) -> None:
    """Let a posted change of a locked field through to the service, which refuses it.

    Django ignores what is posted for a disabled field; that would quietly save the rest of a
    tampered form. Browsers do not post disabled inputs, so a locked field only arrives with a
    different value when someone changed the request.
    """
    tampered = []
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if not field.disabled or name not in service_locked or key not in form.data:
            continue
        probe = copy.copy(field)
        probe.disabled = False
        raw = field.widget.value_from_datadict(form.data, form.files, key)
        if probe.has_changed(form.get_initial_for_field(field, name), raw):
            tampered.append(name)
    if any(name in ACTIVATION_FIELDS for name in tampered):
        tampered += [name for name in ACTIVATION_FIELDS if name in form.fields]
        form.fields["activation"].required = True
        form.locked_from = None
    for name in tampered:
        form.fields[name].disabled = False


def _same_minute(new: datetime | None, old: datetime | None) -> bool:
    """The form shows times to the minute; an untouched time must not count as a change."""
    if new is None or old is None:
        return new is old
    return new.replace(second=0, microsecond=0) == old.replace(second=0, microsecond=0)


def _changes(system: MailSystem, group: str, data: dict) -> dict:
    """The service's `changes` from a group form's cleaned data."""
    if group == SYSTEM:
        return {
            "name": data["name"],
            "supplier_name": data["supplier_name"],
            "is_sender": "sender" in data["types"],
            "is_receiver": "receiver" in data["types"],
        }
    if group == CONNECTION:
        ips = data["ips"]
        return {
            "protocol": data["protocol"],
            "allowed_ips": list(ips.addresses),
            "ip_range": ips.range,
            "endpoint": data.get("endpoint", ""),
            "receipt_endpoint": data.get("receipt_endpoint", ""),
            "ssh_public_key": data.get("ssh_public_key", ""),
            "delegated_cvr": data.get("delegated_cvr", ""),
            "move_post_from_virk": bool(data.get("move_post_from_virk")),
        }
    if group == ACTIVATION:
        changes = {}
        for name in ("active_from", "active_to"):
            value, current = data.get(name), getattr(system, name)
            changes[name] = current if _same_minute(value, current) else value
        return changes
    return {name: data[name] for name in ("contact_name", "contact_email", "contact_phone")} | {
        "extra_email": data.get("extra_email", "")
    }


def _show_rule_error(form: forms.Form, error: SystemRuleError) -> None:
    name = error.field if error.field in form.fields else ERROR_FIELDS.get(error.field)
    form.add_error(name if name in form.fields else None, error.message)


def _locked_rows(system: MailSystem, at: datetime) -> frozenset[str]:
    """Summary rows without "Redigér": those whose field is disabled in its group's form."""
    disabled = set()
    for group in presentation.GROUPS:
        form = _group_form(system, group, at)
        disabled |= {name for name, field in form.fields.items() if field.disabled}
    return frozenset(key for key, field in ROW_FIELDS.items() if field in disabled) | {"template"}


def _editable_groups(groups, locked_rows) -> set[str]:
    return {
        group.key
        for group in groups
        if any(row.group and row.key not in locked_rows for row in group.rows)
    }


READ = ("GET", "HEAD")
READ_AND_POST = ("GET", "HEAD", "POST")


def own_system(methods: tuple[str, ...]):
    """Hand the view the acting organisation's system `pk`.

    Another organisation's system answers 404 whatever the method (a 405 first would not
    reveal it either, but one answer for every URL is simpler to test and to reason about);
    then a method the view does not take answers 405.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            system = selectors.system_get(request.acting.organisation, pk)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, system, *args, **kwargs)

        return wrapper

    return decorator


@rights_required(r.SYSTEMADMINISTRATOR)
@own_system(READ)
def detail(request, system: MailSystem):
    """Every setting, grouped, with "Redigér" where the rules allow a change (SPEC §3)."""
    at = now()
    groups = presentation.system_groups(system)
    locked_rows = _locked_rows(system, at)
    organisation = request.acting.organisation
    return render(
        request,
        "systems/detail.html",
        {
            "system": system,
            "groups": groups,
            "editable_groups": _editable_groups(groups, locked_rows),
            "locked_rows": locked_rows,
            "status_rows": system_status_rows(system, now=at),
            "is_active": system.is_active_at(at),
            "may_become_primary": organisation.is_authority
            and system.is_receiver
            and not system.is_primary,
        },
    )


@rights_required(r.SYSTEMADMINISTRATOR)
@own_system(READ)
def detail_pdf(request, system: MailSystem):
    """ "Download": the settings, status and last use as a PDF (SPEC §3, §14)."""
    at = now()
    content = pdf_render(
        title=f"{system.name} - {system.type_title}",
        intro=_("Systemindstillinger for %(name)s, CVR %(cvr)s.")
        % {"name": system.name, "cvr": system.organisation.cvr},
        sections=system_pdf_sections(system, now=at),
        generated_at=at,
    )
    return pdf_response(content, filename=f"system-{system.pk}.pdf")


@rights_required(r.SYSTEMADMINISTRATOR)
@own_system(READ_AND_POST)
def edit(request, system: MailSystem, group):
    """ "Redigér" of one group; the service decides and logs field, before and after."""
    if group not in presentation.GROUPS:
        raise Http404
    at = now()
    if request.method == "POST":
        form = _group_form(system, group, at, data=request.POST)
        _unlock_tampered(form, _service_locked(system, at))
        if form.is_valid():
            version = system.version
            try:
                updated = services.system_update(
                    actor=Actor.of(request.acting),
                    system=system,
                    changes=_changes(system, group, form.cleaned_data),
                    now=at,
                )
            except SystemRuleError as error:
                _show_rule_error(form, error)
            else:
                if updated.version != version:
                    messages.success(request, _("Systemet er ændret."))
                else:
                    messages.info(request, _("Der var ingen ændringer at gemme."))
                return redirect("systems:detail", pk=system.pk)
    else:
        form = _group_form(system, group, at)
    heading = dict((g.key, g.heading) for g in presentation.system_groups(system))[group]
    protocol_fields = (
        form.protocol_field_rows(
            [system.protocol] if form.fields["protocol"].disabled else protocols_for(form.types)
        )
        if group == CONNECTION
        else []
    )
    shown = (
        ["protocol", "ips", *(row["field"].name for row in protocol_fields)]
        if group == CONNECTION
        else list(form.fields)
    )
    return render(
        request,
        "systems/edit.html",
        {
            "system": system,
            "group": group,
            "heading": heading,
            "intro": GROUP_INTROS[group],
            "form": form,
            "may_save": any(not form.fields[name].disabled for name in shown),
            "is_active": system.is_active_at(at),
            "is_templated": system.template_id is not None,
            "protocol_fields": protocol_fields,
        },
    )


@rights_required(r.SYSTEMADMINISTRATOR)
@own_system(READ_AND_POST)
def delete(request, system: MailSystem):
    """ "Slet" with a confirm page; an authority's primary system only as the last receiver."""
    if request.method == "POST":
        try:
            services.system_delete(actor=Actor.of(request.acting), system=system)
        except SystemRuleError as error:
            messages.error(request, error.message)
            return redirect("systems:detail", pk=system.pk)
        receipts.key_forget(request, system.pk)
        messages.success(request, _("Systemet »%(name)s« er slettet.") % {"name": system.name})
        return redirect("systems:overview")
    return render(request, "systems/confirm_delete.html", {"system": system})


@rights_required(r.SYSTEMADMINISTRATOR)
@own_system(READ_AND_POST)
def make_primary(request, system: MailSystem):
    """ "Vælg som primærsystem" with the confirm naming the current and new primary (§5.2)."""
    organisation = request.acting.organisation
    if not organisation.is_authority or not system.is_receiver:
        messages.error(request, _("Kun en myndigheds modtagersystemer kan være primærsystem."))
        return redirect("systems:detail", pk=system.pk)
    if system.is_primary:
        messages.info(request, _("Systemet er allerede primærsystem."))
        return redirect("systems:detail", pk=system.pk)
    if request.method == "POST":
        try:
            services.system_make_primary(actor=Actor.of(request.acting), system=system)
        except SystemRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Systemet er ændret. »%(name)s« er nu primærsystem.") % {"name": system.name},
            )
        return redirect("systems:detail", pk=system.pk)
    return render(
        request,
        "systems/confirm_primary.html",
        {"system": system, "current": selectors.primary_system(organisation)},
    )


@rights_required(r.SYSTEMADMINISTRATOR)
@own_system(READ_AND_POST)
def renew_key(request, system: MailSystem):
    """ "Forny API-key": a new secret, shown once in the answer to the POST (SPEC §3).

    The old key stops working when the service commits. The new one is in this response only:
    not in a URL, not stored, and the response may not be cached.
    """
    if request.method == "POST":
        api_key = services.system_renew_api_key(actor=Actor.of(request.acting), system=system)
        response = render(request, "systems/new_key.html", {"system": system, "api_key": api_key})
        patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response
    return render(request, "systems/confirm_renew_key.html", {"system": system})
