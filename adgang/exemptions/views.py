"""Fritag borger and Fritag virksomhed (SPEC §6, guide §8): search → choices → summary →
approve → receipt.

The CPR/CVR is posted, never put in a URL: the found record and the caseworker's answers are
kept in the person's own session under an opaque token (`_CASES`, a
`adgang.ui.session_keep.SessionKeep`), so a URL carries only that token; another session's
token, or one made while acting for another organisation, is unknown here (404). Every POST
ends in a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.accounts.access import rights_required
from adgang.accounts.rights import BORGERSERVICE, ERHVERVSSERVICE
from adgang.audit.models import Register
from adgang.audit.services import Actor
from adgang.documents.kept_once import receipt_keep, receipt_peek
from adgang.documents.responses import pdf_response
from adgang.exemptions import documents
from adgang.exemptions.forms import (
    ACTION_RENEW,
    CitizenExemptForm,
    CompanyChangeForm,
    CompanyExemptForm,
    LiftForm,
    initial_from,
)
from adgang.exemptions.models import Exemption, ExemptionIdType, ExemptionReason, Forwarding
from adgang.exemptions.selectors import exemption_in_force
from adgang.exemptions.services import (
    ExemptionError,
    ForwardingChoice,
    address_text,
    exemption_citizen_create,
    exemption_company_create,
    exemption_lift,
    exemption_renew,
    format_date,
)
from adgang.messaging.mailboxes import unopened_post_count
from adgang.registers.forms import CompanyLookupForm, PersonLookupForm
from adgang.registers.types import Address, CompanyRecord, PersonRecord
from adgang.registers.validation import format_cpr
from adgang.ui.session_keep import SessionKeep
from adgang.ui.wizard import step_indicator

AUTHORITIES = ("myndighed",)
citizen_access = rights_required(BORGERSERVICE, kinds=AUTHORITIES)
company_access = rights_required(BORGERSERVICE, ERHVERVSSERVICE, kinds=AUTHORITIES)

SESSION_KEY = "exemption_cases"
MAX_CASES = 10
# A case lasts as long as the session, for the organisation acted for when it was started.
_CASES = SessionKeep(SESSION_KEY, keep_for=None, max_kept=MAX_CASES)


# -- the case kept in the session --------------------------------------------------------------


def _address_dict(address: Address | None) -> dict | None:
    if address is None:
        return None
    return {
        "street": address.street,
        "postcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }


def _record_dict(record: PersonRecord | CompanyRecord) -> dict:
    if isinstance(record, PersonRecord):
        return {
            "cpr": record.cpr,
            "name": record.name,
            "status": record.status,
            "status_date": record.status_date.isoformat() if record.status_date else None,
            "address": _address_dict(record.address),
            "abroad": record.abroad,
            "deceased": record.deceased,
            "birth_date": record.birth_date.isoformat(),
        }
    return {
        "cvr": record.cvr,
        "name": record.name,
        "address": _address_dict(record.address),
        "status": record.status,
        "is_system_supplier": record.is_system_supplier,
        "kind": record.kind,
    }


def _record_from(data: dict) -> PersonRecord | CompanyRecord:
    address = Address(**data["address"]) if data.get("address") else None
    if "cpr" in data:
        return PersonRecord(
            cpr=data["cpr"],
            name=data["name"],
            status=data["status"],
            status_date=date.fromisoformat(data["status_date"]) if data["status_date"] else None,
            address=address,
            abroad=data["abroad"],
            deceased=data["deceased"],
            birth_date=date.fromisoformat(data["birth_date"]),
        )
    return CompanyRecord(
        cvr=data["cvr"],
        name=data["name"],
        address=address,
        status=data["status"],
        is_system_supplier=data["is_system_supplier"],
        kind=data["kind"],
    )


def _case_start(request, kind: str, record) -> str:
    return _CASES.keep(request, {"record": _record_dict(record), "answers": None}, kind=kind)


def _case(request, kind: str, token: str) -> dict:
    return _CASES.require(request, token, kind=kind)


def _case_save(request, kind: str, token: str, case: dict) -> None:
    _CASES.update(request, token, case, kind=kind)


def _case_end(request, token: str) -> None:
    _CASES.forget(request, token)


# -- the two pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    kind: str  # "citizen" | "company"
    id_type: str
    title: str
    intro: str
    search_form: type
    exempt_form: type
    change_form: type

    @property
    def url_prefix(self) -> str:
        return f"exemptions:{self.kind}"

    def number(self, record) -> str:
        return record.cpr if self.kind == "citizen" else record.cvr


CITIZEN = Flow(
    kind="citizen",
    id_type=ExemptionIdType.CPR,
    title=gettext_lazy("Fritagelse for borger"),
    intro=gettext_lazy(
        "På siden 'Fritag borger' kan du administrere fritagelser for borgere. Påbegynd ikke en "
        "fritagelse eller ophævelsen af en fritagelse, før du har bekræftet, at den relevante "
        "blanket er udfyldt korrekt."
    ),
    search_form=PersonLookupForm,
    exempt_form=CitizenExemptForm,
    change_form=LiftForm,
)
COMPANY = Flow(
    kind="company",
    id_type=ExemptionIdType.CVR,
    title=gettext_lazy("Fritagelse for virksomhed"),
    intro=gettext_lazy(
        "På siden 'Fritag virksomhed' kan du administrere virksomheders fritagelse. Påbegynd "
        "ikke en fritagelse, en fornyelse eller ophævelsen af en fritagelse, før du har "
        "bekræftet, at den relevante blanket er udfyldt korrekt."
    ),
    search_form=CompanyLookupForm,
    exempt_form=CompanyExemptForm,
    change_form=CompanyChangeForm,
)


STEP_LABELS = (
    ("search", gettext_lazy("Fremsøg")),
    ("step", gettext_lazy("Udfyld")),
    ("summary", gettext_lazy("Opsummering")),
    ("receipt", gettext_lazy("Kvittering")),
)


def _steps(current: str) -> list[dict]:
    return step_indicator(STEP_LABELS, current)


def _info(flow: Flow, record, exemption: Exemption | None) -> dict:
    """The info box and the unopened-post warning for the found person or company."""
    if flow.kind == "citizen":
        status = record.status
        if record.status_date:
            status = _("%(status)s siden %(date)s") % {
                "status": record.status,
                "date": format_date(record.status_date),
            }
        rows = [(_("CPR-nummer"), format_cpr(record.cpr)), (_("Status"), status)]
        address = ", ".join(record.address.lines()) if record.has_folkeregister_address else ""
        rows.append((_("Folkeregisteradresse"), address or _("Ingen folkeregisteradresse")))
    else:
        rows = [
            (_("CVR-nummer"), record.cvr),
            (_("Hjemstedsadresse"), ", ".join(record.address.lines())),
            (_("Status"), record.status),
        ]
    if exemption is None:
        rows.append((_("Digital Post"), _("Tilmeldt Digital Post (ikke fritaget)")))
    else:
        rows.append(
            (
                _("Digital Post"),
                _("Fritaget fra Digital Post siden %(date)s")
                % {"date": format_date(exemption.effective_from)},
            )
        )
        if exemption.expires_on:
            rows.append((_("Fritaget indtil"), format_date(exemption.expires_on)))
        else:
            rows.append(
                (_("Fritagelse gælder indtil"), _("Fritagelsen gælder, indtil den ophæves"))
            )
    unopened = unopened_post_count(flow.id_type, flow.number(record))
    return {"info_heading": record.name, "info_rows": rows, "unopened": unopened}


def _search(request, flow: Flow):
    form = flow.search_form(
        request.POST or None, acting=request.acting, register=Register.FRITAGELSESREGISTER
    )
    if request.method == "POST" and form.is_valid():
        token = _case_start(request, flow.kind, form.record)
        return redirect(f"{flow.url_prefix}-case", token=token)
    return render(
        request, "exemptions/search.html", {"flow": flow, "form": form, "steps": _steps("search")}
    )


def _step(request, flow: Flow, token: str):
    case = _case(request, flow.kind, token)
    record = _record_from(case["record"])
    exemption = exemption_in_force(flow.id_type, flow.number(record))
    if exemption is None:
        registered = (
            record.address if flow.kind == "company" or record.has_folkeregister_address else None
        )
        make_form = lambda data=None, initial=None: flow.exempt_form(  # noqa: E731
            data, initial=initial, registered_address=registered
        )
    else:
        make_form = lambda data=None, initial=None: flow.change_form(data, initial=initial)  # noqa: E731
    mode = "exempt" if exemption is None else "change"
    if request.method == "POST":
        form = make_form(request.POST)
        if form.is_valid():
            case["answers"] = {**form.answers(), "mode": mode}
            case["exemption"] = str(exemption.pk) if exemption else None
            _case_save(request, flow.kind, token, case)
            return redirect(f"{flow.url_prefix}-summary", token=token)
    else:
        answers = case.get("answers") if (case.get("answers") or {}).get("mode") == mode else None
        form = make_form(initial=initial_from(answers))
    form.use_required_attribute = False
    return render(
        request,
        "exemptions/step.html",
        {
            "flow": flow,
            "form": form,
            "mode": mode,
            "token": token,
            "steps": _steps("step"),
            **_info(flow, record, exemption),
        },
    )


def _summary_rows(flow: Flow, record, answers: dict) -> list[tuple[str, str, bool]]:
    edit = True
    rows = []
    if flow.kind == "citizen":
        rows += [(_("Navn"), record.name, False), (_("CPR-nummer"), format_cpr(record.cpr), False)]
    else:
        rows += [(_("Navn"), record.name, False), (_("CVR-nummer"), record.cvr, False)]
    if answers["mode"] == "change":
        if flow.kind == "company":
            action = _("Forny") if answers["action"] == ACTION_RENEW else _("Ophæv")
            rows.append((_("Handling"), action, edit))
        rows.append((_("Via fuldmagt"), _("Ja") if answers["by_proxy"] else _("Nej"), edit))
        return rows
    rows.append((_("Fritagelse ved fuldmagt"), _("Ja") if answers["by_proxy"] else _("Nej"), edit))
    if flow.kind == "citizen":
        rows.append((_("Fritagelsesårsag"), ExemptionReason(answers["reason"]).label, edit))
    forwarding = answers["forwarding"]
    if forwarding == Forwarding.DECLINED:
        rows.append((_("Eftersendelse af uåbnet post"), _("Nej"), edit))
    else:
        rows.append((_("Eftersendelse af uåbnet post"), _("Ja"), edit))
        if forwarding == Forwarding.REGISTERED:
            label = _("Folkeregisteradresse") if flow.kind == "citizen" else _("Hjemstedsadresse")
            where = ", ".join(record.address.lines())
        else:
            label = _("Alternativ adresse")
            where = address_text(answers["address"])
        rows.append((_("Adresse"), f"{label}: {where}", edit))
    return rows


def _perform(request, flow: Flow, record, case: dict) -> dict:
    """Call the service for the kept answers; the receipt's data. Raises ExemptionError."""
    answers = case["answers"]
    actor = Actor.of(request.acting)
    organisation = request.acting.organisation
    if answers["mode"] == "exempt":
        forwarding = ForwardingChoice(
            answers["forwarding"],
            Address(**answers["address"]) if answers.get("address") else None,
        )
        if flow.kind == "citizen":
            exemption = exemption_citizen_create(
                actor=actor,
                organisation=organisation,
                person=record,
                by_proxy=answers["by_proxy"],
                reason=answers["reason"],
                forwarding=forwarding,
            )
        else:
            exemption = exemption_company_create(
                actor=actor,
                organisation=organisation,
                company=record,
                by_proxy=answers["by_proxy"],
                forwarding=forwarding,
            )
        action = documents.EXEMPT
    else:
        exemption = Exemption.objects.filter(
            pk=case.get("exemption"), id_type=flow.id_type, number=flow.number(record)
        ).first()
        if exemption is None:
            raise ExemptionError(_("Fritagelsen findes ikke længere. Søg igen."))
        service = exemption_renew if answers["action"] == ACTION_RENEW else exemption_lift
        exemption = service(
            actor=actor,
            organisation=organisation,
            exemption=exemption,
            by_proxy=answers["by_proxy"],
        )
        action = documents.RENEW if answers["action"] == ACTION_RENEW else documents.LIFT
    return documents.receipt_data(
        action=action, exemption=exemption, organisation=organisation, by_proxy=answers["by_proxy"]
    )


def _summary(request, flow: Flow, token: str):
    case = _case(request, flow.kind, token)
    answers = case.get("answers")
    if not answers:
        return redirect(f"{flow.url_prefix}-case", token=token)
    record = _record_from(case["record"])
    error = None
    if request.method == "POST":
        try:
            data = _perform(request, flow, record, case)
        except ExemptionError as refusal:
            error = refusal.message
        else:
            _case_end(request, token)
            receipt = receipt_keep(request, documents.RECEIPT_KIND, {**data, "flow": flow.kind})
            return redirect("exemptions:receipt", token=receipt)
    if answers["mode"] == "exempt":
        heading = (
            _("Fritagelse af borger") if flow.kind == "citizen" else _("Fritagelse af virksomhed")
        )
        approve = _("Godkend fritagelse")
    elif answers.get("action") == ACTION_RENEW:
        heading = _("Fornyelse af virksomheds fritagelse")
        approve = _("Godkend fornyelse")
    else:
        heading = (
            _("Ophævelse af borgers fritagelse")
            if flow.kind == "citizen"
            else _("Ophævelse af virksomheds fritagelse")
        )
        approve = _("Godkend ophævelse")
    return render(
        request,
        "exemptions/summary.html",
        {
            "flow": flow,
            "token": token,
            "heading": heading,
            "approve": approve,
            "rows": _summary_rows(flow, record, answers),
            "error": error,
            "steps": _steps("summary"),
        },
        status=409 if error else 200,
    )


@citizen_access
def citizen(request):
    return _search(request, CITIZEN)


@citizen_access
def citizen_case(request, token: str):
    return _step(request, CITIZEN, token)


@citizen_access
def citizen_summary(request, token: str):
    return _summary(request, CITIZEN, token)


@company_access
def company(request):
    return _search(request, COMPANY)


@company_access
def company_case(request, token: str):
    return _step(request, COMPANY, token)


@company_access
def company_summary(request, token: str):
    return _summary(request, COMPANY, token)


def _receipt_data(request, token: str) -> dict:
    data = receipt_peek(request, documents.RECEIPT_KIND, token)
    if data is None:
        raise Http404
    return data


@company_access
def receipt(request, token: str):
    data = _receipt_data(request, token)
    flow = CITIZEN if data["flow"] == "citizen" else COMPANY
    return render(
        request,
        "exemptions/receipt.html",
        {
            "flow": flow,
            "data": data,
            "token": token,
            "back_url": reverse(f"{flow.url_prefix}"),
            "steps": _steps("receipt"),
        },
    )


@company_access
def receipt_pdf(request, token: str):
    data = _receipt_data(request, token)
    filename = {
        documents.EXEMPT: "kvittering-fritagelse",
        documents.LIFT: "kvittering-ophaevelse-af-fritagelse",
        documents.RENEW: "kvittering-fornyelse-af-fritagelse",
    }[data["action"]]
    return pdf_response(documents.receipt_pdf(data), filename=f"{filename}.pdf")
