"""`adgang.nemsms.demo.load()` (SPEC §15 `manage.py demo`): through the services, idempotent."""

from adgang.audit.models import ActionLogEntry, Subject
from adgang.nemsms import demo
from adgang.nemsms.models import NemSmsRegistration, NemSmsState, SmsOutbox
from adgang.nemsms.selectors import nemsms_active, nemsms_registration_live
from adgang.registers import demo as register_demo


def test_demo_signs_up_through_the_services_and_is_idempotent(personas):
    assert demo.load() == {"nemsms": 3}

    mette = nemsms_registration_live("CPR", register_demo.CITIZEN.cpr)
    assert (mette.state, mette.phone) == (NemSmsState.ACTIVE, "+4520304050")
    freja = nemsms_registration_live("CPR", register_demo.CITIZEN_YOUNG.cpr)
    assert (freja.state, freja.phone) == (NemSmsState.PENDING, "+4521222324")
    assert freja.open_confirmation is not None
    assert SmsOutbox.objects.filter(phone="+4521222324").exists()
    assert nemsms_active("CVR", register_demo.VIRKSOMHED_B.cvr)
    events = sorted(
        ActionLogEntry.objects.filter(subject=Subject.NEMSMS).values_list("event", flat=True)
    )
    assert events == ["Tilmelding bekræftet"] * 2 + ["Tilmeldt"] * 3
    assert set(ActionLogEntry.objects.filter(event="Tilmeldt").values_list("actor", flat=True)) == {
        personas.bob.actor_id
    }

    assert demo.load() == {"nemsms": 0}
    assert NemSmsRegistration.objects.count() == 3
