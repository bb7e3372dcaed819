"""Standard supplier systems at /systemtilslutning/standardsystemer/ (SPEC §3, guide §5.6).

Only for system suppliers: a systemadministrator of another organisation gets 403, and a
template of another supplier answers 404 (`selectors.template_get`). The rules (what may
change, what follows to systems in use, when deletion is refused) live in
`template_services`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.accounts.models import Organisation
from adgang.audit.services import Actor
from adgang.systems import selectors, template_services
from adgang.systems.services import SystemRuleError
from adgang.systems.template_forms import TemplateForm, combination_rows

# A service error's field → the form field to show it on.
ERROR_FIELDS = {
    "name": "name",
    "description": "description",
    "types": "types",
    "protocol": "protocol",
    "ips": "ips",
    "endpoint": "endpoint",
    "receipt_endpoint": "receipt_endpoint",
    "contact_name": "contact_name",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
}


def _supplier(request) -> Organisation:
    organisation = request.acting.organisation
    if not organisation.is_system_supplier:
        raise PermissionDenied(_("Kun systemleverandører kan administrere standard systemer."))
    return organisation


def _in_use(template) -> int:
    return template_services.template_systems(template).count()


@rights_required(r.SYSTEMADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def template_list(request):
    """The supplier's own templates; POST publishes or unpublishes one."""
    supplier = _supplier(request)
    if request.method == "POST":
        template = selectors.template_get(supplier, request.POST.get("template", ""))
        published = request.POST.get("publish") == "1"
        template_services.template_set_published(
            actor=Actor.of(request.acting), template=template, published=published
        )
        if published:
            messages.success(
                request, _("»%(name)s« er udgivet og kan nu vælges.") % {"name": template.name}
            )
        else:
            messages.success(
                request,
                _("»%(name)s« er trukket tilbage og kan ikke længere vælges af nye systemer.")
                % {"name": template.name},
            )
        return redirect("systems:templates")
    return render(
        request,
        "systems/standard/list.html",
        {"supplier": supplier, "templates": template_services.templates_with_usage(supplier)},
    )


def _refused(form: TemplateForm, error: SystemRuleError):
    """Show a rule the service refused on its field, like the form's own errors."""
    form.add_error(ERROR_FIELDS.get(error.field), error.message)


def _form_page(request, form, *, template=None, in_use: int = 0):
    return render(
        request,
        "systems/standard/form.html",
        {
            "form": form,
            "template": template,
            "in_use": in_use,
            "combinations": combination_rows(),
        },
        status=200 if not form.errors else 400,
    )


@rights_required(r.SYSTEMADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def template_create(request):
    """The form behind "Opret standard leverandørsystem"."""
    supplier = _supplier(request)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = template_services.template_create(
                actor=Actor.of(request.acting), supplier=supplier, spec=form.spec()
            )
        except SystemRuleError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Standard leverandørsystemet »%(name)s« er oprettet.") % {"name": template.name},
            )
            return redirect("systems:templates")
    return _form_page(request, form)


@rights_required(r.SYSTEMADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    """Edit a template; systems made from it follow (see `template_services`)."""
    supplier = _supplier(request)
    template = selectors.template_get(supplier, pk)
    in_use = _in_use(template)
    form = TemplateForm(
        request.POST or None,
        initial=TemplateForm.initial_for(template),
        types_locked=in_use > 0,
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = template_services.template_update(
                actor=Actor.of(request.acting), template=template, spec=form.spec()
            )
        except SystemRuleError as error:
            _refused(form, error)
        else:
            text = _("Standard leverandørsystemet »%(name)s« er gemt.") % {
                "name": updated.template.name
            }
            if updated.systems_updated:
                text += " " + ngettext(
                    "Ændringerne er overført til %(count)d system, der bruger det.",
                    "Ændringerne er overført til %(count)d systemer, der bruger det.",
                    updated.systems_updated,
                ) % {"count": updated.systems_updated}
            messages.success(request, text)
            return redirect("systems:templates")
    return _form_page(request, form, template=template, in_use=in_use)


@rights_required(r.SYSTEMADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def template_delete(request, pk):
    """Confirm and delete; a template in use can only be unpublished."""
    supplier = _supplier(request)
    template = selectors.template_get(supplier, pk)
    in_use = _in_use(template)
    if request.method == "POST":
        try:
            template_services.template_delete(actor=Actor.of(request.acting), template=template)
        except SystemRuleError as error:
            messages.error(request, error.message)
            return redirect("systems:template-delete", pk=template.pk)
        messages.success(
            request,
            _("Standard leverandørsystemet »%(name)s« er slettet.") % {"name": template.name},
        )
        return redirect("systems:templates")
    return render(request, "systems/standard/delete.html", {"template": template, "in_use": in_use})
