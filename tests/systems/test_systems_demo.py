"""Demo systems (SPEC §15 `manage.py demo`): every protocol for Kommune A and Virksomhed B,
two suppliers with published standard systems, and nothing duplicated on a second run."""

from io import StringIO

import pytest
from django.core.management import call_command

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership, Organisation
from adgang.audit.models import ActionLogEntry, Subject
from adgang.systems import demo, selectors, validation
from adgang.systems.models import MailSystem, Protocol, SystemState, SystemTemplate
from adgang.systems.rules import COMBINATIONS, types_of

KOMMUNE_A, KOMMUNE_M = accounts_demo.ORGANISATIONS["A"][0], accounts_demo.ORGANISATIONS["M"][0]
VIRKSOMHED_B = accounts_demo.ORGANISATIONS["B"][0]


@pytest.fixture
def loaded(personas):
    demo.load()


def systems_of(cvr: str):
    return MailSystem.objects.alive().filter(organisation__cvr=cvr)


def everything() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "templates": SystemTemplate.objects.count(),
        "systems": MailSystem.objects.count(),
        "log": ActionLogEntry.objects.count(),
    }


@pytest.mark.django_db
def test_demo_command_twice_adds_nothing():
    call_command("demo", stdout=StringIO())
    first = everything()
    assert first["systems"] > 0 and first["templates"] > 0
    out = StringIO()
    call_command("demo", stdout=out)
    assert everything() == first
    assert "adgang.systems.demo.load: templates: 0, systems: 0" in out.getvalue()


def test_load_twice_returns_nothing_new(loaded):
    assert demo.load() == {"templates": 0, "systems": 0}


@pytest.mark.parametrize("cvr", [KOMMUNE_A, VIRKSOMHED_B], ids=["kommune-a", "virksomhed-b"])
def test_demo_has_every_protocol(loaded, cvr):
    assert set(systems_of(cvr).values_list("protocol", flat=True)) == set(Protocol.values)


def test_demo_has_every_combination_of_the_table(loaded):
    present = {
        (types_of(is_sender=s.is_sender, is_receiver=s.is_receiver), s.protocol)
        for s in MailSystem.objects.alive()
    }
    assert present == set(COMBINATIONS)


def test_kommune_a_covers_the_listed_cases(loaded):
    systems = {s.name: s for s in systems_of(KOMMUNE_A)}
    primary = systems["Fagsystem Modtager"]
    assert (primary.is_primary, primary.is_receiver, primary.protocol) == (
        True,
        True,
        Protocol.REST_PULL,
    )
    assert [s.name for s in systems.values() if s.is_primary] == ["Fagsystem Modtager"]
    assert systems["Nyt sagssystem"].state == SystemState.AWAITING
    later = systems["Udfaset fagsystem"]
    assert later.state == SystemState.ACTIVE and later.active_to is not None
    assert systems["Testsystem (ikke aktiveret)"].state == SystemState.NOT_ACTIVATED
    sftp = systems["Filafsender SFTP"]
    assert sftp.ssh_public_key == demo.SSH_KEY_KOMMUNE_A
    both = systems["ESDH Afsender og modtager"]
    assert (both.is_sender, both.is_receiver, both.protocol) == (True, True, Protocol.REST_PUSH)


def test_kommune_m_has_one_receiver(loaded):
    receivers = systems_of(KOMMUNE_M).filter(is_receiver=True)
    assert receivers.count() == 1
    assert receivers.get().is_primary


def test_virksomhed_b_has_exactly_one_receiver(loaded):
    assert systems_of(VIRKSOMHED_B).filter(is_receiver=True).count() == 1
    assert not systems_of(VIRKSOMHED_B).filter(is_primary=True).exists()


def test_two_suppliers_publish_at_least_two_templates_each(loaded):
    suppliers = list(selectors.suppliers_with_templates())
    assert {s.cvr for s in suppliers} >= {
        accounts_demo.ORGANISATIONS["S"][0],
        accounts_demo.ORGANISATIONS["T"][0],
    }
    for supplier in suppliers:
        assert selectors.templates_of(supplier).filter(is_published=True).count() >= 2


def test_systems_from_templates_delegate_to_their_supplier(loaded):
    from_templates = MailSystem.objects.alive().filter(template__isnull=False)
    assert {s.organisation.cvr for s in from_templates} >= {KOMMUNE_A, VIRKSOMHED_B}
    for system in from_templates.select_related("template__supplier"):
        assert system.delegated_cvr == system.template.supplier.cvr
        assert system.allowed_ips == system.template.allowed_ips
        assert system.ip_range == system.template.ip_range


def test_demo_values_pass_the_wizards_checks_in_production(loaded, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    for system in MailSystem.objects.alive():
        assert validation.parse_allowed_ips(" ".join(system.ip_list)).as_list == system.ip_list
        for url, what in ((system.endpoint, "End point"), (system.receipt_endpoint, "Kvittering")):
            if url:
                assert validation.validate_https_url(url, what=what) == url
        if system.protocol == Protocol.SFTP:
            assert validation.validate_ssh_public_key(system.ssh_public_key)
        assert validation.validate_phone(system.contact_phone) == system.contact_phone


def test_each_organisations_admin_is_logged_as_creator(loaded):
    entries = ActionLogEntry.objects.filter(subject=Subject.SYSTEM, event="Oprettet")
    by_org = {(e.organisation.cvr, e.actor) for e in entries.select_related("organisation")}
    assert (KOMMUNE_A, f"CVR:{KOMMUNE_A}-RID:1001") in by_org
    assert (VIRKSOMHED_B, f"CVR:{VIRKSOMHED_B}-RID:3001") in by_org
    assert {actor for _cvr, actor in by_org} == {
        f"CVR:{KOMMUNE_A}-RID:1001",
        f"CVR:{KOMMUNE_M}-RID:2001",
        f"CVR:{VIRKSOMHED_B}-RID:3001",
    }
