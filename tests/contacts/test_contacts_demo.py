"""Demo contact structures (SPEC §15 `manage.py demo`, SPEC §4): three levels and more, shared
and hidden points, every target group, points on the demo receiver systems, some inactive;
nothing duplicated or changed on a second run."""

from io import StringIO

import pytest
from django.core.management import call_command

from adgang.accounts import demo as accounts_demo
from adgang.audit.models import ActionLogEntry, Subject
from adgang.contacts import demo, selectors
from adgang.contacts.graph import GROUP, POINT, Node, Structure
from adgang.contacts.models import ContactGroup, ContactPoint, GroupInGroup, PointInGroup, Target
from adgang.systems import demo as systems_demo

KOMMUNE_A, KOMMUNE_M = accounts_demo.ORGANISATIONS["A"][0], accounts_demo.ORGANISATIONS["M"][0]


@pytest.fixture
def kommune_a(personas):
    systems_demo.load()
    demo.load()
    return personas.alice.organisation


def everything() -> tuple:
    return (
        tuple(ContactGroup.objects.order_by("pk").values_list("pk", "name", "version")),
        tuple(ContactPoint.objects.order_by("pk").values_list("pk", "name", "version")),
        GroupInGroup.objects.count(),
        PointInGroup.objects.count(),
        ActionLogEntry.objects.filter(subject=Subject.KONTAKTSTRUKTUR).count(),
    )


@pytest.mark.django_db
def test_demo_command_twice_changes_nothing():
    call_command("demo", stdout=StringIO())
    first = everything()
    assert first[0] and first[1]
    out = StringIO()
    call_command("demo", stdout=out)
    assert everything() == first
    assert "adgang.contacts.demo.load: groups: 0, placements: 0, points: 0" in out.getvalue()


def test_demo_runs_after_the_systems_demo():
    from adgang.core.management.commands.demo import DEMO_STEPS

    assert DEMO_STEPS.index("adgang.contacts.demo.load") > DEMO_STEPS.index(
        "adgang.systems.demo.load"
    )


def _depth(structure: Structure, node: Node) -> int:
    parents = structure.parents.get(node, set())
    if not parents:
        return 1
    return 1 + max(_depth(structure, Node(GROUP, parent)) for parent in parents)


def test_demo_structure_has_at_least_three_levels_of_groups(kommune_a):
    structure = Structure.load(kommune_a)
    assert max(_depth(structure, node) for node in structure.groups()) >= 3


def test_demo_has_a_point_shared_by_two_groups(kommune_a):
    structure = Structure.load(kommune_a)
    shared = [n for n in structure.names if n.kind == POINT and len(structure.parents[n]) >= 2]
    assert shared


def test_demo_has_hidden_inactive_and_organisational_unit_nodes(kommune_a):
    points = selectors.points_of(kommune_a)
    assert points.filter(visible=False).exists()
    assert points.filter(active=False).exists()
    assert selectors.groups_of(kommune_a).filter(organisational_unit=True).exists()


@pytest.mark.parametrize("target", list(Target))
def test_demo_has_points_for_every_target_group(kommune_a, target):
    assert any(target.value in p.targets for p in selectors.points_of(kommune_a))


def test_demo_points_sit_on_the_demo_receiver_systems(kommune_a):
    attached = set(
        selectors.points_of(kommune_a).exclude(system=None).values_list("system__name", flat=True)
    )
    assert {"Fagsystem Modtager", "Hændelsesmodtager", "ESDH Afsender og modtager"} <= attached


def test_demo_overview_warns_for_the_receiver_left_without_points(kommune_a):
    names = [system.name for system in selectors.receivers_without_points(kommune_a)]
    assert names == ["Borgerservice via S-Post"]


def test_demo_kommune_m_has_its_own_smaller_structure(kommune_a, personas):
    kommune_m = personas.maja.organisation
    groups_m = set(selectors.groups_of(kommune_m).values_list("name", flat=True))
    assert groups_m and len(groups_m) < selectors.groups_of(kommune_a).count()
    assert set(selectors.points_of(kommune_m).values_list("system__name", flat=True)) == {
        "Postmodtager"
    }


def test_demo_changes_are_logged_as_the_contact_administrator(kommune_a, personas):
    actors = set(
        ActionLogEntry.objects.filter(
            organisation=kommune_a, subject=Subject.KONTAKTSTRUKTUR
        ).values_list("actor", flat=True)
    )
    assert actors == {personas.alice.actor_id}


def test_demo_load_twice_makes_nothing_new(kommune_a):
    before = everything()
    assert demo.load() == {"groups": 0, "placements": 0, "points": 0}
    assert everything() == before


def test_demo_restores_a_removed_placement_only(kommune_a):
    pas = ContactGroup.objects.get(organisation=kommune_a, name="Pas")
    GroupInGroup.objects.filter(child=pas).delete()
    assert demo.load() == {"groups": 0, "placements": 1, "points": 0}
    assert GroupInGroup.objects.filter(child=pas, parent__name="Pas og kørekort").exists()
