"""The contact structure as a graph: descendants, cycles and the deletion plan (SPEC §4).

`Structure.load()` reads an organisation's nodes and both edge tables, one query each; the
rest are pure functions over that snapshot, so they can be tested without a database and
reasoned about as graph algorithms. Services load the snapshot inside their transaction,
after locking the organisation, so a decision never rests on a stale structure.
"""

from __future__ import annotations

import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from adgang.contacts.models import ContactGroup, ContactPoint, GroupInGroup, PointInGroup

GROUP = "group"
POINT = "point"

# A preview never grows beyond this many rows: a node shared by several deleted groups is
# shown under each of them, and a pathological structure of stacked diamonds would otherwise
# double the rows at each level.
PREVIEW_MAX_ROWS = 5000


class Node(NamedTuple):
    """A group or a point; the kind keeps a group and a point apart in the same maps."""

    kind: str
    id: uuid.UUID

    @classmethod
    def group(cls, group_id: uuid.UUID | str) -> Node:
        return cls(GROUP, _uuid(group_id))

    @classmethod
    def point(cls, point_id: uuid.UUID | str) -> Node:
        return cls(POINT, _uuid(point_id))


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class Mark(models.TextChoices):
    """What deleting a group does to a node of its subtree (SPEC §4, guide §6.5)."""

    DELETE = "delete", _("Slettes")
    KEEP_REFERENCE = "keep_reference", _("Reference fjernes")


@dataclass(frozen=True)
class PreviewRow:
    node: Node
    name: str
    depth: int
    mark: Mark
    has_children: bool  # the row can be expanded in the preview (a deleted group with content)


@dataclass(frozen=True)
class DeletionPlan:
    """Deleting `group_id`: which nodes go, which only lose a reference (SPEC §4).

    `delete` holds the group itself and every node below it that cannot be reached from the
    top level without passing through it. `keep` holds the surviving nodes directly under a
    deleted group; `removed_edges` are exactly their edges to deleted groups, as
    (parent group id, child node). Edges of deleted nodes disappear with them. Nodes below a
    surviving group are untouched and are neither marked nor listed.
    """

    group_id: uuid.UUID
    delete: frozenset[Node]
    keep: frozenset[Node]
    removed_edges: tuple[tuple[uuid.UUID, Node], ...]
    marks: dict[Node, Mark]
    rows: tuple[PreviewRow, ...]
    truncated: bool = False

    @property
    def deleted_group_ids(self) -> set[uuid.UUID]:
        return {node.id for node in self.delete if node.kind == GROUP}

    @property
    def deleted_point_ids(self) -> set[uuid.UUID]:
        return {node.id for node in self.delete if node.kind == POINT}


@dataclass
class Structure:
    """A snapshot of one organisation's structure: names and both directions of every edge."""

    names: dict[Node, str] = field(default_factory=dict)
    # Node → the ids of the groups it sits in (a group's parents, a point's groups).
    parents: dict[Node, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))
    # Group id → the nodes directly in it.
    children: dict[uuid.UUID, set[Node]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def load(cls, organisation) -> Structure:
        """Read the organisation's groups, points and edges: four queries, whatever the size."""
        structure = cls()
        for group_id, name in ContactGroup.objects.filter(organisation=organisation).values_list(
            "id", "name"
        ):
            structure.names[Node(GROUP, group_id)] = name
        for point_id, name in ContactPoint.objects.filter(organisation=organisation).values_list(
            "id", "name"
        ):
            structure.names[Node(POINT, point_id)] = name
        group_edges = GroupInGroup.objects.filter(child__organisation=organisation).values_list(
            "parent_id", "child_id"
        )
        point_edges = PointInGroup.objects.filter(point__organisation=organisation).values_list(
            "group_id", "point_id"
        )
        structure.add_edges(
            [(parent, Node(GROUP, child)) for parent, child in group_edges]
            + [(group, Node(POINT, point)) for group, point in point_edges]
        )
        return structure

    @classmethod
    def of(
        cls,
        *,
        groups: dict[uuid.UUID, str],
        points: dict[uuid.UUID, str],
        edges: Iterable[tuple[uuid.UUID, Node]] = (),
    ) -> Structure:
        """A structure built from plain data (for tests and callers holding rows already)."""
        structure = cls()
        structure.names.update({Node(GROUP, gid): name for gid, name in groups.items()})
        structure.names.update({Node(POINT, pid): name for pid, name in points.items()})
        structure.add_edges(edges)
        return structure

    def add_edges(self, edges: Iterable[tuple[uuid.UUID, Node]]) -> None:
        for parent, child in edges:
            self.parents[child].add(parent)
            self.children[parent].add(child)

    # -- reads ---------------------------------------------------------------------------

    def groups(self) -> Iterator[Node]:
        return (node for node in self.names if node.kind == GROUP)

    def edges(self) -> set[tuple[uuid.UUID, Node]]:
        return {(parent, child) for parent, kids in self.children.items() for child in kids}

    def is_top_level(self, node: Node) -> bool:
        return not self.parents.get(node)

    def descendants(self, group_id: uuid.UUID) -> set[Node]:
        """Every node below the group, at any depth (the group itself not included)."""
        seen: set[Node] = set()
        queue = deque([group_id])
        while queue:
            for child in self.children.get(queue.popleft(), ()):
                if child not in seen:
                    seen.add(child)
                    if child.kind == GROUP:
                        queue.append(child.id)
        return seen

    def would_cycle(self, child_group_id: uuid.UUID, parent_ids: Iterable[uuid.UUID]) -> bool:
        """Placing the group under these parents would make it its own ancestor (SPEC §4)."""
        parent_ids = set(parent_ids)
        if child_group_id in parent_ids:
            return True
        below = {node.id for node in self.descendants(child_group_id) if node.kind == GROUP}
        return not parent_ids.isdisjoint(below)

    def reachable_avoiding(self, group_id: uuid.UUID) -> set[Node]:
        """Nodes reachable from the top level along paths that never enter the group."""
        avoided = Node(GROUP, group_id)
        roots = [n for n in self.names if n != avoided and self.is_top_level(n)]
        seen = set(roots)
        queue = deque(n.id for n in roots if n.kind == GROUP)
        while queue:
            for child in self.children.get(queue.popleft(), ()):
                if child != avoided and child not in seen:
                    seen.add(child)
                    if child.kind == GROUP:
                        queue.append(child.id)
        return seen

    def deletion_plan(self, group_id: uuid.UUID) -> DeletionPlan:
        """What deleting the group does (SPEC §4 "Delete group", guide §6.5).

        A node of the group's subtree is deleted exactly when it cannot be reached from the
        top level without passing through the group; a surviving node directly under a
        deleted group only loses that reference.
        """
        group_id = _uuid(group_id)
        root = Node(GROUP, group_id)
        surviving = self.reachable_avoiding(group_id)
        delete = {root} | {n for n in self.descendants(group_id) if n not in surviving}
        removed_edges = []
        keep = set()
        for node in delete:
            if node.kind != GROUP:
                continue
            for child in self.children.get(node.id, ()):
                if child not in delete:
                    keep.add(child)
                    removed_edges.append((node.id, child))
        marks = {node: Mark.DELETE for node in delete}
        marks.update({node: Mark.KEEP_REFERENCE for node in keep})
        rows, truncated = self._preview(root, marks)
        return DeletionPlan(
            group_id=group_id,
            delete=frozenset(delete),
            keep=frozenset(keep),
            removed_edges=tuple(sorted(removed_edges, key=lambda e: (str(e[0]), str(e[1].id)))),
            marks=marks,
            rows=rows,
            truncated=truncated,
        )

    def sorted_children(self, group_id: uuid.UUID) -> list[Node]:
        """A group's content in display order: groups before points, each by name."""
        return sorted(self.children.get(group_id, ()), key=self.display_key)

    def display_key(self, node: Node) -> tuple:
        return (node.kind != GROUP, self.names.get(node, "").casefold(), str(node.id))

    def _preview(self, root: Node, marks: dict[Node, Mark]) -> tuple[tuple[PreviewRow, ...], bool]:
        """The subtree as the preview table shows it: depth first, expanded through deleted
        groups only (what lies below a surviving group is untouched)."""
        rows: list[PreviewRow] = []
        # Each entry carries the groups above it: even a cycle (which the services never
        # store) could not make the walk endless.
        stack = [(root, 0, frozenset())]
        while stack:
            if len(rows) >= PREVIEW_MAX_ROWS:
                return tuple(rows), True
            node, depth, above = stack.pop()
            mark = marks[node]
            expand = node.kind == GROUP and mark == Mark.DELETE and node.id not in above
            kids = self.sorted_children(node.id) if expand else []
            rows.append(
                PreviewRow(
                    node=node,
                    name=self.names.get(node, ""),
                    depth=depth,
                    mark=mark,
                    has_children=bool(kids),
                )
            )
            stack.extend((kid, depth + 1, above | {node.id}) for kid in reversed(kids))
        return tuple(rows), False
