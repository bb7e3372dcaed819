"""The exemption services: rules re-checked, one transaction, the action log (SPEC §6, §14)."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.exemptions import services
from adgang.exemptions.models import Exemption, Forwarding, LiftCause
from adgang.exemptions.selectors import exemption_in_force, is_exempt
from adgang.exemptions.services import (
    AlreadyExempt,
    ExemptionError,
    ExemptionNotInForce,
    ForwardingChoice,
    ForwardingInvalid,
    exemption_renew,
    exemptions_apply_schedule,
)
from adgang.registers import demo as register_demo
from adgang.registers.types import Address
from tests.exemptions.helpers import actor_of, exempt_citizen, exempt_company

CPH = ZoneInfo("Europe/Copenhagen")
CITIZEN = register_demo.CITIZEN
COMPANY = register_demo.VIRKSOMHED_B
ABROAD = Address("Rue de Rivoli 1", "75001", "Paris", "Frankrig")


def log(**filters):
    return list(
        ActionLogEntry.objects.filter(subject=Subject.FRITAGELSE, **filters)
        .order_by("field")
        .values_list("field", "before", "after")
    )


def test_exempting_a_citizen_logs_each_field_with_reason_and_power_of_attorney(personas):
    exemption = exempt_citizen(
        personas.bob,
        by_proxy=True,
        reason="EMIGRATION",
        forwarding=ForwardingChoice(Forwarding.ALTERNATIVE, ABROAD),
    )
    assert exemption.forward_unopened_post is True
    assert exemption.forward_address["city"] == "Paris"
    assert exemption.organisation == personas.bob.organisation
    assert is_exempt("CPR", CITIZEN.cpr)
    assert log(event="Fritaget") == [
        ("Fritaget", "Nej", "Ja"),
        ("Videresendelse", "", "Alternativ adresse: Rue de Rivoli 1, 75001 Paris, Frankrig"),
    ]
    for entry in ActionLogEntry.objects.filter(event="Fritaget"):
        assert entry.reason == "Udrejse"
        assert entry.power_of_attorney == "Ja"
        assert entry.concerns == CITIZEN.cpr
        assert entry.object_name == CITIZEN.name
        assert entry.object_id == str(exemption.pk)
        assert entry.actor == personas.bob.actor_id


def test_exempting_a_company_sets_the_expiry_and_logs_it(personas, time_machine):
    time_machine.move_to(datetime(2026, 3, 5, 10, 0, tzinfo=CPH), tick=False)
    exemption = exempt_company(personas.erik)
    assert exemption.expires_on == date(2028, 11, 1)
    assert exemption.forward_address["street"] == COMPANY.address.street
    assert ("Fritaget indtil", "", "01.11.2028") in log(event="Fritaget")
    assert ActionLogEntry.objects.filter(event="Fritaget").first().power_of_attorney == "Nej"


def test_exempting_someone_already_exempt_is_refused_and_nothing_saved(personas):
    exempt_citizen(personas.bob)
    entries = ActionLogEntry.objects.count()
    with pytest.raises(AlreadyExempt) as raised:
        exempt_citizen(personas.maja)
    assert "allerede fritaget" in raised.value.message
    assert Exemption.objects.count() == 1
    assert ActionLogEntry.objects.count() == entries


def test_a_race_on_the_unique_constraint_becomes_the_clear_message(personas):
    """Two caseworkers at once: both passed the check; the constraint refuses the second."""
    exempt_citizen(personas.bob)
    entries = ActionLogEntry.objects.count()
    with mock.patch.object(services, "_end_due"), pytest.raises(AlreadyExempt):
        exempt_citizen(personas.maja)
    assert Exemption.objects.count() == 1
    assert ActionLogEntry.objects.count() == entries


def test_forwarding_wanted_without_any_address_is_refused(personas):
    with pytest.raises(ForwardingInvalid) as raised:
        exempt_citizen(
            personas.bob,
            person=register_demo.CITIZEN_NO_ADDRESS,
            forwarding=ForwardingChoice(Forwarding.REGISTERED),
        )
    assert "ingen folkeregisteradresse" in raised.value.message
    assert not Exemption.objects.exists()
    assert not ActionLogEntry.objects.filter(subject=Subject.FRITAGELSE).exists()


@pytest.mark.parametrize(
    "address",
    [
        None,
        Address("", "75001", "Paris", "Frankrig"),
        Address("Rue 1", "", "Paris", "Frankrig"),
        Address("Rue 1", "75001", " ", "Frankrig"),
        Address("Rue 1", "75001", "Paris", ""),
    ],
)
def test_an_alternative_address_missing_a_part_is_refused(personas, address):
    with pytest.raises(ForwardingInvalid):
        exempt_citizen(personas.bob, forwarding=ForwardingChoice(Forwarding.ALTERNATIVE, address))
    assert not Exemption.objects.exists()


def test_a_deceased_citizen_cannot_be_exempted(personas):
    with pytest.raises(ExemptionError):
        exempt_citizen(personas.bob, person=register_demo.CITIZEN_DECEASED)
    assert not Exemption.objects.exists()


def test_renewal_computes_the_expiry_from_the_renewal_date(personas, time_machine):
    time_machine.move_to(datetime(2026, 3, 5, 10, 0, tzinfo=CPH), tick=False)
    exemption = exempt_company(personas.erik)
    time_machine.move_to(datetime(2027, 6, 1, 10, 0, tzinfo=CPH), tick=False)
    renewed = exemption_renew(
        actor=actor_of(personas.erik),
        organisation=personas.erik.organisation,
        exemption=exemption,
        by_proxy=True,
    )
    assert renewed.expires_on == date(2029, 11, 1)
    entry = ActionLogEntry.objects.get(event="Fritagelse fornyet")
    assert (entry.field, entry.before, entry.after) == (
        "Fritaget indtil",
        "01.11.2028",
        "01.11.2029",
    )
    assert entry.power_of_attorney == "Ja"
    assert exemption_in_force("CVR", COMPANY.cvr, on=date(2029, 10, 31)) is not None


def test_an_expired_company_exemption_can_be_neither_renewed_nor_lifted(personas, time_machine):
    time_machine.move_to(datetime(2026, 3, 5, 10, 0, tzinfo=CPH), tick=False)
    exemption = exempt_company(personas.erik)
    time_machine.move_to(datetime(2028, 11, 1, 0, 0, tzinfo=CPH), tick=False)
    with pytest.raises(ExemptionNotInForce):
        exemption_renew(
            actor=actor_of(personas.erik),
            organisation=personas.erik.organisation,
            exemption=exemption,
            by_proxy=False,
        )
    exemption.refresh_from_db()
    assert exemption.lift_cause == LiftCause.EXPIRED  # the refusal recorded the expiry
    assert not ActionLogEntry.objects.filter(event="Fritagelse fornyet").exists()


def test_a_company_whose_exemption_expired_can_be_exempted_again_before_the_job_ran(
    personas, time_machine
):
    time_machine.move_to(datetime(2026, 3, 5, 10, 0, tzinfo=CPH), tick=False)
    first = exempt_company(personas.erik)
    time_machine.move_to(datetime(2028, 11, 2, 9, 0, tzinfo=CPH), tick=False)
    second = exempt_company(personas.erik)
    first.refresh_from_db()
    assert first.lifted_at == datetime(2028, 11, 1, 0, 0, tzinfo=CPH)
    assert second.expires_on == date(2030, 11, 1)


def test_the_job_re_enrols_an_emigrated_citizen_who_has_returned(personas, settings):
    exempt_citizen(personas.bob, reason="EMIGRATION")  # CITIZEN has a Danish address
    other = exempt_citizen(personas.bob, person=register_demo.CITIZEN_ABROAD, reason="EMIGRATION")
    assert exemptions_apply_schedule() == 1
    assert not is_exempt("CPR", CITIZEN.cpr)
    assert is_exempt("CPR", register_demo.CITIZEN_ABROAD.cpr)  # still abroad
    entry = ActionLogEntry.objects.get(event="Fritagelse ophævet ved indrejse")
    assert entry.actor == "System"
    assert (entry.field, entry.before, entry.after) == ("Fritaget", "Ja", "Nej")
    assert entry.concerns == CITIZEN.cpr
    other.refresh_from_db()
    assert other.lifted_at is None


def test_the_job_leaves_a_citizen_exempted_for_another_reason(personas):
    exempt_citizen(personas.bob, reason="OTHER")
    assert exemptions_apply_schedule() == 0
    assert is_exempt("CPR", CITIZEN.cpr)
