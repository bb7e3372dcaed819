"""The contract the Adgang helper relies on: `exemption_lift` (SPEC §6, §8)."""

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.exemptions.selectors import exemption_in_force, is_exempt
from adgang.exemptions.services import ExemptionNotInForce, exemption_lift
from adgang.registers import demo as register_demo
from tests.exemptions.helpers import actor_of, exempt_citizen, exempt_company

CPR = register_demo.CITIZEN.cpr


def test_lift_ends_the_exemption_and_logs_it(personas):
    exemption = exempt_citizen(personas.bob)
    assert is_exempt("CPR", CPR)
    lifted = exemption_lift(
        actor=actor_of(personas.bob),
        organisation=personas.bob.organisation,
        exemption=exemption,
        by_proxy=True,
    )
    assert lifted.lifted_at is not None
    assert lifted.lifted_by_organisation == personas.bob.organisation
    assert exemption_in_force("CPR", CPR) is None
    entry = ActionLogEntry.objects.get(event="Fritagelse ophævet")
    assert entry.subject == Subject.FRITAGELSE
    assert (entry.field, entry.before, entry.after) == ("Fritaget", "Ja", "Nej")
    assert entry.power_of_attorney == "Ja"
    assert entry.concerns == CPR
    assert entry.object_name == register_demo.CITIZEN.name
    assert entry.actor == personas.bob.actor_id


def test_lifting_twice_gives_the_danish_message_and_no_second_entry(personas):
    exemption = exempt_citizen(personas.bob)
    args = {
        "actor": actor_of(personas.bob),
        "organisation": personas.bob.organisation,
        "by_proxy": False,
    }
    exemption_lift(exemption=exemption, **args)
    with pytest.raises(ExemptionNotInForce) as raised:
        exemption_lift(exemption=exemption, **args)  # the stale object of another tab
    assert "ikke længere aktiv" in raised.value.message
    assert ActionLogEntry.objects.filter(event="Fritagelse ophævet").count() == 1


def test_lift_works_for_a_company(personas):
    exemption = exempt_company(personas.erik)
    exemption_lift(
        actor=actor_of(personas.erik),
        organisation=personas.erik.organisation,
        exemption=exemption,
        by_proxy=False,
    )
    assert not is_exempt("CVR", register_demo.VIRKSOMHED_B.cvr)
