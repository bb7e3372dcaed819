"""A system's details page and its actions (SPEC §3 "Details page", guide §5.2 and §5.7).

Each "Redigér" opens one group (System, Tilslutning, Aktivering, Kontakt) in the wizard's own
forms, and every save goes through `services.system_update`, which enforces the rules again.
What the service locks (protocol, types and activation time of an active system; what a
standard supplier system defines) is shown disabled here. A request that changes such a field
anyway (a tampered form) is handed to the service with the change, so the service refuses it
with its message and nothing is saved — the page never silently drops what was posted.
"""

from functools import wraps

from django.contrib import messages
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
from adgang.systems import edit_forms, presentation, receipts, selectors, services
from adgang.systems.documents import system_pdf_sections, system_status_rows
from adgang.systems.models import MailSystem
from adgang.systems.rules import protocols_for
from adgang.systems.services import SystemRuleError

SYSTEM, CONNECTION, ACTIVATION, CONTACT = presentation.GROUPS
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
    locked_rows = edit_forms.locked_rows(system, at)
    organisation = request.acting.organisation
    return render(
        request,
        "systems/detail.html",
        {
            "system": system,
            "groups": groups,
            "editable_groups": edit_forms.editable_groups(groups, locked_rows),
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
        form = edit_forms.group_form(system, group, at, data=request.POST)
        edit_forms.unlock_tampered(form, edit_forms.service_locked(system, at))
        if form.is_valid():
            version = system.version
            try:
                updated = services.system_update(
                    actor=Actor.of(request.acting),
                    system=system,
                    changes=edit_forms.group_changes(system, group, form.cleaned_data),
                    now=at,
                )
            except SystemRuleError as error:
                edit_forms.rule_error_show(form, error)
            else:
                if updated.version != version:
                    messages.success(request, _("Systemet er ændret."))
                else:
                    messages.info(request, _("Der var ingen ændringer at gemme."))
                return redirect("systems:detail", pk=system.pk)
    else:
        form = edit_forms.group_form(system, group, at)
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
