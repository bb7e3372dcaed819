"""The Hændelseslog pages (SPEC §5, guide §7): landing page, the three searches, downloads.

Search terms never appear in a URL: the form posts, its criteria are saved (SavedSearch)
and the browser is redirected to `?s=<id>` (post/redirect/get). Result pages and downloads
take only that id, which works for its owner alone (person and acting organisation; anyone
else gets 404). Every search and every download writes one row to the search log.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from adgang.accounts.access import declare
from adgang.audit.models import Register
from adgang.audit.services import Actor, search_record
from adgang.core.clock import today
from adgang.documents.responses import csv_streaming_response
from adgang.eventlog.exports import log_table
from adgang.eventlog.models import SavedSearch
from adgang.eventlog.pages import PAGES, LogPage
from adgang.eventlog.period import display_floor
from adgang.eventlog.queries import (
    COUNT_CAP,
    DEFAULT_SORT,
    SORTS,
    LogResults,
    criteria_period,
    log_rows,
    search_data_of,
)
from adgang.ui.navigation import SECTIONS_BY_KEY, visible_logs
from adgang.ui.pagination import pagination_context

PAGE_SIZES = (10, 25, 50, 100)


@declare(SECTIONS_BY_KEY["haendelseslog"].access)
def landing(request):
    """Hændelseslog: one card per log the person's rights open (SPEC §5, §1)."""
    return render(request, "eventlog/landing.html", {"logs": visible_logs(request.acting)})


def _saved(request, page: LogPage) -> SavedSearch | None:
    """The saved search `?s=` names, if it is this person's in this organisation, else 404."""
    value = request.GET.get("s", "")
    if not value:
        return None
    try:
        search_id = uuid.UUID(value)
    except ValueError as error:
        raise Http404 from error
    acting = request.acting
    saved = SavedSearch.objects.filter(
        pk=search_id, person=acting.person, organisation=acting.organisation, kind=page.kind
    ).first()
    if saved is None:
        raise Http404
    return saved


def _log_search(request, criteria: dict, count: int) -> None:
    acting = request.acting
    search_record(
        actor=Actor.of(acting),
        organisation=acting.organisation,
        search_data=search_data_of(criteria) or acting.organisation.cvr,
        register=Register.HAENDELSESLOG,
        result_count=count,
    )


def _search(request, page: LogPage):
    """POST: validate, log, save the criteria, redirect to the first result page."""
    form = page.form_class(request.POST)
    if not form.is_valid():
        return _render(request, page, form, None)
    organisation = request.acting.organisation
    criteria = form.criteria()
    count = log_rows(page.kind, organisation, criteria, floor=display_floor()).count()
    _log_search(request, criteria, count)
    saved = SavedSearch.objects.create(
        person=request.acting.person, organisation=organisation, kind=page.kind, criteria=criteria
    )
    return redirect(f"{reverse(f'eventlog:{page.kind}')}?{urlencode({'s': saved.pk})}")


def log_view(page: LogPage):
    @declare(page.access)
    def view(request):
        if request.method == "POST":
            return _search(request, page)
        saved = _saved(request, page)
        form = page.form_class(initial=saved.criteria if saved else None)
        return _render(request, page, form, saved)

    view.__name__ = f"log_{page.kind}"
    return view


def download_view(page: LogPage):
    @declare(page.access)
    def view(request):
        """Download: every field of the saved search's rows over its whole period, as CSV."""
        saved = _saved(request, page)
        if saved is None:
            raise Http404
        organisation = request.acting.organisation
        count = log_rows(page.kind, organisation, saved.criteria).count()
        _log_search(request, saved.criteria, count)
        headers, rows = log_table(page.kind, organisation, saved.criteria)
        return csv_streaming_response(f"{page.csv_name}-{today():%Y-%m-%d}", headers, rows)

    view.__name__ = f"download_{page.kind}"
    return view


def _options(request, page: LogPage) -> tuple[str, int]:
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.removeprefix("-") not in SORTS[page.kind]:
        sort = DEFAULT_SORT
    try:
        size = int(request.GET.get("size", ""))
    except ValueError:
        size = PAGE_SIZES[0]
    return sort, size if size in PAGE_SIZES else PAGE_SIZES[0]


def _page(request, paginator: Paginator):
    """The asked-for page; past the end, the last page and a message saying so."""
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        messages.info(
            request,
            _("Side %(asked)s findes ikke. Du ser den sidste side af resultaterne.")
            % {"asked": request.GET.get("page")},
        )
        return paginator.page(paginator.num_pages)


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


def _results(request, page: LogPage, saved: SavedSearch) -> dict:
    sort, size = _options(request, page)
    floor = display_floor()
    rows = LogResults(
        page.kind,
        request.acting.organisation,
        saved.criteria,
        floor=floor,
        sort=sort,
        number=_page_number(request),
        size=size,
        cap=COUNT_CAP,
    )
    current = _page(request, Paginator(rows, size))

    def url(**changes) -> str:
        params = {"s": saved.pk, "sort": sort, "size": size, "page": current.number, **changes}
        return "?" + urlencode(params)

    return {
        "saved": saved,
        "rows": current.object_list,
        "count": min(current.paginator.count, COUNT_CAP),
        "count_capped": current.paginator.count > COUNT_CAP,
        "count_cap": number_format(COUNT_CAP, force_grouping=True),
        "columns": _columns(page, sort, url),
        "sizes": PAGE_SIZES,
        "size": size,
        "sort": sort,
        "download_url": f"{reverse(f'eventlog:{page.kind}-download')}?{urlencode({'s': saved.pk})}",
        "floor_notice": _floor_notice(saved, floor),
        **_pagination(current, url),
    }


def _pagination(current, url) -> dict:
    return pagination_context(current, lambda number: url(page=number))


def _floor_notice(saved: SavedSearch, floor) -> str:
    if criteria_period(saved.criteria).start_at >= floor:
        return ""
    return _(
        "Perioden går længere tilbage end tre måneder. Siden viser kun hændelser fra "
        "%(floor)s; download resultaterne for at se hele perioden."
    ) % {"floor": date_format(floor.date(), "d/m/Y")}


def _columns(page: LogPage, sort: str, url) -> list[dict]:
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    columns = []
    for key, label in page.columns:
        column = {"key": key, "label": label, "url": "", "aria_sort": ""}
        if key:
            here = key == current
            column["url"] = url(sort=f"-{key}" if here and not descending else key, page=1)
            if here:
                column["aria_sort"] = "descending" if descending else "ascending"
        columns.append(column)
    return columns


def _render(request, page: LogPage, form, saved: SavedSearch | None):
    context = {
        "page_def": page,
        "section": SECTIONS_BY_KEY["haendelseslog"],
        "form": form,
        "more_open": any(form[name].errors or form[name].value() for name in form.more_fields),
    }
    if saved is not None:
        context.update(_results(request, page, saved))
    return render(request, f"eventlog/{page.kind}.html", context)


LOG_VIEWS = {kind: log_view(page) for kind, page in PAGES.items()}
DOWNLOAD_VIEWS = {kind: download_view(page) for kind, page in PAGES.items()}
