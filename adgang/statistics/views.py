"""Statistik pages (SPEC §11, guide §14.3–14.6): overview, order a standard or custom report,
details, download (CSV) and "Opsig" of a standard report. Authorities and companies alike."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind
from adgang.accounts.rights import STATISTIKADMINISTRATOR
from adgang.audit.services import Actor
from adgang.documents.responses import CSV_CONTENT_TYPE, download_response
from adgang.statistics import reports, selectors
from adgang.statistics.forms import CustomOrderForm, StandardOrderForm
from adgang.statistics.models import Interval, ReportStatus, ReportType
from adgang.statistics.services import (
    ReportRuleError,
    report_cancel,
    report_download,
    report_order_custom,
    report_order_standard,
)
from adgang.ui.pagination import pagination_context

ACCESS = rights_required(
    STATISTIKADMINISTRATOR, kinds=(OrganisationKind.MYNDIGHED, OrganisationKind.VIRKSOMHED)
)
PAGE_SIZES = (10, 25, 50, 100)
DELIVERY_LABELS = {
    Interval.MONTHLY: gettext_lazy("Hver måned"),
    Interval.QUARTERLY: gettext_lazy("Hvert kvartal"),
    Interval.HALF_YEARLY: gettext_lazy("Hvert halve år"),
    Interval.YEARLY: gettext_lazy("Hvert år"),
}


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@ACCESS
@require_http_methods(["GET"])
def overview(request):
    organisation = request.acting.organisation
    chosen = [value for value in request.GET.getlist("type") if value in ReportType.values]
    per_page = _int(request.GET.get("per_side"), PAGE_SIZES[0])
    if per_page not in PAGE_SIZES:
        per_page = PAGE_SIZES[0]
    rows = selectors.reports_of(organisation, types=chosen)
    page = Paginator(rows, per_page).get_page(request.GET.get("side"))

    def url_for(number: int) -> str:
        query = [("type", value) for value in chosen] + [("per_side", per_page), ("side", number)]
        return f"{reverse('statistics:overview')}?{urlencode(query)}"

    filters = [
        {"value": value, "label": label, "checked": value in chosen}
        for value, label in (
            (ReportType.STANDARD, _("Standardrapporter")),
            (ReportType.CUSTOM, _("Brugerdefinerede rapporter")),
        )
    ]
    context = {
        "rows": list(page.object_list),
        "total": page.paginator.count,
        "filters": filters,
        "page_sizes": PAGE_SIZES,
        "per_page": per_page,
        "pending": any(
            row.status == ReportStatus.PENDING and not row.is_standard for row in page.object_list
        ),
        **pagination_context(page, url_for),
    }
    return render(request, "statistics/overview.html", context)


@ACCESS
@require_http_methods(["GET", "POST"])
def order_standard(request):
    if request.method == "POST":
        form = StandardOrderForm(request.POST)
        if form.is_valid():
            try:
                report = report_order_standard(
                    actor=Actor.of(request.acting),
                    organisation=request.acting.organisation,
                    kind=form.cleaned_data["kind"],
                    interval=form.cleaned_data["interval"],
                    email=form.cleaned_data["email"],
                )
            except ReportRuleError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Bestillingen af standardrapport, '%(title)s', er gennemført. Rapporten "
                        "leveres %(interval)s. Når den aktuelle version af rapporten er "
                        "endeligt oprettet, kan den downloades i oversigten. Den vil automatisk "
                        "blive udskiftet, når der oprettes og leveres en nyere version."
                    )
                    % {
                        "title": report.title,
                        "interval": str(Interval(report.interval).label).lower(),
                    },
                )
                return redirect("statistics:overview")
    else:
        form = StandardOrderForm()
    return render(request, "statistics/order_standard.html", {"form": form})


@ACCESS
@require_http_methods(["GET", "POST"])
def order_custom(request):
    if request.method == "POST":
        form = CustomOrderForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = report_order_custom(
                    actor=Actor.of(request.acting),
                    organisation=request.acting.organisation,
                    name=data["name"],
                    variables=data["variables"],
                    start=data["start"],
                    end=data["end"],
                    email=data["email"],
                )
            except ReportRuleError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Bestillingen af brugerdefineret rapport, '%(title)s', er gennemført. "
                        "Når rapporten er endeligt oprettet, kan den downloades i oversigten. "
                        "Rapporten vil blive slettet 7 dage efter oprettelse."
                    )
                    % {"title": report.title},
                )
                return redirect("statistics:overview")
    else:
        form = CustomOrderForm()
    return render(request, "statistics/order_custom.html", {"form": form})


@ACCESS
@require_http_methods(["GET"])
def detail(request, report_id):
    report = selectors.report_get(request.acting.organisation, report_id)
    variables = [str(reports.VARIABLES[slug]) for slug in report.variables]
    if report.is_standard:
        rows = [
            (_("Beskrivelse"), reports.STANDARD_DESCRIPTIONS[report.kind]),
            (_("Variabler"), ", ".join(variables)),
            (_("Størrelse"), report.size_mb if report.is_ready else ""),
            (_("Levering"), DELIVERY_LABELS[report.interval]),
            (_("Tidsperiode"), _period(report)),
            (_("Oprettelsestidspunkt"), report.created_at and f"{report.created_at:%d/%m/%Y}"),
        ]
    else:
        rows = [
            (_("Variabler"), ", ".join(variables)),
            (_("Størrelse"), report.size_mb if report.is_ready else ""),
            (_("Tidsperiode"), _period(report)),
            (_("Oprettelsestidspunkt"), f"{report.ordered_at:%d/%m/%Y}"),
            (_("Status"), report.get_status_display()),
        ]
    return render(request, "statistics/detail.html", {"report": report, "rows": rows})


def _period(report) -> str:
    if report.period_start is None or report.period_end is None:
        return ""
    return f"{report.period_start:%d/%m/%Y}-{report.period_end:%d/%m/%Y}"


@ACCESS
@require_http_methods(["GET"])
def download(request, report_id):
    report = selectors.report_get(request.acting.organisation, report_id, with_content=True)
    try:
        content = report_download(actor=Actor.of(request.acting), report=report)
    except ReportRuleError:
        raise Http404(_("Rapporten er ikke klar til download.")) from None
    filename = f"{report.title} {_period(report).replace('/', '-')}.csv"
    return download_response(content, filename=filename, content_type=CSV_CONTENT_TYPE)


@ACCESS
@require_http_methods(["GET", "POST"])
def cancel(request, report_id):
    report = selectors.report_get(request.acting.organisation, report_id)
    if not report.is_standard:
        raise Http404(_("En brugerdefineret rapport kan ikke opsiges."))
    if request.method == "POST":
        try:
            report_cancel(actor=Actor.of(request.acting), report=report)
        except ReportRuleError as error:
            raise Http404(error.message) from None
        messages.success(
            request, _("Standardrapporten '%(title)s' er opsagt.") % {"title": report.title}
        )
        return redirect("statistics:overview")
    return render(request, "statistics/cancel.html", {"report": report})
