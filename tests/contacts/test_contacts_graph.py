"""The structure as a graph (SPEC §4): descendants, cycles, and what deleting a group does.

Pure functions over a snapshot, so most tests need no database; the last ones check that
`Structure.load` reads an organisation's structure in a fixed number of queries.
"""

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adgang.contacts.graph import GROUP, POINT, Mark, Node, Structure
from tests.support.contacts_factories import (
    build,
    expected_after_delete,
    group_to_delete,
    organisation_new,
    shapes,
)


class Named:
    """A Structure built from names: `g = Named(groups=…, points=…, edges=…)`, `g.node("A")`."""

    def __init__(self, *, groups=(), points=(), edges=()):
        self.ids = {name: uuid.uuid4() for name in (*groups, *points)}
        self.kinds = {**{g: GROUP for g in groups}, **{p: POINT for p in points}}
        self.structure = Structure.of(
            groups={self.ids[g]: g for g in groups},
            points={self.ids[p]: p for p in points},
            edges=[(self.ids[parent], self.node(child)) for parent, child in edges],
        )

    def node(self, name: str) -> Node:
        return Node(self.kinds[name], self.ids[name])

    def names(self, nodes) -> set[str]:
        return {self.structure.names[n] for n in nodes}

    def plan(self, name: str):
        return self.structure.deletion_plan(self.ids[name])


# The guide's example (§6.5): deleting "Lolland" deletes its content except a point that is
# also placed in another group, which only loses its reference.
GUIDE = {
    "groups": ["Lolland", "Retursvar", "Svarpost", "Andet"],
    "points": ["Post til Jobcentret", "SBSIP-svar", "DETTE ER EN TEST"],
    "edges": [
        ("Lolland", "Retursvar"),
        ("Lolland", "Svarpost"),
        ("Lolland", "Post til Jobcentret"),
        ("Retursvar", "SBSIP-svar"),
        ("Svarpost", "DETTE ER EN TEST"),
        ("Andet", "DETTE ER EN TEST"),
    ],
}


def test_descendants_are_every_node_below_at_any_depth():
    g = Named(groups=["A", "B", "C", "D"], points=["p"], edges=[("A", "B"), ("B", "C"), ("C", "p")])
    assert g.names(g.structure.descendants(g.ids["A"])) == {"B", "C", "p"}
    assert g.names(g.structure.descendants(g.ids["C"])) == {"p"}
    assert g.structure.descendants(g.ids["D"]) == set()


@pytest.mark.parametrize(
    ("child", "parents"),
    [("A", ["A"]), ("A", ["B"]), ("A", ["C"]), ("B", ["C"]), ("A", ["D", "C"])],
    ids=["itself", "own-child", "own-grandchild", "indirect", "one-of-several"],
)
def test_would_cycle_when_placed_under_itself_or_a_descendant(child, parents):
    g = Named(groups=["A", "B", "C", "D"], edges=[("A", "B"), ("B", "C")])
    assert g.structure.would_cycle(g.ids[child], [g.ids[p] for p in parents])


@pytest.mark.parametrize(
    ("child", "parents"),
    [("C", ["A"]), ("C", ["D"]), ("A", ["D"]), ("B", ["A", "D"]), ("A", [])],
    ids=["ancestor", "unrelated", "top-under-unrelated", "second-parent", "top-level"],
)
def test_would_not_cycle_elsewhere(child, parents):
    g = Named(groups=["A", "B", "C", "D"], edges=[("A", "B"), ("B", "C")])
    assert not g.structure.would_cycle(g.ids[child], [g.ids[p] for p in parents])


def test_deletion_deletes_the_subtree_except_nodes_placed_elsewhere():
    g = Named(**GUIDE)
    plan = g.plan("Lolland")
    assert g.names(plan.delete) == {"Lolland", "Retursvar", "Svarpost", "Post til Jobcentret"} | {
        "SBSIP-svar"
    }
    assert g.names(plan.keep) == {"DETTE ER EN TEST"}
    assert plan.marks[g.node("DETTE ER EN TEST")] == Mark.KEEP_REFERENCE
    assert plan.removed_edges == ((g.ids["Svarpost"], g.node("DETTE ER EN TEST")),)


def test_deletion_preview_lists_the_subtree_in_display_order_with_marks():
    g = Named(**GUIDE)
    rows = [(r.name, r.depth, str(r.mark.label)) for r in g.plan("Lolland").rows]
    assert rows == [
        ("Lolland", 0, "Slettes"),
        ("Retursvar", 1, "Slettes"),
        ("SBSIP-svar", 2, "Slettes"),
        ("Svarpost", 1, "Slettes"),
        ("DETTE ER EN TEST", 2, "Reference fjernes"),
        ("Post til Jobcentret", 1, "Slettes"),
    ]


def test_group_reachable_through_a_surviving_group_survives_with_its_content():
    # X sits in the deleted A and in the top-level B: it survives; its own point y too.
    g = Named(groups=["A", "B", "X"], points=["y"], edges=[("A", "X"), ("B", "X"), ("X", "y")])
    plan = g.plan("A")
    assert g.names(plan.delete) == {"A"}
    assert g.names(plan.keep) == {"X"}
    # What lies below a surviving group is untouched: not listed in the preview.
    assert [r.name for r in plan.rows] == ["A", "X"]
    assert not plan.rows[1].has_children


def test_node_below_two_deleted_groups_is_deleted_and_shown_under_each():
    g = Named(
        groups=["A", "B", "C"],
        points=["p"],
        edges=[("A", "B"), ("A", "C"), ("B", "p"), ("C", "p")],
    )
    plan = g.plan("A")
    assert g.names(plan.delete) == {"A", "B", "C", "p"}
    rows = [(r.name, r.depth) for r in plan.rows]
    assert rows == [("A", 0), ("B", 1), ("p", 2), ("C", 1), ("p", 2)]


def test_group_below_a_survivor_and_the_deleted_group_only_loses_that_reference():
    # D is in the deleted A and in C, which survives via the top-level B.
    g = Named(groups=["A", "B", "C", "D"], edges=[("A", "D"), ("B", "C"), ("C", "D"), ("A", "C")])
    plan = g.plan("A")
    assert g.names(plan.delete) == {"A"}
    assert g.names(plan.keep) == {"C", "D"}
    assert set(plan.removed_edges) == {(g.ids["A"], g.node("C")), (g.ids["A"], g.node("D"))}


def test_deleting_a_nested_group_keeps_its_parents():
    g = Named(groups=["A", "B"], points=["p"], edges=[("A", "B"), ("B", "p")])
    plan = g.plan("B")
    assert g.names(plan.delete) == {"B", "p"}
    assert plan.removed_edges == ()


def test_preview_is_capped_for_a_pathological_structure(monkeypatch):
    monkeypatch.setattr("adgang.contacts.graph.PREVIEW_MAX_ROWS", 10)
    # Stacked diamonds: the number of paths doubles at each level.
    groups = [f"L{i}{side}" for i in range(8) for side in "ab"]
    edges = [("R", "L0a"), ("R", "L0b")]
    for i in range(7):
        for a in "ab":
            for b in "ab":
                edges.append((f"L{i}{a}", f"L{i + 1}{b}"))
    g = Named(groups=["R", *groups], edges=edges)
    plan = g.plan("R")
    assert plan.truncated and len(plan.rows) == 10
    assert len(plan.delete) == 17


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_deletion_plan_matches_the_path_rule_on_random_structures(data):
    shape = data.draw(shapes())
    deleted = data.draw(group_to_delete(shape))
    g = Named(groups=shape.groups, points=shape.points, edges=shape.edges)
    plan = g.plan(deleted)
    expected = expected_after_delete(shape, deleted)
    assert g.names(plan.delete) == set(shape.groups + shape.points) - (
        expected.groups | expected.points
    )
    # The removed references are exactly the survivors' edges to deleted groups.
    lost = {(p, c) for p, c in shape.edges if p in g.names(plan.delete)}
    survivors_lost = {(p, c) for p, c in lost if c not in g.names(plan.delete)}
    assert {
        (g.structure.names[Node(GROUP, p)], g.structure.names[c]) for p, c in plan.removed_edges
    } == survivors_lost
    assert {r.node for r in plan.rows} == plan.delete | plan.keep


def test_structure_load_reads_a_structure_in_four_queries(db, django_assert_num_queries):
    organisation = organisation_new()
    build(
        organisation,
        groups=["A", "B", "C"],
        points=["p", "q"],
        edges=[("A", "B"), ("B", "C"), ("C", "p"), ("A", "q")],
    )
    with django_assert_num_queries(4):
        structure = Structure.load(organisation)
    assert len(structure.names) == 5
    assert len(structure.edges()) == 4


def test_structure_load_sees_only_the_organisations_own_nodes(db):
    mine, theirs = organisation_new(), organisation_new()
    build(mine, groups=["A"], points=["p"], edges=[("A", "p")])
    build(theirs, groups=["X"], points=["y"], edges=[("X", "y")])
    assert sorted(Structure.load(mine).names.values()) == ["A", "p"]


def test_preview_of_a_corrupt_structure_with_a_cycle_ends():
    # The services never store a cycle; should one be written behind their back, the preview
    # still ends, showing each group once on the path.
    g = Named(groups=["A", "B"], edges=[("A", "B"), ("B", "A")])
    assert [(r.name, r.depth) for r in g.plan("A").rows] == [("A", 0), ("B", 1), ("A", 2)]
