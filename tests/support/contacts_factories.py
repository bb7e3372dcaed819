"""Test data for Kontaktstruktur: structures built quickly, and random structures.

`build()` writes a whole structure with four bulk inserts, so a test (or a hypothesis
example) can set up dozens of nodes cheaply; the services are exercised by the tests that
are about them. Nodes are named, and a structure is described by names:
    build(org, groups=["A", "B"], points=["p"], edges=[("A", "B"), ("B", "p")])
"""

import itertools
import uuid
from dataclasses import dataclass, field

from hypothesis import strategies as st

from adgang.accounts.models import Organisation, OrganisationKind
from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.contacts.models import (
    ContactGroup,
    ContactPoint,
    GroupInGroup,
    PointInGroup,
    Target,
)
from adgang.contacts.services import PointSpec
from adgang.systems.models import Protocol
from adgang.systems.rules import RECEIVER
from tests.support.systems_core import create

_cvrs = itertools.count(70000000)


def organisation_new(name: str = "Testkommune") -> Organisation:
    """A fresh authority of its own (for examples that must not see each other's data)."""
    return Organisation.objects.create(
        cvr=str(next(_cvrs)), name=name, kind=OrganisationKind.MYNDIGHED
    )


def actor_for(organisation: Organisation) -> Actor:
    return Actor(f"CVR:{organisation.cvr}-RID:1", organisation.cvr, "1")


def receiver_new(membership, name: str = "Modtager A", **overrides):
    """A live, active receiver system of the membership's organisation (via the service)."""
    return create(membership, RECEIVER, Protocol.REST_PULL, name=name, **overrides).system


def point_spec(name: str = "Pas og kørekort", **overrides) -> PointSpec:
    """A complete, valid spec; override any field."""
    values = {
        "name": name,
        "description": "Spørgsmål om pas, kørekort og sundhedskort.",
        "targets": (Target.CITIZEN,),
        "keywords": ("pas",),
    }
    values.update(overrides)
    return PointSpec(**values)


@dataclass
class Built:
    """A built structure: its nodes by name."""

    organisation: Organisation
    groups: dict[str, ContactGroup] = field(default_factory=dict)
    points: dict[str, ContactPoint] = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.groups.get(name) or self.points[name]


def build(
    organisation: Organisation,
    *,
    groups=(),
    points=(),
    edges=(),
    point_fields: dict | None = None,
) -> Built:
    """Write groups, points and edges (parent name, child name) with bulk inserts."""
    built = Built(organisation)
    group_rows = ContactGroup.objects.bulk_create(
        [
            ContactGroup(organisation=organisation, name=name, description=f"Om {name}")
            for name in groups
        ]
    )
    built.groups = {g.name: g for g in group_rows}
    defaults = {"targets": [Target.CITIZEN], "keywords": ["test"], "active": True}
    defaults.update(point_fields or {})
    point_rows = ContactPoint.objects.bulk_create(
        [
            ContactPoint(organisation=organisation, name=name, description=f"Om {name}", **defaults)
            for name in points
        ]
    )
    built.points = {p.name: p for p in point_rows}
    GroupInGroup.objects.bulk_create(
        [
            GroupInGroup(parent=built.groups[parent], child=built.groups[child])
            for parent, child in edges
            if child in built.groups
        ]
    )
    PointInGroup.objects.bulk_create(
        [
            PointInGroup(group=built.groups[parent], point=built.points[child])
            for parent, child in edges
            if child in built.points
        ]
    )
    return built


@dataclass(frozen=True)
class Picture:
    """An organisation's structure by names, to compare before and after."""

    groups: frozenset[str]
    points: frozenset[str]
    edges: frozenset[tuple[str, str]]


def picture(organisation: Organisation) -> Picture:
    groups = dict(ContactGroup.objects.filter(organisation=organisation).values_list("id", "name"))
    points = dict(ContactPoint.objects.filter(organisation=organisation).values_list("id", "name"))
    edges = {
        (groups[parent], groups[child])
        for parent, child in GroupInGroup.objects.filter(
            child__organisation=organisation
        ).values_list("parent_id", "child_id")
    } | {
        (groups[group], points[point])
        for group, point in PointInGroup.objects.filter(
            point__organisation=organisation
        ).values_list("group_id", "point_id")
    }
    return Picture(frozenset(groups.values()), frozenset(points.values()), frozenset(edges))


def snapshot(organisation: Organisation) -> tuple:
    """Everything a refused change must leave untouched: rows, versions, edges, log."""
    groups = tuple(
        ContactGroup.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", "name", "description", "organisational_unit", "version")
    )
    points = tuple(
        ContactPoint.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "description",
            "internal_note",
            "visible",
            "targets",
            "max_message_mb",
            "max_attachments",
            "link_url",
            "input_fields",
            "keywords",
            "codes",
            "system_id",
            "active",
            "version",
        )
    )
    return groups, points, picture(organisation), log_of(organisation).count()


def log_of(organisation: Organisation, object_id: uuid.UUID | None = None):
    rows = ActionLogEntry.objects.filter(organisation=organisation, subject=Subject.KONTAKTSTRUKTUR)
    if object_id is not None:
        rows = rows.filter(object_id=str(object_id))
    return rows.order_by("occurred_at", "field")


def log_fields(organisation: Organisation, object_id=None) -> dict[str, tuple[str, str]]:
    """field → (before, after) of the log entries (about one object)."""
    return {e.field: (e.before, e.after) for e in log_of(organisation, object_id)}


# -- random structures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A random DAG by names: groups G0…, points P0…, edges only from a lower to a higher
    group number (so never a cycle), points in any groups."""

    groups: tuple[str, ...]
    points: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]


@st.composite
def shapes(draw, max_groups: int = 7, max_points: int = 6) -> Shape:
    group_count = draw(st.integers(1, max_groups))
    point_count = draw(st.integers(0, max_points))
    groups = tuple(f"G{i}" for i in range(group_count))
    points = tuple(f"P{i}" for i in range(point_count))
    pairs = [(groups[i], groups[j]) for i in range(group_count) for j in range(i + 1, group_count)]
    edges = [pair for pair in pairs if draw(st.booleans())]
    for point in points:
        for group in draw(st.sets(st.sampled_from(groups), max_size=3)):
            edges.append((group, point))
    return Shape(groups, points, tuple(sorted(edges)))


def group_to_delete(shape: Shape):
    """A group of the shape, most often one with a parent and content of its own: the case
    where the rule has something to decide (what lies below, what is reachable otherwise)."""
    has_parent = {child for _, child in shape.edges}
    has_content = {parent for parent, _ in shape.edges}
    nested = [g for g in shape.groups if g in has_parent and g in has_content]
    if not nested:
        return st.sampled_from(shape.groups)
    return st.one_of(
        st.sampled_from(nested), st.sampled_from(nested), st.sampled_from(shape.groups)
    )


def build_shape(organisation: Organisation, shape: Shape) -> Built:
    return build(organisation, groups=shape.groups, points=shape.points, edges=shape.edges)


def expected_after_delete(shape: Shape, deleted_group: str) -> Picture:
    """The SPEC §4 rule, written as plainly as possible: a node stays exactly when some path
    from the top level reaches it without passing through the deleted group."""
    parents: dict[str, set[str]] = {}
    for parent, child in shape.edges:
        parents.setdefault(child, set()).add(parent)
    nodes = shape.groups + shape.points

    def reachable_avoiding(node: str) -> bool:
        if node == deleted_group:
            return False
        if not parents.get(node):
            return True
        return any(reachable_avoiding(parent) for parent in parents[node])

    kept = {node for node in nodes if reachable_avoiding(node)}
    return Picture(
        groups=frozenset(g for g in shape.groups if g in kept),
        points=frozenset(p for p in shape.points if p in kept),
        edges=frozenset((p, c) for p, c in shape.edges if p in kept and c in kept),
    )
