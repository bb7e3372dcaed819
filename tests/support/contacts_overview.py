"""The contact overview's rows read from the whole structure: the oracle the page-by-page
selectors (`tree_roots` + `tree_page_rows`) are checked against. It was the overview's own
selector until the overview learned to read one page (issue 10); it loads everything with
`Structure.load`, an independent path to the same rows."""

import uuid
from collections.abc import Iterable

from adgang.accounts.models import Organisation
from adgang.contacts.graph import Node, Structure
from adgang.contacts.selectors import TreeRow, _group_ids, _point_details_add, _walk


def tree_rows(
    organisation: Organisation, *, search: str = "", expanded: Iterable = frozenset()
) -> list[TreeRow]:
    """The overview's rows in display order (SPEC §4 "Overview", guide §6.3).

    Without a search: the top level (groups first, then points, each by name) and, below each
    expanded group, its content, recursively. With a search: every group and point whose name
    contains the text, at the top, still expandable. A node placed in several expanded groups
    appears under each. At most five queries, whatever the size of the structure.
    """
    structure = Structure.load(organisation)
    text = search.strip().casefold()
    if text:
        roots = [node for node, name in structure.names.items() if text in name.casefold()]
    else:
        roots = [node for node in structure.names if structure.is_top_level(node)]
    roots.sort(key=structure.display_key)

    def kids_of(group_id: uuid.UUID) -> list[tuple[Node, str]]:
        return [(kid, structure.names[kid]) for kid in structure.sorted_children(group_id)]

    rows = _walk(
        [(node, structure.names[node]) for node in roots],
        kids_of=kids_of,
        has_kids=lambda group_id: bool(structure.children.get(group_id)),
        open_groups=_group_ids(expanded),
    )
    return _point_details_add(organisation, rows)
