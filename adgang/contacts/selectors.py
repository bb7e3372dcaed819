"""Reads for Kontaktstruktur (SPEC §4), and what the Digital Post core asks of it.

Every query for an organisation's groups and points starts here with the organisation
acting, so another organisation's group or point is simply not found (404).
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.contacts.graph import GROUP, POINT, Node, Structure
from adgang.contacts.models import (
    ContactGroup,
    ContactPoint,
    GroupInGroup,
    PointInGroup,
    Target,
)
from adgang.core.clock import now as clock_now
from adgang.systems.models import MailSystem
from adgang.systems.selectors import primary_system, systems_of

STATUS_ACTIVE = _("Aktivt")
STATUS_INACTIVE = _("Ikke aktivt")
VISIBLE = _("Synligt")
HIDDEN = _("Skjult")


def groups_of(organisation: Organisation) -> QuerySet[ContactGroup]:
    return ContactGroup.objects.filter(organisation=organisation)


def points_of(organisation: Organisation) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(organisation=organisation)


def group_get(organisation: Organisation, group_id: uuid.UUID | str) -> ContactGroup:
    """The organisation's own group, or 404 — also for another organisation's id."""
    try:
        return groups_of(organisation).select_related("organisation").get(pk=group_id)
    except (ContactGroup.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def point_get(organisation: Organisation, point_id: uuid.UUID | str) -> ContactPoint:
    """The organisation's own point, or 404 — also for another organisation's id."""
    try:
        return points_of(organisation).select_related("organisation", "system").get(pk=point_id)
    except (ContactPoint.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def receiver_systems_of(organisation: Organisation) -> QuerySet[MailSystem]:
    """The receiver systems a contact point of the organisation may be attached to."""
    return systems_of(organisation).filter(is_receiver=True)


# -- the overview's tree table -----------------------------------------------------------


def targets_in_order(targets: Iterable[str]) -> list[Target]:
    """Target groups in the order the wizard lists them, unknown values left out."""
    present = set(targets)
    return [target for target in Target if target.value in present]


@dataclass(frozen=True)
class TreeRow:
    """One row of the overview (SPEC §4 "Overview"): Navn, Målgruppe, Synlighed,
    Modtagersystem, Status. Group rows leave the last four empty, as the guide shows."""

    kind: str  # graph.GROUP or graph.POINT
    id: uuid.UUID
    name: str
    depth: int
    parent_id: uuid.UUID | None  # the group this occurrence is shown under
    has_children: bool = False
    expanded: bool = False
    targets: tuple[Target, ...] = ()
    visible: bool | None = None
    system_name: str = ""
    active: bool | None = None

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP

    @property
    def target_labels(self) -> str:
        return ", ".join(str(target.label) for target in self.targets)

    @property
    def visibility_label(self) -> str:
        if self.visible is None:
            return ""
        return str(VISIBLE if self.visible else HIDDEN)

    @property
    def status_label(self) -> str:
        if self.active is None:
            return ""
        return str(STATUS_ACTIVE if self.active else STATUS_INACTIVE)


def _group_ids(values: Iterable) -> set[uuid.UUID]:
    ids = set()
    for value in values:
        try:
            ids.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            continue  # a tampered query parameter expands nothing
    return ids


def _display_key(root: tuple[Node, str]) -> tuple:
    """`Structure.display_key` of a (node, name) pair: groups first, then by name."""
    node, name = root
    return (node.kind != GROUP, name.casefold(), str(node.id))


def _walk(
    roots: list[tuple[Node, str]],
    *,
    kids_of: Callable[[uuid.UUID], list[tuple[Node, str]]],
    has_kids: Callable[[uuid.UUID], bool],
    open_groups: set[uuid.UUID],
) -> list[TreeRow]:
    """The rows below the roots in display order: each root, and under each open group with
    content, that content, recursively (a node shared by several open groups under each)."""
    rows: list[TreeRow] = []
    # Each entry carries the groups above it, so even a cycle (which the services never
    # store) could not make the walk endless.
    stack = [(node, name, 0, None, frozenset()) for node, name in reversed(roots)]
    while stack:
        node, name, depth, parent_id, above = stack.pop()
        if node.kind == POINT:
            rows.append(
                TreeRow(kind=POINT, id=node.id, name=name, depth=depth, parent_id=parent_id)
            )
            continue
        full = has_kids(node.id)
        is_open = node.id in open_groups and full and node.id not in above
        rows.append(
            TreeRow(
                kind=GROUP,
                id=node.id,
                name=name,
                depth=depth,
                parent_id=parent_id,
                has_children=full,
                expanded=is_open,
            )
        )
        if is_open:
            below = above | {node.id}
            stack.extend(
                (kid, kid_name, depth + 1, node.id, below)
                for kid, kid_name in reversed(kids_of(node.id))
            )
    return rows


# A name holding anything but printable ASCII may match a search in Python's casefold
# (ß ~ ss, Æ ~ æ) where SQL's case folding (ASCII only on SQLite) does not: such names are
# always read and decided in Python.
_NOT_PLAIN_ASCII = r"[^ -~]"


def tree_roots(organisation: Organisation, *, search: str = "") -> list[tuple[Node, str]]:
    """The overview's top rows as (node, name) in display order, without their content.

    Without a search: the top-level groups and points (no parent group). With a search: every
    group and point whose name contains the text (casefolded). Two queries of ids and names;
    the database narrows the search, Python decides it (and the order, by `str.casefold`,
    which no database collation reproduces exactly).
    """
    groups = groups_of(organisation).order_by()
    points = points_of(organisation).order_by()
    text = search.strip().casefold()
    if text:
        near = Q(name__icontains=text) | Q(name__regex=_NOT_PLAIN_ASCII)
        groups, points = groups.filter(near), points.filter(near)
    else:
        groups = groups.filter(~Exists(GroupInGroup.objects.filter(child=OuterRef("pk"))))
        points = points.filter(~Exists(PointInGroup.objects.filter(point=OuterRef("pk"))))
    roots = [(Node(GROUP, pk), name) for pk, name in groups.values_list("id", "name")]
    roots += [(Node(POINT, pk), name) for pk, name in points.values_list("id", "name")]
    if text:
        roots = [root for root in roots if text in root[1].casefold()]
    roots.sort(key=_display_key)
    return roots


def _group_has_content(organisation: Organisation, column: str):
    """Whether the group in `column` holds any of the organisation's groups or points."""
    return Exists(
        GroupInGroup.objects.filter(parent=OuterRef(column), child__organisation=organisation)
    ) | Exists(
        PointInGroup.objects.filter(group=OuterRef(column), point__organisation=organisation)
    )


def tree_page_rows(
    organisation: Organisation, roots: list[tuple[Node, str]], *, expanded: Iterable = ()
) -> list[TreeRow]:
    """The rows of these roots (one page of `tree_roots`) as the overview shows them, reading
    only what they show: whether each group shown has content, the content of the open
    groups, the shown points' columns. At most five queries, whatever the structure's size."""
    open_groups = _group_ids(expanded)
    full: set[uuid.UUID] = set()
    children: dict[uuid.UUID, list[tuple[Node, str]]] = defaultdict(list)
    root_groups = [node.id for node, _name in roots if node.kind == GROUP]
    if root_groups:
        full.update(
            ContactGroup.objects.order_by()
            .filter(pk__in=root_groups)
            .filter(_group_has_content(organisation, "pk"))
            .values_list("pk", flat=True)
        )
    # Open groups on other pages or under closed groups are read too: no more of them than
    # the URL names.
    if open_groups:
        group_edges = (
            GroupInGroup.objects.filter(parent_id__in=open_groups, child__organisation=organisation)
            .annotate(full=_group_has_content(organisation, "child_id"))
            .values_list("parent_id", "child_id", "child__name", "full")
        )
        for parent, child, name, child_full in group_edges:
            children[parent].append((Node(GROUP, child), name))
            if child_full:
                full.add(child)
        point_edges = PointInGroup.objects.filter(
            group_id__in=open_groups, point__organisation=organisation
        ).values_list("group_id", "point_id", "point__name")
        for group, point, name in point_edges:
            children[group].append((Node(POINT, point), name))
    rows = _walk(
        roots,
        kids_of=lambda group_id: sorted(children.get(group_id, ()), key=_display_key),
        has_kids=lambda group_id: group_id in full,
        open_groups=open_groups,
    )
    return _point_details_add(organisation, rows)


def point_rows(organisation: Organisation, roots: list[tuple[Node, str]]) -> list[TreeRow]:
    """The point roots among these as top-level rows with their columns (for the filter)."""
    rows = [
        TreeRow(kind=POINT, id=node.id, name=name, depth=0, parent_id=None)
        for node, name in roots
        if node.kind == POINT
    ]
    return _point_details_add(organisation, rows)


# Up to this many points shown, their details are read by id; beyond, all of them at once.
DETAILS_BY_ID_MAX = 500


def _point_details_add(organisation: Organisation, rows: list[TreeRow]) -> list[TreeRow]:
    """Fill in the point rows' columns (Målgruppe, Synlighed, Modtagersystem, Status)."""
    shown = {row.id for row in rows if row.kind == POINT}
    if not shown:
        return rows
    points = points_of(organisation)
    if len(shown) <= DETAILS_BY_ID_MAX:
        points = points.filter(pk__in=shown)
    details = {
        row["id"]: row
        for row in points.values("id", "targets", "visible", "active", "system__name")
    }
    return [
        row
        if row.kind != POINT
        else replace(
            row,
            targets=tuple(targets_in_order(details[row.id]["targets"] or [])),
            visible=details[row.id]["visible"],
            system_name=details[row.id]["system__name"] or "",
            active=details[row.id]["active"],
        )
        for row in rows
    ]


# -- what the Digital Post core asks -----------------------------------------------------


def point_available(point: ContactPoint, now: datetime | None = None) -> bool:
    """A point is available to its target groups only when it is active AND attached to an
    active receiver system (SPEC §4 step 4 "Tilslutning")."""
    system = point.system
    return (
        point.active
        and system is not None
        and system.deleted_at is None
        and system.is_receiver
        and system.organisation_id == point.organisation_id
        and system.is_active_at(now or clock_now())
    )


def point_resolve_system(
    organisation: Organisation,
    contact_point_id: uuid.UUID | str | None,
    now: datetime | None = None,
) -> MailSystem | None:
    """Where post written to a contact point goes (SPEC §4, NgDP routing).

    The point's receiver system when the point is available; otherwise — no point given, an
    unknown or another organisation's point, an inactive point or system — the
    organisation's primary system (None when it has none).
    """
    point = None
    if contact_point_id:
        try:
            point = points_of(organisation).select_related("system").get(pk=contact_point_id)
        except (ContactPoint.DoesNotExist, ValueError, TypeError, ValidationError):
            point = None
    if point is not None and point_available(point, now):
        return point.system
    return primary_system(organisation)


def receivers_without_points(
    organisation: Organisation, now: datetime | None = None
) -> list[MailSystem]:
    """Active receiver systems no contact point is attached to (SPEC §4: the overview warns;
    each receiver system should have at least one contact point)."""
    at = now or clock_now()
    attached = ContactPoint.objects.filter(system=OuterRef("pk"), organisation=organisation)
    candidates = receiver_systems_of(organisation).filter(~Exists(attached)).order_by("name")
    return [system for system in candidates if system.is_active_at(at)]


@dataclass(frozen=True)
class Accessibility:
    """A group's accessibility, derived from the active points below it (SPEC §4 group
    details "Tilgængelighed (genereret fra kontaktpunkter)")."""

    targets: tuple[Target, ...]  # union over the active points
    visible: bool  # any active point is visible
    # Targets of the active and visible points: the ones the group gets deep links for.
    link_targets: tuple[Target, ...]

    @property
    def target_labels(self) -> str:
        return ", ".join(str(target.label) for target in self.targets)


def group_accessibility(
    group: ContactGroup, *, structure: Structure | None = None
) -> Accessibility:
    """Union of the targets of the active points at any depth below the group; visible if any
    of them is (SPEC §4 "Contact group"). A caller holding the organisation's `structure`
    already passes it, saving the four queries of loading it again."""
    if structure is None:
        structure = Structure.load(group.organisation_id)
    below = {n.id for n in structure.descendants(group.pk) if n.kind == POINT}
    targets: set[str] = set()
    link_targets: set[str] = set()
    visible = False
    # The organisation's active points, filtered here: no IN list of thousands of ids.
    rows = (
        points_of(group.organisation_id).filter(active=True).values_list("id", "targets", "visible")
    )
    for point_id, point_targets, point_visible in rows:
        if point_id not in below:
            continue
        targets.update(point_targets or [])
        if point_visible:
            visible = True
            link_targets.update(point_targets or [])
    return Accessibility(
        targets=tuple(targets_in_order(targets)),
        visible=visible,
        link_targets=tuple(targets_in_order(link_targets)),
    )
