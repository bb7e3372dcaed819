"""Kontaktstruktur at /kontaktstruktur/: the structure as a tree table (SPEC §4 "Overview",
guide §6.3 step 1 and §6.5).

Search, filter, open groups, rows per page and page are plain GET parameters, so the tree
expands and pages without JavaScript and a view can be bookmarked. Names of contact groups
and points are public texts (shown on borger.dk and Virk), so a search in the URL leaks
nothing personal. A parameter value that is not one of ours falls back to the default.

Pagination counts top-level rows: an expanded group's content stays on its group's page.
The database pages: `selectors.tree_roots` reads the ids and names of the top rows only (the
search narrowed in SQL), the view cuts out the page, and `selectors.tree_page_rows` reads what
that page shows (content of its open groups, its points' columns) — a fixed number of
queries whatever the size of the structure, and no query per row.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adgang.contacts import selectors
from adgang.contacts.graph import GROUP
from adgang.contacts.models import Target
from adgang.contacts.selectors import TreeRow
from adgang.contacts.views.access import ACCESS
from adgang.ui.pagination import pagination_context

PAGE_SIZES = (10, 25, 50, 100)
SEARCH_MAX_LENGTH = 100
INDENT_MAX = 8  # deeper rows are indented as much as this (contacts.css has the classes)
# Filter values in the URL (Danish, as the rest of the URL) → the target group.
TARGET_FILTERS = (
    ("borger", Target.CITIZEN),
    ("virksomhed", Target.COMPANY),
    ("myndighed", Target.AUTHORITY),
)
ACTIVE, INACTIVE = "aktivt", "ikke-aktivt"
STATUS_FILTERS = ((ACTIVE, _("Aktivt")), (INACTIVE, _("Ikke aktivt")))


def _uuids(values) -> tuple[str, ...]:
    """The valid group ids among the `aaben` values, each once, in the order given."""
    seen: dict[str, None] = {}
    for value in values:
        try:
            seen[str(uuid.UUID(value))] = None
        except ValueError:
            continue
    return tuple(seen)


@dataclass(frozen=True)
class TreeQuery:
    """The overview's GET parameters, each already reduced to an allowed value."""

    search: str
    expanded: tuple[str, ...]
    target: str
    status: str
    per_page: int
    page: str

    @classmethod
    def parse(cls, params) -> "TreeQuery":
        target = params.get("maalgruppe", "")
        status = params.get("status", "")
        try:
            per_page = int(params.get("per_side", ""))
        except ValueError:
            per_page = PAGE_SIZES[0]
        return cls(
            search=params.get("soeg", "").strip()[:SEARCH_MAX_LENGTH],
            expanded=_uuids(params.getlist("aaben")),
            target=target if target in dict(TARGET_FILTERS) else "",
            status=status if status in dict(STATUS_FILTERS) else "",
            per_page=per_page if per_page in PAGE_SIZES else PAGE_SIZES[0],
            page=params.get("side", "1"),
        )

    def params(self, **override) -> dict:
        values = {
            "soeg": self.search,
            "maalgruppe": self.target,
            "status": self.status,
            "aaben": list(self.expanded),
            "per_side": self.per_page if self.per_page != PAGE_SIZES[0] else "",
            "side": self.page if self.page != "1" else "",
        }
        values.update(override)
        return {key: value for key, value in values.items() if value not in ("", None, [])}

    def url(self, **override) -> str:
        params = self.params(**override)
        return "?" + urlencode(params, doseq=True) if params else "?"

    def toggle_url(self, group_id: uuid.UUID) -> str:
        """This view with the group opened, or closed if it is open (the page is kept)."""
        key = str(group_id)
        if key in self.expanded:
            expanded = [value for value in self.expanded if value != key]
        else:
            expanded = [*self.expanded, key]
        return self.url(aaben=expanded)

    @property
    def filtered(self) -> bool:
        return bool(self.target or self.status)

    def shows(self, row: TreeRow) -> bool:
        """The filter narrows the contact points; groups stay, so the tree can be opened."""
        if row.is_group:
            return True
        if self.target and dict(TARGET_FILTERS)[self.target] not in row.targets:
            return False
        if self.status == ACTIVE and not row.active:
            return False
        return not (self.status == INACTIVE and row.active)


def _blocks(rows: list[TreeRow], query: TreeQuery) -> list[list[TreeRow]]:
    """The rows cut into top-level blocks (a top row and the open content below it), the
    points the filter leaves out dropped."""
    blocks: list[list[TreeRow]] = []
    for row in rows:
        if row.depth == 0:
            blocks.append([])
        if query.shows(row):
            blocks[-1].append(row)
    return [block for block in blocks if block]


class _RowLinks:
    """Each row's detail, edit and delete links: every name reversed once per request (with a
    placeholder id that is then replaced), not five `{% url %}` per row of a 100-row page."""

    NAMES = {
        True: ("contacts:group-detail", "contacts:group-edit", "contacts:group-delete"),
        False: ("contacts:point-detail", "contacts:point-edit", ""),
    }
    _PLACEHOLDER = str(uuid.UUID(int=0))

    def __init__(self) -> None:
        self._patterns: dict[str, str] = {}

    def _url(self, name: str, pk: uuid.UUID) -> str:
        if not name:
            return ""
        if name not in self._patterns:
            self._patterns[name] = reverse(name, args=[self._PLACEHOLDER])
        return self._patterns[name].replace(self._PLACEHOLDER, str(pk))

    def of(self, row: TreeRow) -> dict[str, str]:
        detail, edit, delete = self.NAMES[row.is_group]
        return {
            "detail_url": self._url(detail, row.id),
            "edit_url": self._url(edit, row.id),
            "delete_url": self._url(delete, row.id),
        }


@ACCESS
def overview(request):
    """The organisation's contact structure as an expandable tree table (SPEC §4)."""
    organisation = request.acting.organisation
    query = TreeQuery.parse(request.GET)
    roots = selectors.tree_roots(organisation, search=query.search)
    candidates = roots
    if query.filtered:
        # A top-level point the filter leaves out is no block; a group always is one.
        kept = {row.id for row in selectors.point_rows(organisation, roots) if query.shows(row)}
        candidates = [root for root in roots if root[0].kind == GROUP or root[0].id in kept]
    # get_page() answers the last page for a number past the end and the first for garbage.
    page = Paginator(candidates, query.per_page).get_page(query.page)
    rows = selectors.tree_page_rows(organisation, list(page.object_list), expanded=query.expanded)
    links = _RowLinks()
    shown = [
        {
            "row": row,
            "indent": min(row.depth, INDENT_MAX),
            "toggle_url": query.toggle_url(row.id) if row.has_children else "",
            **links.of(row),
        }
        for block in _blocks(rows, query)
        for row in block
    ]
    return render(
        request,
        "contacts/overview.html",
        {
            "query": query,
            "rows": shown,
            # Nothing at all yet, or nothing that matches the search or filter.
            "is_empty": not roots and not query.search,
            "missing_points": selectors.receivers_without_points(organisation),
            "page_sizes": PAGE_SIZES,
            "target_filters": [
                {"value": value, "label": target.label} for value, target in TARGET_FILTERS
            ],
            "status_filters": [{"value": value, "label": label} for value, label in STATUS_FILTERS],
            **pagination_context(page, lambda number: query.url(side=number)),
        },
    )
