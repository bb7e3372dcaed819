""" "Opret kontaktpunkt": every bad input of issue 4 that belongs to a contact point is refused
next to its field in Danish, what was typed stays in the form, and nothing is saved (SPEC §4,
guide §6.3)."""

import pytest

from adgang.contacts import services
from adgang.contacts.models import CodeType, ContactPoint
from tests.support.contacts_factories import actor_for, point_spec, snapshot
from tests.support.contacts_wizard import (
    ACCESSIBILITY,
    DESCRIPTION,
    MARKUP,
    PointWizard,
    current_step,
    field_error,
    shown_value,
    valid_steps,
)

LINK = {
    "add_link": "on",
    "link_headline": "Selvbetjening",
    "link_description": "Søg om pas på nettet.",
    "link_text": "Gå til selvbetjening",
    "link_url": "https://www.kommune-a.dk/pas",
}

BAD_INPUT = [
    # (id, step, the step's data, field, message shown next to it)
    (
        "name-51",
        DESCRIPTION,
        {"name": "N" * 51},
        "name",
        "Navnet må højst være 50 tegn (du har skrevet 51).",
    ),
    ("name-missing", DESCRIPTION, {"name": "  "}, "name", "Giv kontaktpunktet et navn."),
    (
        "description-251",
        DESCRIPTION,
        {"description": "B" * 251},
        "description",
        "Beskrivelsen må højst være 250 tegn (du har skrevet 251).",
    ),
    (
        "description-missing",
        DESCRIPTION,
        {"description": ""},
        "description",
        "Giv kontaktpunktet en beskrivelse.",
    ),
    ("no-target", ACCESSIBILITY, {"targets": []}, "targets", "Vælg mindst én målgruppe."),
    (
        "capacity-100-mb",
        ACCESSIBILITY,
        {"reduce_capacity": "on", "max_message_mb": "100"},
        "max_message_mb",
        "Den maksimale beskedstørrelse skal være mellem 0,1 og 99,5 MB.",
    ),
    (
        "capacity-11-attachments",
        ACCESSIBILITY,
        {"reduce_capacity": "on", "max_attachments": "11"},
        "max_attachments",
        "Antallet af bilag skal være mellem 0 og 10.",
    ),
    (
        "capacity-ticked-empty",
        ACCESSIBILITY,
        {"reduce_capacity": "on", "max_message_mb": "", "max_attachments": ""},
        "max_message_mb",
        "Angiv en maksimal beskedstørrelse, et maksimalt antal bilag eller begge.",
    ),
    (
        "three-input-fields",
        ACCESSIBILITY,
        {"add_input_fields": "on", "input_fields": ["Sagsnummer", "CPR-nummer", "Adresse"]},
        "input_fields",
        "Du kan højst tilføje to informationsfelter.",
    ),
    (
        "input-field-title-26",
        ACCESSIBILITY,
        {"add_input_fields": "on", "input_fields": ["T" * 26, ""]},
        "input_fields",
        "Titlen må højst være 25 tegn.",
    ),
    (
        "link-http",
        ACCESSIBILITY,
        {**LINK, "link_url": "http://www.kommune-a.dk/pas"},
        "link_url",
        "Linket skal benytte SSL (https-protokol)",
    ),
    (
        "link-headline-51",
        ACCESSIBILITY,
        {**LINK, "link_headline": "O" * 51},
        "link_headline",
        "Overskriften må højst være 50 tegn (du har skrevet 51).",
    ),
    (
        "link-description-251",
        ACCESSIBILITY,
        {**LINK, "link_description": "D" * 251},
        "link_description",
        "Beskrivelsen af linket må højst være 250 tegn (du har skrevet 251).",
    ),
    (
        "link-text-51",
        ACCESSIBILITY,
        {**LINK, "link_text": "L" * 51},
        "link_text",
        "Linkteksten må højst være 50 tegn (du har skrevet 51).",
    ),
    (
        "link-without-url",
        ACCESSIBILITY,
        {**LINK, "link_url": ""},
        "link_url",
        "Angiv linkets adresse (URL)",
    ),
    (
        "keyword-special-characters",
        MARKUP,
        {"keywords": "pas\nhej!#?"},
        "keywords",
        "Søgeordet »hej!#?« må kun indeholde bogstaver, tal og mellemrum.",
    ),
    (
        "keyword-31",
        MARKUP,
        {"keywords": "k" * 31},
        "keywords",
        f"Søgeordet »{'k' * 31}« må højst være 30 tegn (du har skrevet 31).",
    ),
    ("no-keyword", MARKUP, {"keywords": " \n "}, "keywords", "Angiv mindst ét søgeord."),
    (
        "kle-malformed",
        MARKUP,
        {"code_kle": "27.2"},
        "code_kle",
        "KLE-koden skal have formen NN.NN.NN, fx 27.24.00, eller en del af den, fx 27.24.",
    ),
    (
        "ean-check-digit",
        MARKUP,
        {"code_gln": "5790000000013"},
        "code_gln",
        "EAN/GLN-nummeret har et forkert kontrolciffer.",
    ),
    (
        "eleven-custom-codes",
        MARKUP,
        {"custom_codes": "\n".join(f"K{i}" for i in range(11))},
        "custom_codes",
        "Du kan højst angive 10 brugerdefinerede koder.",
    ),
]


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_refused_next_to_field_and_kept(client_as, personas, step, data, field, message):
    organisation = personas.alice.organisation
    wizard = PointWizard(client_as("alice"), organisation)
    steps = valid_steps(**{_attribute(step): data})
    before = snapshot(organisation)

    response = wizard.fill_until(step, steps)

    assert current_step(response) == step
    assert field_error(response, step, field).startswith(message)
    posted = steps.of(step)[field]
    assert shown_value(response, field) == posted
    assert snapshot(organisation) == before
    assert ContactPoint.objects.count() == 0


def _attribute(step: str) -> str:
    return {DESCRIPTION: "description", ACCESSIBILITY: "accessibility", MARKUP: "markup"}[step]


def test_bad_input_is_listed_in_the_error_summary(client_as, personas):
    wizard = PointWizard(client_as("alice"), personas.alice.organisation)
    response = wizard.fill_until(DESCRIPTION, valid_steps(description={"name": "N" * 51}))
    content = response.content.decode()
    assert "Der er problemer med det, du har udfyldt" in content
    assert 'href="#id_beskrivelse-name"' in content


def test_two_kle_codes_refused_by_the_service(personas):
    """The form has one KLE field, so two KLE codes can only come from another caller (the
    import, a crafted request to the service): the service refuses them and saves nothing."""
    organisation = personas.alice.organisation
    before = snapshot(organisation)
    spec = point_spec(
        codes=(
            {"type": CodeType.KLE, "code": "27.24.00"},
            {"type": CodeType.KLE, "code": "27.24.02"},
        )
    )
    with pytest.raises(services.ContactRuleError) as refused:
        services.point_create(actor=actor_for(organisation), organisation=organisation, spec=spec)
    assert refused.value.field == "codes"
    assert "Du kan kun angive én KLE-kode." in refused.value.message
    assert snapshot(organisation) == before


def test_unticked_optional_parts_are_ignored(client_as, personas):
    """Values typed into capacity, link or information fields count only while their box is
    ticked; unticked, even invalid values there are not an error and are not saved."""
    wizard = PointWizard(client_as("alice"), personas.alice.organisation)
    steps = valid_steps(
        accessibility={
            "max_message_mb": "100",
            "link_url": "http://x",
            "input_fields": ["T" * 26, ""],
        }
    )
    response = wizard.complete(steps)
    assert response.status_code == 200
    point = ContactPoint.objects.get()
    assert point.max_message_mb is None
    assert point.link_url == ""
    assert point.input_fields == []
