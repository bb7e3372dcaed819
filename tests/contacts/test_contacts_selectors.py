"""Reads of the contact structure (SPEC §4): tenant isolation, the overview's rows, and what
the Digital Post core asks (is a point available, which system receives its post)."""

import uuid
from datetime import timedelta

import pytest
from django.http import Http404

from adgang.contacts.models import Target
from adgang.contacts.selectors import (
    group_accessibility,
    group_get,
    groups_of,
    point_available,
    point_get,
    point_resolve_system,
    points_of,
    receivers_without_points,
)
from adgang.core.clock import now
from adgang.systems.models import Protocol
from adgang.systems.rules import SENDER
from adgang.systems.services import Activation, system_delete
from tests.support.contacts_factories import build, organisation_new, receiver_new
from tests.support.contacts_overview import tree_rows
from tests.support.systems_core import actor_of, create


@pytest.fixture
def org(personas):
    return personas.alice.organisation


@pytest.fixture
def theirs(personas):
    """Kommune M's structure: must never show up for Kommune A."""
    return build(
        personas.maja.organisation,
        groups=["M-gruppe"],
        points=["M-punkt"],
        edges=[("M-gruppe", "M-punkt")],
    )


# -- tenant isolation ----------------------------------------------------------------------


@pytest.mark.parametrize("getter", [group_get, point_get], ids=["group", "point"])
@pytest.mark.parametrize("which", ["other-organisation", "unknown", "garbage"])
def test_get_answers_404_for_what_the_organisation_does_not_own(org, theirs, getter, which):
    foreign = theirs["M-gruppe"] if getter is group_get else theirs["M-punkt"]
    value = {"other-organisation": foreign.pk, "unknown": uuid.uuid4()}.get(which, "x' OR 1=1")
    with pytest.raises(Http404):
        getter(org, value)


def test_get_finds_the_organisations_own_group_and_point(org):
    built = build(org, groups=["A"], points=["p"])
    assert group_get(org, str(built["A"].pk)) == built["A"]
    assert point_get(org, built["p"].pk) == built["p"]


def test_lists_hold_only_the_organisations_own_nodes(org, theirs):
    build(org, groups=["A"], points=["p"])
    assert list(groups_of(org).values_list("name", flat=True)) == ["A"]
    assert list(points_of(org).values_list("name", flat=True)) == ["p"]


# -- the overview's rows -------------------------------------------------------------------

STRUCTURE = {
    "groups": ["ID", "pas", "Sundhed", "Tom"],
    "points": ["Fornyelse af pas", "Bortkommet pas", "Generelt", "Tandpleje"],
    "edges": [
        ("ID", "pas"),
        ("pas", "Fornyelse af pas"),
        ("pas", "Bortkommet pas"),
        ("ID", "Generelt"),
        ("Sundhed", "Tandpleje"),
        ("Sundhed", "Generelt"),
    ],
}


def shown(rows) -> list[tuple[str, int]]:
    return [(row.name, row.depth) for row in rows]


def test_overview_shows_the_top_level_groups_first_then_points_by_name(org, theirs):
    build(org, groups=["b-gruppe", "A-gruppe"], points=["Z-punkt", "a-punkt"])
    rows = tree_rows(org)
    assert shown(rows) == [("A-gruppe", 0), ("b-gruppe", 0), ("a-punkt", 0), ("Z-punkt", 0)]
    assert [row.is_group for row in rows] == [True, True, False, False]


def test_overview_shows_the_content_of_expanded_groups_only(org):
    built = build(org, **STRUCTURE)
    rows = tree_rows(org)
    assert shown(rows) == [("ID", 0), ("Sundhed", 0), ("Tom", 0)]
    assert [(r.has_children, r.expanded) for r in rows] == [
        (True, False),
        (True, False),
        (False, False),
    ]
    rows = tree_rows(org, expanded={built["ID"].pk, str(built["pas"].pk)})
    assert shown(rows) == [
        ("ID", 0),
        ("pas", 1),
        ("Bortkommet pas", 2),
        ("Fornyelse af pas", 2),
        ("Generelt", 1),
        ("Sundhed", 0),
        ("Tom", 0),
    ]
    assert rows[1].parent_id == built["ID"].pk and rows[2].parent_id == built["pas"].pk


def test_overview_hides_an_expanded_group_whose_parent_is_collapsed(org):
    built = build(org, **STRUCTURE)
    assert shown(tree_rows(org, expanded={built["pas"].pk})) == shown(tree_rows(org))


def test_overview_shows_a_shared_point_under_each_expanded_group(org):
    built = build(org, **STRUCTURE)
    rows = tree_rows(org, expanded={built["ID"].pk, built["Sundhed"].pk})
    assert [r.name for r in rows].count("Generelt") == 2


def test_overview_ignores_expanded_ids_it_cannot_read(org):
    build(org, **STRUCTURE)
    assert shown(tree_rows(org, expanded={"nonsense", "", 42})) == shown(tree_rows(org))


def test_overview_point_row_has_targets_visibility_system_and_status(personas, org):
    system = receiver_new(personas.alice, "ModtagerTest")
    build(
        org,
        points=["Citizen Service"],
        point_fields={
            "targets": [Target.COMPANY, Target.CITIZEN],
            "visible": False,
            "active": False,
            "system": system,
        },
    )
    (row,) = tree_rows(org)
    assert (row.target_labels, row.visibility_label, row.system_name, row.status_label) == (
        "Borger, Virksomhed",
        "Skjult",
        "ModtagerTest",
        "Ikke aktivt",
    )


def test_overview_group_row_leaves_the_point_columns_empty(org):
    build(org, groups=["A"])
    (row,) = tree_rows(org)
    assert (row.target_labels, row.visibility_label, row.system_name, row.status_label) == (
        "",
        "",
        "",
        "",
    )


def test_overview_search_finds_nodes_at_any_depth_regardless_of_case(org, theirs):
    build(org, **STRUCTURE)
    assert shown(tree_rows(org, search="  PAS ")) == [
        ("pas", 0),
        ("Bortkommet pas", 0),
        ("Fornyelse af pas", 0),
    ]
    assert tree_rows(org, search="M-") == []


def test_overview_reads_in_five_queries_whatever_the_size(org, django_assert_num_queries):
    groups = [f"G{i}" for i in range(30)]
    points = [f"P{i}" for i in range(60)]
    edges = [(groups[i // 2], points[i]) for i in range(60)]
    edges += [(groups[i], groups[i + 1]) for i in range(29)]
    build(org, groups=groups, points=points, edges=edges)
    expanded = {g.pk for g in groups_of(org)}
    with django_assert_num_queries(5):
        rows = tree_rows(org, expanded=expanded)
    assert len(rows) == 90


# -- what the Digital Post core asks -------------------------------------------------------


def test_point_is_available_when_active_and_attached_to_an_active_receiver(personas, org):
    system = receiver_new(personas.alice)
    built = build(org, points=["p"], point_fields={"system": system, "active": True})
    assert point_available(built["p"], now())


@pytest.mark.parametrize(
    "which", ["point-inactive", "no-system", "system-not-activated", "system-deleted", "before"]
)
def test_point_is_unavailable_otherwise(personas, org, which):
    alice = personas.alice
    if which == "system-not-activated":
        system = receiver_new(alice, activation=Activation.NEVER)
    else:
        system = receiver_new(alice)
    if which == "system-deleted":
        system_delete(actor=actor_of(alice), system=system)
    fields = {
        "system": None if which == "no-system" else system,
        "active": which != "point-inactive",
    }
    point = build(org, points=["p"], point_fields=fields)["p"]
    point = point_get(org, point.pk)
    at = now() - timedelta(days=1) if which == "before" else now()
    assert not point_available(point, at)


@pytest.fixture
def routing(personas, org):
    """Kommune A with its primary system and a second receiver with one point on it."""
    primary = receiver_new(personas.alice, "Primær")
    second = receiver_new(personas.alice, "Borgerservice")
    built = build(
        org,
        points=["aktivt", "inaktivt"],
        point_fields={"system": second, "active": True},
    )
    built["inaktivt"].active = False
    built["inaktivt"].save()
    return primary, second, built


def test_resolve_gives_the_points_receiver_system_when_available(org, routing):
    primary, second, built = routing
    assert primary.is_primary
    assert point_resolve_system(org, built["aktivt"].pk, now()) == second


@pytest.mark.parametrize("which", ["inactive", "none", "unknown", "garbage", "other-organisation"])
def test_resolve_falls_back_to_the_primary_system(personas, org, routing, which):
    primary, _second, built = routing
    foreign = build(personas.maja.organisation, points=["M"])["M"]
    point_id = {
        "inactive": built["inaktivt"].pk,
        "none": None,
        "unknown": uuid.uuid4(),
        "garbage": "not-an-id",
        "other-organisation": foreign.pk,
    }[which]
    assert point_resolve_system(org, point_id, now()) == primary


def test_resolve_without_a_primary_system_gives_none(db):
    organisation = organisation_new()
    point = build(organisation, points=["p"])["p"]
    assert point_resolve_system(organisation, point.pk) is None


def test_receivers_without_points_are_the_active_receivers_no_point_uses(personas, org):
    alice = personas.alice
    used = receiver_new(alice, "Brugt")
    used_by_inactive = receiver_new(alice, "Brugt af inaktivt")
    receiver_new(alice, "Ubrugt")
    receiver_new(alice, "Ikke aktiveret", activation=Activation.NEVER)
    create(alice, SENDER, Protocol.REST_PULL, name="Afsender")
    deleted = receiver_new(alice, "Slettet")
    system_delete(actor=actor_of(alice), system=deleted)
    receiver_new(personas.maja, "Kommune M's")
    build(org, points=["a"], point_fields={"system": used})
    build(org, points=["b"], point_fields={"system": used_by_inactive, "active": False})
    assert [s.name for s in receivers_without_points(org)] == ["Ubrugt"]


def test_group_accessibility_is_derived_from_the_active_points_below(org):
    built = build(
        org,
        groups=["A", "B", "C"],
        points=["skjult", "synlig", "inaktiv", "udenfor"],
        edges=[("A", "B"), ("B", "skjult"), ("B", "synlig"), ("A", "inaktiv"), ("C", "udenfor")],
    )
    rows = {
        "skjult": {"targets": [Target.AUTHORITY], "visible": False},
        "synlig": {"targets": [Target.CITIZEN], "visible": True},
        "inaktiv": {"targets": [Target.COMPANY], "active": False},
        "udenfor": {"targets": [Target.COMPANY]},
    }
    for name, values in rows.items():
        for field, value in values.items():
            setattr(built[name], field, value)
        built[name].save()
    access = group_accessibility(built["A"])
    assert access.targets == (Target.CITIZEN, Target.AUTHORITY)
    assert access.visible
    assert access.link_targets == (Target.CITIZEN,)
    assert access.target_labels == "Borger, Myndighed"


def test_group_without_visible_active_points_is_not_visible(org):
    built = build(
        org,
        groups=["A"],
        points=["skjult"],
        edges=[("A", "skjult")],
        point_fields={"visible": False},
    )
    access = group_accessibility(built["A"])
    assert (access.targets, access.visible, access.link_targets) == ((Target.CITIZEN,), False, ())
    empty = group_accessibility(build(org, groups=["Tom"])["Tom"])
    assert (empty.targets, empty.visible) == ((), False)


def test_overview_of_a_corrupt_structure_with_a_cycle_ends(org):
    # The services never store a cycle; written behind their back, the overview still ends.
    built = build(org, groups=["Top", "A", "B"], edges=[("Top", "A"), ("A", "B"), ("B", "A")])
    expanded = {g.pk for g in built.groups.values()}
    assert shown(tree_rows(org, expanded=expanded)) == [("Top", 0), ("A", 1), ("B", 2), ("A", 3)]


def test_overview_without_points_shown_reads_no_point_details(org, django_assert_num_queries):
    build(org, groups=["A"], points=["p"], edges=[("A", "p")])
    with django_assert_num_queries(4):
        assert shown(tree_rows(org)) == [("A", 0)]
