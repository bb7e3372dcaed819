"""Systemoversigt at /systemtilslutning/ and its .xlsx download (SPEC §3, guide §5.7).

Filter, sort, rows per page and page are plain GET parameters, so the table works without
JavaScript and a view can be bookmarked. A value that is not one of ours falls back to the
default instead of failing: these parameters are typed into address bars and shared.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.core.clock import now
from adgang.documents.responses import xlsx_response
from adgang.documents.xlsx import xlsx_render
from adgang.systems import receipts, selectors
from adgang.systems.documents import system_state_label, systems_xlsx_headers, systems_xlsx_rows
from adgang.ui.pagination import pagination_context

SENDER, RECEIVER = "afsender", "modtager"
FILTERS = ((SENDER, gettext_lazy("Afsendersystem")), (RECEIVER, gettext_lazy("Modtagersystem")))
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_SORT = "navn"
COLUMNS = (
    ("navn", gettext_lazy("Navn")),
    ("type", gettext_lazy("Type")),
    ("aktiveret", gettext_lazy("Aktiveret")),
    ("leverandoer", gettext_lazy("Leverandør")),
    ("status", gettext_lazy("Status")),
)


@dataclass(frozen=True)
class OverviewQuery:
    """The overview's GET parameters, each already reduced to an allowed value."""

    types: frozenset[str]
    sort: str
    per_page: int
    page: str

    @classmethod
    def parse(cls, params) -> "OverviewQuery":
        types = frozenset(t for t in params.getlist("type") if t in dict(FILTERS))
        sort = params.get("sort", "")
        if sort.removeprefix("-") not in selectors.SORTS:
            sort = DEFAULT_SORT
        try:
            per_page = int(params.get("per_side", ""))
        except ValueError:
            per_page = PAGE_SIZES[0]
        if per_page not in PAGE_SIZES:
            per_page = PAGE_SIZES[0]
        return cls(types=types, sort=sort, per_page=per_page, page=params.get("side", "1"))

    def params(self, **override) -> dict:
        """The query as GET parameters, with some replaced (a sort link starts on page 1)."""
        values = {
            "type": sorted(self.types),
            "sort": self.sort,
            "per_side": self.per_page,
            "side": self.page,
        }
        values.update(override)
        return {key: value for key, value in values.items() if value not in ("", None, [])}

    def url(self, **override) -> str:
        return "?" + urlencode(self.params(**override), doseq=True)

    def rows(self, organisation):
        return selectors.systems_overview(
            organisation,
            senders=SENDER in self.types,
            receivers=RECEIVER in self.types,
            sort=self.sort,
        ).select_related("template")


def _columns(query: OverviewQuery) -> list[dict]:
    """Header cells: the sort link each offers and, for the sorted one, its aria-sort."""
    current, descending = query.sort.removeprefix("-"), query.sort.startswith("-")
    columns = []
    for key, label in COLUMNS:
        sorted_here = key == current
        next_sort = f"-{key}" if sorted_here and not descending else key
        columns.append(
            {
                "key": key,
                "label": label,
                "url": query.url(sort=next_sort, side=""),
                "aria_sort": ("descending" if descending else "ascending") if sorted_here else "",
            }
        )
    return columns


@rights_required(r.SYSTEMADMINISTRATOR)
def overview(request):
    """The organisation's systems: filter, sort, rows per page, pagination (SPEC §3).

    Coming back here from a receipt ends the shown-once API key's life in the session.
    """
    receipts.key_forget(request)
    organisation = request.acting.organisation
    query = OverviewQuery.parse(request.GET)
    # get_page() answers the last page for a number past the end and the first for garbage.
    page = Paginator(query.rows(organisation), query.per_page).get_page(query.page)
    at = now()
    rows = [
        {"system": system, "state": system_state_label(system, now=at)}
        for system in page.object_list
    ]
    has_any = rows or selectors.systems_of(organisation).exists()
    return render(
        request,
        "systems/overview.html",
        {
            "query": query,
            "filters": [
                {"value": value, "label": label, "checked": value in query.types}
                for value, label in FILTERS
            ],
            "page_sizes": PAGE_SIZES,
            "columns": _columns(query),
            "rows": rows,
            **pagination_context(page, lambda number: query.url(side=number)),
            "download_query": urlencode(query.params(side="", per_side=""), doseq=True),
            "has_any": has_any,
            "is_supplier": organisation.is_system_supplier,
        },
    )


@rights_required(r.SYSTEMADMINISTRATOR)
def overview_download(request):
    """ "Download systemoversigt": every (filtered) system as one row of an .xlsx (SPEC §3)."""
    organisation = request.acting.organisation
    query = OverviewQuery.parse(request.GET)
    at = now()
    content = xlsx_render(
        sheet_title=_("Systemoversigt"),
        headers=systems_xlsx_headers(),
        rows=systems_xlsx_rows(query.rows(organisation), now=at),
    )
    return xlsx_response(
        content, filename=f"systemoversigt-{organisation.cvr}-{localdate(at):%Y-%m-%d}.xlsx"
    )
