"""Creating and changing contact groups and points (SPEC §4): the services' rules and log.

Every refusal is checked for its Danish message, the field it belongs next to, and that
nothing — no row, no edge, no log entry — was saved.
"""

from decimal import Decimal

import pytest

from adgang.contacts.models import CodeType, ContactGroup, ContactPoint, Target
from adgang.contacts.services import (
    ContactRuleError,
    group_create,
    group_update,
    point_create,
    point_delete,
    point_update,
)
from adgang.systems.models import Protocol
from adgang.systems.rules import SENDER
from adgang.systems.services import system_delete
from tests.support.contacts_factories import (
    build,
    log_fields,
    log_of,
    picture,
    point_spec,
    receiver_new,
    snapshot,
)
from tests.support.systems_core import actor_of, create

CYCLE = "En kontaktgruppe kan ikke placeres under sig selv eller en af sine undergrupper."
NOT_FOUND = "Den valgte kontaktgruppe findes ikke."
NOT_RECEIVER = "Vælg et af organisationens modtagersystemer."


@pytest.fixture
def alice(personas):
    return personas.alice


@pytest.fixture
def org(alice):
    return alice.organisation


@pytest.fixture
def actor(alice):
    return actor_of(alice)


@pytest.fixture
def receiver(alice):
    return receiver_new(alice)


def refused(call) -> ContactRuleError:
    with pytest.raises(ContactRuleError) as caught:
        call()
    return caught.value


# -- groups --------------------------------------------------------------------------------


def test_group_create_saves_the_group_in_its_parents(org, actor):
    built = build(org, groups=["Borgerservice", "Sundhed"])
    group = group_create(
        actor=actor,
        organisation=org,
        name="  Pas  og ID ",
        description="Spørgsmål om pas",
        organisational_unit=True,
        parent_ids=[built["Borgerservice"].pk, built["Sundhed"].pk],
    )
    group.refresh_from_db()
    assert (group.name, group.description, group.organisational_unit) == (
        "Pas og ID",
        "Spørgsmål om pas",
        True,
    )
    assert set(group.parents.values_list("name", flat=True)) == {"Borgerservice", "Sundhed"}


def test_group_create_logs_each_field_with_before_and_after(org, actor):
    parent = build(org, groups=["Borgerservice"])["Borgerservice"]
    group = group_create(
        actor=actor, organisation=org, name="Pas", description="Om pas", parent_ids=[parent.pk]
    )
    assert log_fields(org, group.pk) == {
        "Kontaktgruppens navn": ("", "Pas"),
        "Kontaktgruppens beskrivelse": ("", "Om pas"),
        "Organisatorisk enhed": ("", "Nej"),
        "Overordnede grupper": ("", "Borgerservice"),
    }
    entry = log_of(org, group.pk).first()
    assert (entry.event, entry.object_name, entry.actor) == ("Oprettet", "Pas", actor.display)


@pytest.mark.parametrize(
    ("name", "description", "field", "message"),
    [
        ("x" * 51, "Om", "name", "Navnet må højst være 50 tegn (du har skrevet 51)."),
        ("   ", "Om", "name", "Giv kontaktgruppen et navn."),
        (
            "Pas",
            "x" * 256,
            "description",
            "Beskrivelsen må højst være 255 tegn (du har skrevet 256).",
        ),
        ("Pas", "", "description", "Giv kontaktgruppen en beskrivelse."),
    ],
    ids=["name-51", "name-blank", "description-256", "description-missing"],
)
def test_group_create_refuses_bad_input_and_saves_nothing(
    org, actor, name, description, field, message
):
    before = snapshot(org)
    error = refused(
        lambda: group_create(actor=actor, organisation=org, name=name, description=description)
    )
    assert (error.field, error.message) == (field, message)
    assert snapshot(org) == before


def test_group_create_accepts_the_longest_name_and_description(org, actor):
    group = group_create(actor=actor, organisation=org, name="x" * 50, description="y" * 255)
    assert ContactGroup.objects.filter(pk=group.pk).exists()


@pytest.mark.parametrize("parent_id", ["other", "unknown", "garbage"])
def test_group_create_refuses_a_parent_it_cannot_see(personas, org, actor, parent_id):
    foreign = build(personas.maja.organisation, groups=["Kommune M"])["Kommune M"]
    value = {"other": foreign.pk, "unknown": "4b0c3fa5-0000-4000-8000-000000000000"}.get(
        parent_id, "not-a-uuid"
    )
    before, theirs = snapshot(org), snapshot(personas.maja.organisation)
    error = refused(
        lambda: group_create(
            actor=actor, organisation=org, name="Pas", description="Om", parent_ids=[value]
        )
    )
    assert (error.field, error.message) == ("parents", NOT_FOUND)
    assert snapshot(org) == before
    assert snapshot(personas.maja.organisation) == theirs


def test_group_update_changes_fields_and_logs_before_and_after(org, actor):
    group = build(org, groups=["Pas"])["Pas"]
    group_update(
        actor=actor,
        group=group,
        changes={"name": "Pas og ID", "description": "Om pas", "organisational_unit": True},
    )
    group.refresh_from_db()
    assert (group.name, group.organisational_unit, group.version) == ("Pas og ID", True, 2)
    assert log_fields(org, group.pk) == {
        "Kontaktgruppens navn": ("Pas", "Pas og ID"),
        "Kontaktgruppens beskrivelse": ("Om Pas", "Om pas"),
        "Organisatorisk enhed": ("Nej", "Ja"),
    }
    assert {e.event for e in log_of(org, group.pk)} == {"Ændret"}


def test_group_update_moves_the_group_and_logs_the_parents_by_name(org, actor):
    built = build(org, groups=["A", "B", "C", "X"], edges=[("A", "X"), ("B", "X")])
    group_update(
        actor=actor, group=built["X"], changes={"parent_ids": [built["B"].pk, built["C"].pk]}
    )
    assert picture(org).edges == {("B", "X"), ("C", "X")}
    assert log_fields(org, built["X"].pk) == {"Overordnede grupper": ("A, B", "B, C")}


def test_group_update_to_top_level_removes_every_parent(org, actor):
    built = build(org, groups=["A", "X"], edges=[("A", "X")])
    group_update(actor=actor, group=built["X"], changes={"parent_ids": []})
    assert picture(org).edges == set()
    assert log_fields(org, built["X"].pk) == {"Overordnede grupper": ("A", "")}


def test_group_update_without_a_change_logs_nothing(org, actor):
    built = build(org, groups=["A", "X"], edges=[("A", "X")])
    before = snapshot(org)
    group_update(
        actor=actor,
        group=built["X"],
        changes={"name": "X", "description": "Om X", "parent_ids": [built["A"].pk]},
    )
    assert snapshot(org) == before


@pytest.mark.parametrize(
    ("group", "parents"),
    [
        ("A", ["A"]),
        ("A", ["B"]),
        ("A", ["D"]),
        ("B", ["D", "E"]),
        ("A", ["E", "C"]),
    ],
    ids=["itself", "own-child", "indirect-descendant", "indirect-with-another", "via-second-path"],
)
def test_group_update_refuses_a_cycle_and_saves_nothing(org, actor, group, parents):
    # A → B → D, A → C → D; E stands apart.
    built = build(
        org,
        groups=["A", "B", "C", "D", "E"],
        edges=[("A", "B"), ("B", "D"), ("A", "C"), ("C", "D")],
    )
    before = snapshot(org)
    error = refused(
        lambda: group_update(
            actor=actor,
            group=built[group],
            changes={"name": "Nyt navn", "parent_ids": [built[p].pk for p in parents]},
        )
    )
    assert (error.field, error.message) == ("parents", CYCLE)
    assert snapshot(org) == before


def test_group_update_refuses_a_parent_of_another_organisation(personas, org, actor):
    built = build(org, groups=["A"])
    foreign = build(personas.maja.organisation, groups=["M"])["M"]
    before = snapshot(org)
    error = refused(
        lambda: group_update(actor=actor, group=built["A"], changes={"parent_ids": [foreign.pk]})
    )
    assert (error.field, error.message) == ("parents", NOT_FOUND)
    assert snapshot(org) == before


def test_group_update_refuses_an_unknown_field(org, actor):
    group = build(org, groups=["A"])["A"]
    with pytest.raises(ValueError, match="organisation"):
        group_update(actor=actor, group=group, changes={"organisation": None})


# -- points --------------------------------------------------------------------------------


def test_point_create_saves_every_field(org, actor, receiver):
    built = build(org, groups=["Borgerservice", "Sundhed"])
    spec = point_spec(
        "Pas",
        description="Om pas",
        internal_note="Kun til intern brug",
        group_ids=(built["Borgerservice"].pk, built["Sundhed"].pk),
        visible=False,
        targets=(Target.AUTHORITY, Target.CITIZEN),
        max_message_mb=Decimal("45.5"),
        max_attachments=5,
        link_headline="Selvbetjening",
        link_description="Brug selvbetjeningen",
        link_text="Gå til selvbetjening",
        link_url="https://www.kommune-a.dk/pas",
        input_fields=("Sagsnummer",),
        keywords=("pas", "kørekort"),
        codes=({"type": CodeType.KLE, "code": "27.24.00"}, {"type": CodeType.FORM, "code": "1"}),
        system_id=receiver.pk,
        active=True,
    )
    point = point_create(actor=actor, organisation=org, spec=spec)
    point = ContactPoint.objects.get(pk=point.pk)
    assert point.targets == [Target.CITIZEN, Target.AUTHORITY]
    assert point.codes == [{"type": "FORM", "code": "1"}, {"type": "KLE", "code": "27.24.00"}]
    assert (point.max_message_mb, point.max_attachments) == (Decimal("45.5"), 5)
    assert (point.system_id, point.active, point.visible) == (receiver.pk, True, False)
    assert (point.link_url, point.input_fields, point.keywords) == (
        "https://www.kommune-a.dk/pas",
        ["Sagsnummer"],
        ["pas", "kørekort"],
    )
    assert set(point.groups.values_list("name", flat=True)) == {"Borgerservice", "Sundhed"}


def test_point_create_logs_each_field_as_a_caseworker_reads_it(org, actor, receiver):
    group = build(org, groups=["Borgerservice"])["Borgerservice"]
    spec = point_spec(
        "Pas",
        targets=(Target.COMPANY, Target.CITIZEN),
        group_ids=(group.pk,),
        system_id=receiver.pk,
        codes=({"type": CodeType.GLN, "code": "5798000000001"},),
        active=True,
    )
    point = point_create(actor=actor, organisation=org, spec=spec)
    logged = log_fields(org, point.pk)
    assert logged["Kontaktpunktets navn"] == ("", "Pas")
    assert logged["Målgruppe"] == ("", "Borger, Virksomhed")
    assert logged["Synlighed"] == ("", "Synligt")
    assert logged["Status"] == ("", "Aktivt")
    assert logged["Koder"] == ("", "EAN/GLN: 5798000000001")
    assert logged["Kontaktgrupper"] == ("", "Borgerservice")
    assert logged["Modtagersystem"] == ("", "Modtager A")
    assert "Max MB grænse" not in logged  # not given: nothing to log


LONG_TITLE = "x" * 26
BAD_POINTS = [
    ({"name": "x" * 51}, "name", "Navnet må højst være 50 tegn (du har skrevet 51)."),
    (
        {"description": "x" * 251},
        "description",
        "Beskrivelsen må højst være 250 tegn (du har skrevet 251).",
    ),
    ({"targets": ()}, "targets", "Vælg mindst én målgruppe."),
    (
        {"keywords": ("hej!#?",)},
        "keywords",
        "Søgeordet »hej!#?« må kun indeholde bogstaver, tal og mellemrum.",
    ),
    (
        {"keywords": ("a" * 31,)},
        "keywords",
        f"Søgeordet »{'a' * 31}« må højst være 30 tegn (du har skrevet 31).",
    ),
    ({"keywords": ()}, "keywords", "Angiv mindst ét søgeord."),
    (
        {"codes": ({"type": "KLE", "code": "27.24.00"}, {"type": "KLE", "code": "27.25.00"})},
        "codes",
        "Du kan kun angive én KLE-kode.",
    ),
    (
        {"codes": ({"type": "KLE", "code": "27.2"},)},
        "codes",
        "KLE-koden skal have formen NN.NN.NN, fx 27.24.00, eller en del af den, fx 27.24.",
    ),
    (
        {"codes": ({"type": "GLN", "code": "5798000000002"},)},
        "codes",
        "EAN/GLN-nummeret har et forkert kontrolciffer.",
    ),
    (
        {"codes": tuple({"type": "CUSTOM", "code": f"K{i}"} for i in range(11))},
        "codes",
        "Du kan højst angive 10 brugerdefinerede koder.",
    ),
    (
        {"max_message_mb": Decimal("100")},
        "max_message_mb",
        "Den maksimale beskedstørrelse skal være mellem 0,1 og 99,5 MB.",
    ),
    ({"max_attachments": 11}, "max_attachments", "Antallet af bilag skal være mellem 0 og 10."),
    (
        {"input_fields": ("Sag", "Navn", "CPR")},
        "input_fields",
        "Du kan højst tilføje to informationsfelter.",
    ),
    ({"input_fields": (LONG_TITLE,)}, "input_fields", "Titlen må højst være 25 tegn."),
    (
        {"link_headline": "Selvbetjening", "link_text": "Gå", "link_url": "http://kommune.dk"},
        "link_url",
        "Linket skal benytte SSL (https-protokol), fx https://post.eksempel.dk/modtag.",
    ),
    (
        {"link_headline": "x" * 51, "link_text": "Gå", "link_url": "https://kommune.dk"},
        "link_headline",
        "Overskriften må højst være 50 tegn (du har skrevet 51).",
    ),
    (
        {"link_headline": "Selvbetjening", "link_text": "x" * 51, "link_url": "https://k.dk"},
        "link_text",
        "Linkteksten må højst være 50 tegn (du har skrevet 51).",
    ),
    (
        {
            "link_headline": "Selvbetjening",
            "link_text": "Gå",
            "link_description": "x" * 251,
            "link_url": "https://kommune.dk",
        },
        "link_description",
        "Beskrivelsen af linket må højst være 250 tegn (du har skrevet 251).",
    ),
]
BAD_IDS = [
    "name-51",
    "description-251",
    "no-target",
    "keyword-special-characters",
    "keyword-31",
    "no-keyword",
    "two-kle",
    "malformed-kle",
    "ean-check-digit",
    "eleven-custom-codes",
    "capacity-100mb",
    "eleven-attachments",
    "three-input-fields",
    "input-field-title-26",
    "link-not-https",
    "link-headline-51",
    "link-text-51",
    "link-description-251",
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_POINTS, ids=BAD_IDS)
def test_point_create_refuses_bad_input_and_saves_nothing(org, actor, overrides, field, message):
    before = snapshot(org)
    error = refused(
        lambda: point_create(actor=actor, organisation=org, spec=point_spec(**overrides))
    )
    assert (error.field, error.message) == (field, message)
    assert snapshot(org) == before


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_POINTS, ids=BAD_IDS)
def test_point_update_refuses_bad_input_and_saves_nothing(org, actor, overrides, field, message):
    point = point_create(actor=actor, organisation=org, spec=point_spec())
    before = snapshot(org)
    error = refused(lambda: point_update(actor=actor, point=point, changes=overrides))
    assert (error.field, error.message) == (field, message)
    assert snapshot(org) == before


@pytest.mark.parametrize("which", ["other-organisation", "sender-only", "deleted", "unknown"])
def test_point_refuses_a_system_that_is_not_an_own_live_receiver(personas, org, actor, which):
    if which == "other-organisation":
        system_id = receiver_new(personas.maja).pk
    elif which == "sender-only":
        system_id = create(personas.alice, SENDER, Protocol.REST_PULL).system.pk
    elif which == "deleted":
        system = receiver_new(personas.alice, "Slettet")
        system_delete(actor=actor, system=system)
        system_id = system.pk
    else:
        system_id = "4b0c3fa5-0000-4000-8000-000000000000"
    point = point_create(actor=actor, organisation=org, spec=point_spec("Eksisterende"))
    before = snapshot(org)
    for call in (
        lambda: point_create(actor=actor, organisation=org, spec=point_spec(system_id=system_id)),
        lambda: point_update(actor=actor, point=point, changes={"system_id": system_id}),
    ):
        error = refused(call)
        assert (error.field, error.message) == ("system", NOT_RECEIVER)
    assert snapshot(org) == before


def test_point_refuses_a_group_of_another_organisation(personas, org, actor):
    foreign = build(personas.maja.organisation, groups=["M"])["M"]
    before = snapshot(org)
    error = refused(
        lambda: point_create(
            actor=actor, organisation=org, spec=point_spec(group_ids=(foreign.pk,))
        )
    )
    assert (error.field, error.message) == ("groups", NOT_FOUND)
    assert snapshot(org) == before


def test_point_update_changes_fields_groups_and_system_and_logs_them(
    personas, org, actor, receiver
):
    other = receiver_new(personas.alice, "Modtager B")
    built = build(org, groups=["A", "B", "C"])
    point = point_create(
        actor=actor,
        organisation=org,
        spec=point_spec("Pas", group_ids=(built["A"].pk, built["B"].pk), system_id=receiver.pk),
    )
    point_update(
        actor=actor,
        point=point,
        changes={
            "targets": [Target.COMPANY, Target.CITIZEN],
            "visible": False,
            "active": True,
            "group_ids": [built["B"].pk, built["C"].pk],
            "system_id": other.pk,
        },
    )
    point.refresh_from_db()
    assert (point.targets, point.visible, point.active, point.version) == (
        [Target.CITIZEN, Target.COMPANY],
        False,
        True,
        2,
    )
    assert picture(org).edges == {("B", "Pas"), ("C", "Pas")}
    changed = {e.field: (e.before, e.after) for e in log_of(org, point.pk).filter(event="Ændret")}
    assert changed == {
        "Målgruppe": ("Borger", "Borger, Virksomhed"),
        "Synlighed": ("Synligt", "Skjult"),
        "Status": ("Ikke aktivt", "Aktivt"),
        "Kontaktgrupper": ("A, B", "B, C"),
        "Modtagersystem": ("Modtager A", "Modtager B"),
    }


def test_point_update_detaches_the_receiver_system(org, actor, receiver):
    point = point_create(actor=actor, organisation=org, spec=point_spec(system_id=receiver.pk))
    point_update(actor=actor, point=point, changes={"system_id": None})
    point.refresh_from_db()
    assert point.system_id is None
    assert log_fields(org, point.pk)["Modtagersystem"] == ("Modtager A", "")


def test_point_update_without_a_change_logs_nothing(org, actor):
    point = point_create(actor=actor, organisation=org, spec=point_spec())
    before = snapshot(org)
    point_update(actor=actor, point=point, changes={"keywords": ["pas"], "group_ids": []})
    assert snapshot(org) == before


def test_point_update_refuses_an_unknown_field(org, actor):
    point = point_create(actor=actor, organisation=org, spec=point_spec())
    with pytest.raises(ValueError, match="organisation"):
        point_update(actor=actor, point=point, changes={"organisation": None})


def test_point_delete_removes_the_point_and_its_references_and_logs_it(org, actor):
    built = build(org, groups=["A", "B"], points=["p"], edges=[("A", "p"), ("B", "p")])
    point_delete(actor=actor, point=built["p"])
    assert picture(org).points == set()
    assert picture(org).edges == set()
    assert log_fields(org, built["p"].pk) == {
        "Kontaktpunkt": ("p", ""),
        "Kontaktgrupper": ("A, B", ""),
    }


def test_changing_a_point_deleted_meanwhile_is_refused_in_danish(org, actor):
    point = build(org, points=["p"])["p"]
    point_delete(actor=actor, point=point)
    before = snapshot(org)
    for call in (
        lambda: point_update(actor=actor, point=point, changes={"name": "q"}),
        lambda: point_delete(actor=actor, point=point),
    ):
        assert refused(call).message == "Kontaktpunktet findes ikke længere."
    assert snapshot(org) == before


def test_changing_a_group_deleted_meanwhile_is_refused_in_danish(org, actor):
    group = build(org, groups=["A"])["A"]
    ContactGroup.objects.filter(pk=group.pk).delete()
    before = snapshot(org)
    error = refused(lambda: group_update(actor=actor, group=group, changes={"name": "B"}))
    assert error.message == "Kontaktgruppen findes ikke længere."
    assert snapshot(org) == before


def test_a_company_cannot_create_a_contact_structure(personas):
    company = personas.birgitte.organisation
    actor = actor_of(personas.birgitte)
    before = snapshot(company)
    for call in (
        lambda: group_create(actor=actor, organisation=company, name="A", description="Om"),
        lambda: point_create(actor=actor, organisation=company, spec=point_spec()),
    ):
        assert refused(call).message == "Kun myndigheder kan oprette en kontaktstruktur."
    assert snapshot(company) == before
