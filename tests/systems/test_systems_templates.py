"""Standard supplier systems (SPEC §3 "Standard supplier systems", guide §5.6).

Suppliers manage their templates at /systemtilslutning/standardsystemer/; an organisation's
system made from one gets the template's values and delegates to the supplier; the
supplier's later changes follow to those systems; a template in use cannot be deleted.
"""

import html
import re

import pytest

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.models import ActionLogEntry, Subject
from adgang.core.clock import now
from adgang.systems.auth import authenticate_system
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.services import SystemRuleError, SystemSpec, system_create
from adgang.systems.template_services import (
    TemplateSpec,
    template_create,
    template_delete,
    template_update,
)
from adgang.testing import assert_tenant_isolated
from tests.support.systems_core import actor_of, ed25519_public_key

LIST = "/systemtilslutning/standardsystemer/"
CREATE = LIST + "opret/"
SUPPLIER_IP = "192.0.2.10"
NEW_SUPPLIER_IP = "192.0.2.99"

VALID = {
    "name": "S-Post Test",
    "description": "Afsend og modtag via S-Post",
    "types": ["sender", "receiver"],
    "protocol": "REST_PUSH",
    "ips": f"{SUPPLIER_IP}, 192.0.2.11",
    "endpoint": "https://post.leverandoer-s.example/v1/ind",
    "receipt_endpoint": "https://post.leverandoer-s.example/v1/kvittering",
    "contact_name": "Leverandør S Drift",
    "contact_email": "drift@leverandoer-s.example",
    "contact_phone": "+45 70 20 30 40",
    "is_published": "on",
}


def edit_url(template) -> str:
    return f"{LIST}{template.pk}/"


def delete_url(template) -> str:
    return f"{LIST}{template.pk}/slet/"


def field_error(response, name: str) -> str:
    """The message the page shows next to the field (its DKFDS error span), "" if none."""
    match = re.search(
        rf'<span class="form-error-message" id="id_{re.escape(name)}-error">'
        r'<span class="sr-only">[^<]*</span>(.*?)</span>',
        response.content.decode(),
        re.S,
    )
    return html.unescape(match.group(1)).strip() if match else ""


def spec(**overrides) -> TemplateSpec:
    values = {
        "name": "S-Post Integration",
        "is_sender": True,
        "is_receiver": True,
        "protocol": Protocol.REST_PUSH,
        "allowed_ips": (SUPPLIER_IP,),
        "endpoint": VALID["endpoint"],
        "receipt_endpoint": VALID["receipt_endpoint"],
        "contact_name": VALID["contact_name"],
        "contact_email": VALID["contact_email"],
        "contact_phone": VALID["contact_phone"],
    }
    values.update(overrides)
    return TemplateSpec(**values)


def make_template(membership, **overrides) -> SystemTemplate:
    return template_create(
        actor=actor_of(membership), supplier=membership.organisation, spec=spec(**overrides)
    )


def use_template(membership, template, name="Borgerservice via S") -> MailSystem:
    """An organisation's system from the template, as the wizard creates it."""
    return system_create(
        actor=actor_of(membership),
        organisation=membership.organisation,
        spec=SystemSpec(name=name, template_id=template.pk),
    ).system


def template_log():
    return ActionLogEntry.objects.filter(subject=Subject.SYSTEM)


def saved_state() -> tuple:
    return (
        tuple(SystemTemplate.objects.order_by("pk").values_list()),
        tuple(MailSystem.objects.order_by("pk").values_list()),
        template_log().count(),
    )


@pytest.fixture
def sune(client_as):
    return client_as("sune")


@pytest.fixture
def tina(personas):
    """The demo's second supplier's systemadministrator (Leverandør T ApS)."""
    return Membership.objects.select_related("person", "organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS["T"][0], rid="6001"
    )


def test_demo_suppliers_are_flagged(personas, tina):
    assert personas.sune.organisation.is_system_supplier
    assert tina.organisation.is_system_supplier
    assert not personas.alice.organisation.is_system_supplier


@pytest.mark.parametrize("persona", ["alice", "birgitte", "charlie"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_pages_answer_403_to_non_suppliers(client_as, personas, persona, method):
    template = make_template(personas.sune)
    client = client_as(persona)
    for url in (LIST, CREATE, edit_url(template), delete_url(template)):
        assert getattr(client, method)(url, VALID).status_code == 403, url
    assert SystemTemplate.objects.count() == 1


def test_list_shows_own_templates_with_usage(sune, personas):
    mine = make_template(personas.sune)
    use_template(personas.alice, mine)
    make_template(personas.sune, name="S-Post Kladde", is_published=False)
    theirs = SystemTemplate.objects.create(
        supplier=personas.birgitte.organisation, name="Fremmed skabelon", **_copied()
    )
    response = sune.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "S-Post Integration" in page and "S-Post Kladde" in page
    assert theirs.name not in page
    rows = {t.name: t for t in response.context["templates"]}
    assert rows["S-Post Integration"].system_count == 1
    assert rows["S-Post Kladde"].system_count == 0
    assert "Opret standard leverandørsystem" in page


def _copied() -> dict:
    return {
        "is_receiver": True,
        "protocol": Protocol.REST_PULL,
        "allowed_ips": [SUPPLIER_IP],
        "contact_name": "X",
        "contact_email": "x@example.dk",
        "contact_phone": "+45 33 12 34 56",
    }


def test_create_saves_the_template_and_logs_each_field(sune, personas):
    response = sune.post(CREATE, VALID)
    assert response.status_code == 302
    template = SystemTemplate.objects.get(name="S-Post Test")
    assert template.supplier == personas.sune.organisation
    assert (template.is_sender, template.is_receiver) == (True, True)
    assert template.protocol == Protocol.REST_PUSH
    assert template.allowed_ips == [SUPPLIER_IP, "192.0.2.11"]
    assert template.contact_phone == "+45 70 20 30 40"
    assert template.is_published
    entries = {e.field: e for e in template_log().filter(object_id=str(template.pk))}
    assert entries["Protokol"].after == "REST PUSH"
    assert entries["IP-adresser"].after == f"{SUPPLIER_IP}, 192.0.2.11"
    assert entries["Kontakt – navn"].after == "Leverandør S Drift"
    assert all(e.before == "" for e in entries.values())
    assert {e.actor for e in entries.values()} == {"CVR:13572461-RID:4001"}
    assert {e.organisation_id for e in entries.values()} == {personas.sune.organisation_id}


def test_create_drops_endpoints_the_protocol_does_not_use(sune):
    data = {**VALID, "types": ["receiver"], "protocol": "REST_PULL"}
    assert sune.post(CREATE, data).status_code == 302
    template = SystemTemplate.objects.get(name="S-Post Test")
    assert (template.endpoint, template.receipt_endpoint) == ("", "")


NOT_HTTPS = "End point skal benytte SSL (https-protokol), fx https://post.eksempel.dk/modtag."
BAD_INPUT = [
    ("empty-name", {"name": " "}, "name", "Giv standard leverandørsystemet et navn."),
    (
        "long-name",
        {"name": "x" * 101},
        "name",
        "Navnet må højst være 100 tegn (du har skrevet 101).",
    ),
    (
        "no-type",
        {"types": []},
        "types",
        "Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.",
    ),
    (
        "sender-publish-subscribe",
        {"types": ["sender"], "protocol": "REST_PUBLISH_SUBSCRIBE"},
        "protocol",
        "Protokollen kan ikke bruges til denne type system. Vælg en af: REST PUSH, REST PULL, "
        "SFTP.",
    ),
    (
        "receiver-sftp",
        {"types": ["receiver"], "protocol": "SFTP"},
        "protocol",
        "Protokollen kan ikke bruges til denne type system. Vælg en af: REST PUSH, REST PULL, "
        "REST PUBLISH/SUBSCRIBE.",
    ),
    ("no-protocol", {"protocol": ""}, "protocol", "Vælg en protokol."),
    (
        "unknown-protocol",
        {"protocol": "FTP"},
        "protocol",
        "Protokollen kan ikke bruges til denne type system.",
    ),
    (
        "33-ips",
        {"ips": ", ".join(f"192.0.2.{i}" for i in range(1, 34))},
        "ips",
        "Du kan højst angive 32 IP-adresser (du har angivet 33).",
    ),
    (
        "two-ranges",
        {"ips": "192.0.2.0/28 198.51.100.0/28"},
        "ips",
        "Du kan kun angive én IP-range.",
    ),
    (
        "range-and-address",
        {"ips": "192.0.2.0/28, 198.51.100.7"},
        "ips",
        "Angiv enten IP-adresser eller én IP-range, ikke begge dele.",
    ),
    ("bad-ip", {"ips": "192.0.2.300"}, "ips", "»192.0.2.300« er ikke en gyldig IP-adresse."),
    ("no-ips", {"ips": ""}, "ips", "Angiv mindst én IP-adresse eller én IP-range."),
    ("http-endpoint", {"endpoint": "http://post.leverandoer-s.example/ind"}, "endpoint", NOT_HTTPS),
    (
        "relative-endpoint",
        {"endpoint": "/v1/ind"},
        "endpoint",
        "End point skal være en fuld adresse, der begynder med https://, fx "
        "https://post.eksempel.dk/modtag.",
    ),
    ("missing-endpoint", {"endpoint": ""}, "endpoint", "Angiv End point."),
    (
        "missing-receipt-endpoint",
        {"receipt_endpoint": ""},
        "receipt_endpoint",
        "Angiv Kvitterings-end point.",
    ),
    (
        "bad-email",
        {"contact_email": "drift@"},
        "contact_email",
        "Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.",
    ),
    (
        "bad-phone",
        {"contact_phone": "12"},
        "contact_phone",
        "Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 eller +45 33 12 34 56.",
    ),
    (
        "no-contact-name",
        {"contact_name": ""},
        "contact_name",
        "Angiv navnet på den tekniske kontakt.",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_create_refuses_bad_input_next_to_the_field(sune, personas, overrides, field, message):
    before = saved_state()
    response = sune.post(CREATE, {**VALID, **overrides})
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert saved_state() == before
    # What the supplier typed is kept.
    kept = next(name for name in ("contact_email", "contact_name") if name not in overrides)
    assert response.context["form"][kept].value() == VALID[kept]


def test_create_refuses_a_name_the_supplier_already_uses(sune, personas):
    make_template(personas.sune, name="S-Post Test")
    before = saved_state()
    response = sune.post(CREATE, {**VALID, "name": "s-post test"})
    assert response.status_code == 400
    assert (
        field_error(response, "name")
        == "Der findes allerede et standard leverandørsystem med navnet »s-post test«."
    )
    assert saved_state() == before


def test_create_allows_a_name_another_supplier_uses(sune, personas, tina):
    make_template(tina, name="S-Post Test")
    assert sune.post(CREATE, VALID).status_code == 302


def test_sftp_template_has_no_key_and_the_organisation_brings_its_own(personas):
    template = make_template(
        personas.sune,
        name="S-Fil",
        is_receiver=False,
        protocol=Protocol.SFTP,
        endpoint="",
        receipt_endpoint="",
    )
    key = ed25519_public_key()
    system = system_create(
        actor=actor_of(personas.alice),
        organisation=personas.alice.organisation,
        spec=SystemSpec(name="Fil via S", template_id=template.pk, ssh_public_key=key),
    ).system
    assert (system.protocol, system.ssh_public_key) == (Protocol.SFTP, key)


def test_system_from_template_gets_its_values_and_delegates_to_the_supplier(personas):
    template = make_template(personas.sune)
    system = use_template(personas.alice, template)
    assert system.template == template
    assert system.delegated_cvr == personas.sune.organisation.cvr == "13572461"
    assert system.supplier_name == personas.sune.organisation.name
    for name in ("is_sender", "is_receiver", "protocol", "allowed_ips", "endpoint"):
        assert getattr(system, name) == getattr(template, name), name
    assert (system.contact_name, system.contact_email) == (
        template.contact_name,
        template.contact_email,
    )


def test_edit_shows_the_template_and_saves_changes(sune, personas):
    template = make_template(personas.sune)
    response = sune.get(edit_url(template))
    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "S-Post Integration"
    data = {**VALID, "name": "S-Post Integration", "description": "Ny tekst"}
    assert sune.post(edit_url(template), data).status_code == 302
    template.refresh_from_db()
    assert template.description == "Ny tekst"
    entry = template_log().get(object_id=str(template.pk), field="Beskrivelse", before="")
    assert entry.after == "Ny tekst"


def test_edit_refuses_bad_input_and_saves_nothing(sune, personas):
    template = make_template(personas.sune)
    before = saved_state()
    response = sune.post(edit_url(template), {**VALID, "endpoint": "http://x.example/ind"})
    assert response.status_code == 400
    assert field_error(response, "endpoint") == NOT_HTTPS
    assert saved_state() == before


def test_supplier_changes_follow_to_systems_made_from_the_template(sune, personas):
    template = make_template(personas.sune)
    alice_system = use_template(personas.alice, template)
    birgitte_system = use_template(personas.birgitte, template, name="Virksomhedens S-Post")
    data = {**VALID, "name": "S-Post Integration", "ips": NEW_SUPPLIER_IP}
    response = sune.post(edit_url(template), data)
    assert response.status_code == 302
    for system in (alice_system, birgitte_system):
        updated = MailSystem.objects.get(pk=system.pk)
        assert updated.allowed_ips == [NEW_SUPPLIER_IP]
        assert updated.version == system.version + 1
        entry = template_log().get(
            object_id=str(system.pk), field="IP-adresser", event="Ændret af systemleverandøren"
        )
        assert (entry.before, entry.after) == (SUPPLIER_IP, NEW_SUPPLIER_IP)
        assert entry.organisation_id == system.organisation_id
        assert entry.actor == "CVR:13572461-RID:4001"
        assert entry.power_of_attorney == "13572461"


def test_a_followed_change_decides_who_may_call(personas):
    template = make_template(personas.sune)
    created = system_create(
        actor=actor_of(personas.alice),
        organisation=personas.alice.organisation,
        spec=SystemSpec(name="Borgerservice via S", template_id=template.pk),
    )
    assert authenticate_system(created.api_key, SUPPLIER_IP, now())
    template_update(
        actor=actor_of(personas.sune),
        template=template,
        spec=spec(allowed_ips=(NEW_SUPPLIER_IP,)),
    )
    assert authenticate_system(created.api_key, NEW_SUPPLIER_IP, now())
    assert not authenticate_system(created.api_key, SUPPLIER_IP, now())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"protocol": "REST_PULL"}, "protocol"), ({"types": ["sender"]}, "types")],
    ids=["protocol", "types"],
)
def test_type_and_protocol_are_fixed_while_systems_use_the_template(
    sune, personas, overrides, field
):
    template = make_template(personas.sune)
    use_template(personas.alice, template)
    response = sune.get(edit_url(template))
    assert response.context["form"].fields[field].disabled
    # Posting a changed value anyway changes nothing: the disabled field keeps its value.
    assert (
        sune.post(edit_url(template), {**VALID, "name": template.name, **overrides}).status_code
        == 302
    )
    template.refresh_from_db()
    assert (template.protocol, template.is_sender, template.is_receiver) == (
        Protocol.REST_PUSH,
        True,
        True,
    )


@pytest.mark.parametrize(
    "overrides",
    [{"protocol": Protocol.REST_PULL}, {"is_receiver": False, "endpoint": ""}],
    ids=["protocol", "types"],
)
def test_service_refuses_type_or_protocol_change_while_in_use(personas, overrides):
    template = make_template(personas.sune)
    use_template(personas.alice, template)
    before = saved_state()
    with pytest.raises(SystemRuleError, match="Type og protokol kan ikke ændres, fordi 1 system"):
        template_update(actor=actor_of(personas.sune), template=template, spec=spec(**overrides))
    assert saved_state() == before


def test_type_and_protocol_can_change_while_unused(personas):
    template = make_template(personas.sune)
    updated = template_update(
        actor=actor_of(personas.sune),
        template=template,
        spec=spec(is_sender=False, protocol=Protocol.REST_PULL, endpoint="", receipt_endpoint=""),
    )
    assert (updated.template.protocol, updated.template.is_sender) == (Protocol.REST_PULL, False)
    assert updated.systems_updated == 0


def test_unpublish_and_publish_from_the_list(sune, personas):
    template = make_template(personas.sune)
    assert sune.post(LIST, {"template": template.pk, "publish": "0"}).status_code == 302
    template.refresh_from_db()
    assert not template.is_published
    entry = template_log().get(
        object_id=str(template.pk), event="Standard leverandørsystem trukket tilbage"
    )
    assert entry.field == "Udgivet"
    assert (entry.before, entry.after) == ("Ja", "Nej")
    # An unpublished template cannot be chosen for a new system.
    with pytest.raises(SystemRuleError, match="findes ikke længere"):
        use_template(personas.alice, template)
    assert sune.post(LIST, {"template": template.pk, "publish": "1"}).status_code == 302
    template.refresh_from_db()
    assert template.is_published


def test_delete_asks_first_then_deletes_an_unused_template(sune, personas):
    template = make_template(personas.sune)
    response = sune.get(delete_url(template))
    assert response.status_code == 200
    assert "Vil du slette standard leverandørsystemet »S-Post Integration«?" in (
        response.content.decode()
    )
    assert SystemTemplate.objects.filter(pk=template.pk).exists()
    assert sune.post(delete_url(template)).status_code == 302
    assert not SystemTemplate.objects.filter(pk=template.pk).exists()
    entry = template_log().get(
        object_id=str(template.pk), event="Standard leverandørsystem slettet"
    )
    assert (entry.before, entry.after) == ("S-Post Integration", "")


def test_delete_is_refused_while_systems_use_the_template(sune, personas):
    template = make_template(personas.sune)
    system = use_template(personas.alice, template)
    page = sune.get(delete_url(template)).content.decode()
    assert "»S-Post Integration« kan ikke slettes" in page
    before = saved_state()
    response = sune.post(delete_url(template), follow=True)
    assert (
        "Standard leverandørsystemet bruges af 1 system og kan ikke slettes."
        in response.content.decode()
    )
    assert saved_state() == before
    assert MailSystem.objects.get(pk=system.pk).template_id == template.pk


def test_service_delete_of_template_in_use_saves_nothing(personas):
    template = make_template(personas.sune)
    use_template(personas.alice, template)
    before = saved_state()
    with pytest.raises(SystemRuleError):
        template_delete(actor=actor_of(personas.sune), template=template)
    assert saved_state() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [edit_url, delete_url], ids=["edit", "delete"])
def test_another_suppliers_template_answers_404(sune, personas, tina, method, url):
    theirs = make_template(tina, name="T-Postkasse")
    before = saved_state()
    assert_tenant_isolated(sune, url(theirs), method=method, data=VALID)
    assert saved_state() == before


def test_publishing_another_suppliers_template_answers_404(sune, personas, tina):
    theirs = make_template(tina, name="T-Postkasse")
    assert_tenant_isolated(sune, LIST, method="post", data={"template": theirs.pk, "publish": "0"})
    theirs.refresh_from_db()
    assert theirs.is_published


SERVICE_REFUSALS = [
    ("empty-name", {"name": "  "}, "name", "Giv standard leverandørsystemet et navn."),
    ("long-description", {"description": "x" * 251}, "description", "højst være 250 tegn"),
    ("no-type", {"is_sender": False, "is_receiver": False}, "types", "Vælg, om systemet"),
    (
        "bad-combination",
        {"is_receiver": False, "protocol": Protocol.REST_PUBLISH_SUBSCRIBE},
        "protocol",
        "Protokollen kan ikke bruges til denne type system.",
    ),
    ("no-ips", {"allowed_ips": ()}, "ips", "Angiv mindst én IP-adresse eller én IP-range."),
    (
        "33-ips",
        {"allowed_ips": tuple(f"192.0.2.{i}" for i in range(1, 34))},
        "ips",
        "Du kan højst angive 32 IP-adresser (du har angivet 33).",
    ),
    ("bad-ip", {"allowed_ips": ("192.0.2.300",)}, "ips", "»192.0.2.300« er ikke en gyldig"),
    ("http-endpoint", {"endpoint": "http://x.example/ind"}, "endpoint", NOT_HTTPS),
    ("missing-endpoint", {"endpoint": ""}, "endpoint", "Angiv End point."),
    ("bad-email", {"contact_email": "drift@"}, "contact_email", "Indtast en gyldig e-mail"),
    ("bad-phone", {"contact_phone": "12"}, "contact_phone", "Telefonnummeret er ikke gyldigt"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [case[1:] for case in SERVICE_REFUSALS],
    ids=[case[0] for case in SERVICE_REFUSALS],
)
def test_service_refuses_what_the_form_refuses_whoever_calls(personas, overrides, field, message):
    before = saved_state()
    with pytest.raises(SystemRuleError) as refused:
        make_template(personas.sune, **overrides)
    assert refused.value.field == field
    assert message in refused.value.message
    assert saved_state() == before


def test_service_normalises_what_it_stores(personas):
    template = make_template(
        personas.sune, name="  S-Post   Integration ", contact_phone="70203040"
    )
    assert (template.name, template.contact_phone) == ("S-Post Integration", "+45 70 20 30 40")


def test_only_system_suppliers_can_have_templates(personas):
    with pytest.raises(SystemRuleError, match="Kun systemleverandører"):
        make_template(personas.alice)
    assert not SystemTemplate.objects.exists()
