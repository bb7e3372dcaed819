"""The Adgang pages (SPEC §8, guide §10): search the giver, the holders' table, "Opret adgang"
(holder → details → summary → receipt) and "Ophæv" with a confirm page.

Personal numbers never reach a URL: searches are POSTs, and the chosen giver (and the flow's
holder and details) live in the person's server-side session under an opaque key, valid only
for the organisation acted for when it was made (`adgang.ui.session_keep.SessionKeep`). Every
page works without JavaScript; every POST ends in a redirect or shows its form again with the
errors next to the fields.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind
from adgang.audit.services import Actor
from adgang.core import clock
from adgang.documents.kept_once import receipt_keep, receipt_peek
from adgang.documents.responses import pdf_response
from adgang.exemptions.selectors import exemption_in_force
from adgang.readaccess import documents, selectors
from adgang.readaccess.forms import (
    LIFT,
    AccessDetailsForm,
    HolderLookupForm,
    details_as_session,
    giver_form,
)
from adgang.readaccess.models import MAX_ACTIVE_PER_GIVER, AccessType, HolderIdType
from adgang.readaccess.services import (
    Party,
    ReadAccessAlreadyEnded,
    ReadAccessRuleError,
    read_access_create,
    read_access_revoke,
)
from adgang.registers.validation import format_cpr, mask_cpr
from adgang.ui.session_keep import SessionKeep

SESSION_KEY = "readaccess_givers"
MAX_GIVERS = 10  # the session keeps at most this many searched givers
RECEIPT_KIND = "readaccess-created"

# The chosen giver (and the create flow's state), kept as long as the session lasts.
_GIVERS = SessionKeep(SESSION_KEY, keep_for=None, max_kept=MAX_GIVERS)

borgerservice = rights_required(r.BORGERSERVICE, kinds=(OrganisationKind.MYNDIGHED,))


# -- the giver kept in the session ---------------------------------------------------------


def _giver_keep(request, record) -> str:
    return _GIVERS.keep(
        request, {"cpr": record.cpr, "name": record.name, "deceased": record.deceased}
    )


def _flow(request, key: str) -> dict:
    """The giver (and the create flow's state) under `key`, for this organisation; else 404."""
    return _GIVERS.require(request, key)


def _flow_save(request, key: str, entry: dict) -> None:
    _GIVERS.update(request, key, entry)


def _flow_reset(request, key: str) -> None:
    entry = _flow(request, key)
    for name in ("holder", "details", "details_raw"):
        entry.pop(name, None)
    _flow_save(request, key, entry)


def _giver(entry: dict) -> Party:
    return Party(HolderIdType.CPR, entry["cpr"], entry["name"], entry.get("deceased", False))


def _holder(entry: dict) -> Party | None:
    holder = entry.get("holder")
    if holder is None:
        return None
    return Party(holder["id_type"], holder["number"], holder["name"], holder.get("deceased", False))


def _giver_info(entry: dict, today: date) -> tuple[str, list, object]:
    exemption = exemption_in_force("CPR", entry["cpr"], on=today)
    if exemption is None:
        status = _("Tilmeldt")
    else:
        status = _("Fritaget for Digital Post fra %(date)s") % {
            "date": f"{exemption.effective_from:%d.%m.%Y}"
        }
    rows = [(_("CPR-nr."), format_cpr(entry["cpr"])), (_("Status"), status)]
    return entry["name"], rows, exemption


def _holder_info(holder: Party) -> tuple[str, list]:
    label = _("CPR-nr.") if holder.id_type == HolderIdType.CPR else _("CVR-nr.")
    number = format_cpr(holder.number) if holder.id_type == HolderIdType.CPR else holder.number
    return holder.name, [(label, number)]


def _shown_holder_id(id_type: str, number: str) -> str:
    return mask_cpr(number) if id_type == HolderIdType.CPR else number


# -- search and table ----------------------------------------------------------------------


@borgerservice
@require_http_methods(["GET", "POST"])
def giver_search(request):
    """ "Adgang": search the giver's CPR (POST; the number never reaches a URL)."""
    form = giver_form(request.POST or None, acting=request.acting)
    if request.method == "POST" and form.is_valid():
        return redirect("readaccess:giver-detail", key=_giver_keep(request, form.record))
    return render(request, "readaccess/search.html", {"form": form})


@borgerservice
@require_http_methods(["GET"])
def giver_detail(request, key):
    """The giver's info box and the table of holders with "Ophæv" (guide §10.3 step 2)."""
    entry = _flow(request, key)
    now = clock.now()
    heading, rows, exemption = _giver_info(entry, timezone.localdate(now))
    accesses = list(selectors.accesses_of_giver(request.acting.organisation, entry["cpr"], at=now))
    total = selectors.active_count(entry["cpr"], at=now)
    table = [
        {
            "access": access,
            "holder_id": _shown_holder_id(access.holder_id_type, access.holder_id),
            "type": access.get_access_type_display(),
            "created": timezone.localdate(access.created_at),
            "expires": access.expires_on,
        }
        for access in accesses
    ]
    return render(
        request,
        "readaccess/giver.html",
        {
            "key": key,
            "form": giver_form(acting=request.acting),
            "info_heading": heading,
            "info_rows": rows,
            "exemption": exemption,
            "rows": table,
            "others": total - len(accesses),
            "at_limit": total >= MAX_ACTIVE_PER_GIVER,
            "max_active": MAX_ACTIVE_PER_GIVER,
        },
    )


# -- "Opret adgang" ------------------------------------------------------------------------

STEP_LABELS = (
    gettext_lazy("Adgangshaver"),
    gettext_lazy("Adgangstype og udløb"),
    gettext_lazy("Opsummering"),
    gettext_lazy("Kvittering"),
)


def _steps(current: int) -> list[dict]:
    return [
        {
            "number": index + 1,
            "label": label,
            "state": "done" if index < current else "current" if index == current else "todo",
        }
        for index, label in enumerate(STEP_LABELS)
    ]


def _cancel(request, key):
    _flow_reset(request, key)
    messages.info(request, _("Oprettelsen af adgangen er annulleret."))
    return redirect("readaccess:giver-detail", key=key)


@borgerservice
@require_http_methods(["GET", "POST"])
def create_holder(request, key):
    """Step 1: search the holder by CPR or CVR (each look-up in the search log)."""
    entry = _flow(request, key)
    if request.method == "POST" and "cancel" in request.POST:
        return _cancel(request, key)
    previous = _holder(entry)
    form = HolderLookupForm(
        request.POST or None,
        acting=request.acting,
        giver_cpr=entry["cpr"],
        # "Tilbage" from the details step shows the holder chosen before.
        initial={"number": previous.number} if previous is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        holder = Party.of(form.record)
        entry["holder"] = {
            "id_type": holder.id_type,
            "number": holder.number,
            "name": holder.name,
            "deceased": holder.deceased,
        }
        if previous is None or previous.id_type != holder.id_type:
            entry.pop("details", None)  # the employee field comes and goes with the type
        _flow_save(request, key, entry)
        return redirect("readaccess:create-details", key=key)
    heading, rows, _exemption = _giver_info(entry, clock.today())
    holder = _holder(entry)
    context = {
        "key": key,
        "form": form,
        "steps": _steps(0),
        "info_heading": heading,
        "info_rows": rows,
        "holder": holder,
    }
    if holder is not None:
        context["holder_heading"], context["holder_rows"] = _holder_info(holder)
    return render(request, "readaccess/create_holder.html", context)


def _details_form(request, entry: dict, data=None):
    today = clock.today()
    holder = _holder(entry)
    exempt = exemption_in_force("CPR", entry["cpr"], on=today) is not None
    return AccessDetailsForm(
        data,
        company_holder=holder.id_type == HolderIdType.CVR,
        giver_exempt=exempt,
        today=today,
    )


@borgerservice
@require_http_methods(["GET", "POST"])
def create_details(request, key):
    """Step 2: type, intended employee, expiry, and lifting or keeping an exemption."""
    entry = _flow(request, key)
    if _holder(entry) is None:
        return redirect("readaccess:create-holder", key=key)
    if request.method == "POST":
        if "cancel" in request.POST:
            return _cancel(request, key)
        raw = {k: v for k, v in request.POST.items() if k.startswith("details-")}
        if "back" in request.POST:  # "Tilbage" keeps what was typed, unvalidated
            entry["details_raw"] = raw
            _flow_save(request, key, entry)
            return redirect("readaccess:create-holder", key=key)
        form = _details_form(request, entry, request.POST)
        if form.is_valid():
            entry["details_raw"] = raw
            entry["details"] = details_as_session(form.cleaned_data)
            _flow_save(request, key, entry)
            return redirect("readaccess:create-summary", key=key)
    else:
        form = _details_form(request, entry, entry.get("details_raw"))
        if entry.get("details_raw"):
            form.is_valid()  # show why stored input is refused (e.g. a date now past)
    return _details_render(request, key, entry, form)


def _details_render(request, key, entry, form):
    heading, rows, exemption = _giver_info(entry, clock.today())
    holder_heading, holder_rows = _holder_info(_holder(entry))
    return render(
        request,
        "readaccess/create_details.html",
        {
            "key": key,
            "form": form,
            "steps": _steps(1),
            "info_heading": heading,
            "info_rows": rows,
            "holder_heading": holder_heading,
            "holder_rows": holder_rows,
            "exemption": exemption,
        },
    )


def _valid_details(request, entry: dict) -> dict | None:
    """The stored details, validated again now (the date may have passed, the giver may
    have become exempt); None sends the person back to the details step."""
    if _holder(entry) is None or not entry.get("details_raw"):
        return None
    form = _details_form(request, entry, entry["details_raw"])
    if not form.is_valid():
        return None
    return details_as_session(form.cleaned_data)


def _summary_rows(entry: dict, details: dict) -> list[dict]:
    holder = _holder(entry)
    holder_lines = [
        holder.name,
        f"{holder.id_type}: {_holder_info(holder)[1][0][1]}",
        _("Adgangstype: %(type)s") % {"type": AccessType(details["access_type"]).label},
    ]
    if details["employee_name"]:
        holder_lines.append(
            _("Tiltænkt medarbejder: %(name)s") % {"name": details["employee_name"]}
        )
    rows = [
        {
            "label": _("Digital Post-ejer (adgangsgiver)"),
            "lines": [entry["name"], f"CPR: {format_cpr(entry['cpr'])}"],
            "edit": "",
        },
        {"label": _("Adgang tildeles (adgangshaver)"), "lines": holder_lines, "edit": "holder"},
    ]
    if details["exemption"]:
        lifted = details["exemption"] == LIFT
        rows.append(
            {
                "label": _("Ophævelse af fritagelse"),
                "lines": [_("Ja") if lifted else _("Nej")],
                "edit": "details",
            }
        )
    rows.append(
        {
            "label": _("Udløbsdato"),
            "lines": [_expiry_label(details["expires_on"])],
            "edit": "details",
        }
    )
    return rows


def _expiry_label(value: str) -> str:
    if not value:
        return _("Tidsubegrænset")
    return f"{date.fromisoformat(value):%d.%m.%Y}"


@borgerservice
@require_http_methods(["GET", "POST"])
def create_summary(request, key):
    """Step 3 "Opsummering" → "Godkend adgangen": the service checks every rule again."""
    entry = _flow(request, key)
    details = _valid_details(request, entry)
    if details is None:
        return redirect(
            "readaccess:create-details" if _holder(entry) else "readaccess:create-holder", key=key
        )
    if request.method == "POST":
        if "cancel" in request.POST:
            return _cancel(request, key)
        if request.POST.get("edit") == "holder":
            return redirect("readaccess:create-holder", key=key)
        if request.POST.get("edit") == "details":
            return redirect("readaccess:create-details", key=key)
        return _approve(request, key, entry, details)
    return render(
        request,
        "readaccess/create_summary.html",
        {"key": key, "steps": _steps(2), "rows": _summary_rows(entry, details)},
    )


def _approve(request, key, entry, details):
    expires_on = date.fromisoformat(details["expires_on"]) if details["expires_on"] else None
    try:
        access = read_access_create(
            actor=Actor.of(request.acting),
            organisation=request.acting.organisation,
            giver=_giver(entry),
            holder=_holder(entry),
            access_type=details["access_type"],
            expires_on=expires_on,
            employee_name=details["employee_name"],
            lift_exemption=(details["exemption"] == LIFT) if details["exemption"] else None,
        )
    except ReadAccessRuleError as error:
        messages.error(request, error.message)
        target = {
            "holder": "readaccess:create-holder",
            "expires_on": "readaccess:create-details",
            "employee_name": "readaccess:create-details",
            "exemption": "readaccess:create-details",
        }.get(error.field or "", "readaccess:create-summary")
        if target == "readaccess:create-summary":
            return render(
                request,
                "readaccess/create_summary.html",
                {"key": key, "steps": _steps(2), "rows": _summary_rows(entry, details)},
                status=409,
            )
        return redirect(target, key=key)
    _flow_reset(request, key)
    token = receipt_keep(request, RECEIPT_KIND, documents.receipt_data(access, request.acting))
    return redirect("readaccess:receipt", key=key, token=token)


@borgerservice
@require_http_methods(["GET"])
def receipt(request, key, token):
    """Step 4 "Kvittering": shown (and downloadable) only right after the approval."""
    _flow(request, key)
    data = receipt_peek(request, RECEIPT_KIND, token)
    if data is None:
        raise Http404
    return render(
        request,
        "readaccess/receipt.html",
        {
            "key": key,
            "token": token,
            "steps": _steps(3),
            "receipt": data,
            "rows": documents.receipt_rows(data),
            "success_text": documents.success_text(data),
            "kept_text": documents.kept_exemption_text(data) if data["exemption_kept"] else "",
            "explanations": documents.explanations(data),
        },
    )


@borgerservice
@require_http_methods(["GET"])
def receipt_pdf(request, key, token):
    _flow(request, key)
    data = receipt_peek(request, RECEIPT_KIND, token)
    if data is None:
        raise Http404
    return pdf_response(documents.receipt_pdf(data), filename="Kvittering adgang oprettet")


# -- "Ophæv" -------------------------------------------------------------------------------


@borgerservice
@require_http_methods(["GET", "POST"])
def revoke(request, key, pk):
    """ "Er du sikker på, du vil ophæve adgangen?" → "Ophæv adgang" (guide §10.4)."""
    entry = _flow(request, key)
    access = selectors.access_get(request.acting.organisation, pk)
    if access.giver.cpr != entry["cpr"]:
        raise Http404
    if request.method == "POST":
        try:
            read_access_revoke(
                actor=Actor.of(request.acting),
                organisation=request.acting.organisation,
                access_id=access.pk,
            )
        except ReadAccessAlreadyEnded as error:
            messages.error(request, error.message)
            return redirect("readaccess:giver-detail", key=key)
        messages.success(
            request,
            _(
                "Adgangen for %(name)s er ophævet. Adgangsgiver og adgangshaver får besked "
                "i Digital Post."
            )
            % {"name": access.holder_name},
        )
        return redirect("readaccess:giver-detail", key=key)
    if not access.is_active_at(clock.now()):
        messages.error(request, _("Adgangen er allerede ophævet eller udløbet."))
        return redirect("readaccess:giver-detail", key=key)
    holder = Party(access.holder_id_type, access.holder_id, access.holder_name)
    number = format_cpr(holder.number) if holder.id_type == HolderIdType.CPR else holder.number
    return render(
        request,
        "readaccess/revoke_confirm.html",
        {"key": key, "access": access, "holder_number": number},
    )
