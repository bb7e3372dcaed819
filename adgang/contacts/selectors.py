"""Reads for Kontaktstruktur (SPEC §4), and what the Digital Post core asks of it.

Every query for an organisation's groups and points starts here with the organisation
acting, so another organisation's group or point is simply not found (404).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.contacts.graph import GROUP, POINT, Structure
from adgang.contacts.models import ContactGroup, ContactPoint, Target
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
    open_groups = _group_ids(expanded)
    text = search.strip().casefold()
    if text:
        roots = [node for node, name in structure.names.items() if text in name.casefold()]
    else:
        roots = [node for node in structure.names if structure.is_top_level(node)]
    roots.sort(key=structure.display_key)

    rows: list[TreeRow] = []
    # Each entry carries the groups above it, so even a cycle (which the services never
    # store) could not make the walk endless.
    stack = [(node, 0, None, frozenset()) for node in reversed(roots)]
    while stack:
        node, depth, parent_id, above = stack.pop()
        if node.kind == POINT:
            rows.append(
                TreeRow(
                    kind=POINT,
                    id=node.id,
                    name=structure.names[node],
                    depth=depth,
                    parent_id=parent_id,
                )
            )
            continue
        kids = structure.sorted_children(node.id)
        is_open = node.id in open_groups and bool(kids) and node.id not in above
        rows.append(
            TreeRow(
                kind=GROUP,
                id=node.id,
                name=structure.names[node],
                depth=depth,
                parent_id=parent_id,
                has_children=bool(kids),
                expanded=is_open,
            )
        )
        if is_open:
            below = above | {node.id}
            stack.extend((kid, depth + 1, node.id, below) for kid in reversed(kids))
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
