"""The demo exemptions: made through the services, idempotent."""

from datetime import timedelta

from adgang.audit.models import ActionLogEntry, Subject
from adgang.core.clock import today
from adgang.exemptions import demo
from adgang.exemptions.models import Exemption
from adgang.exemptions.selectors import is_exempt
from adgang.registers import demo as register_demo


def test_demo_load_is_idempotent_and_logged(personas):
    assert demo.load() == {"exemptions": 4}
    assert demo.load() == {"exemptions": 0}
    assert Exemption.objects.count() == 4
    abroad = Exemption.objects.get(number=register_demo.CITIZEN_ABROAD.cpr)
    assert (abroad.reason, abroad.forward_unopened_post) == ("EMIGRATION", False)
    assert is_exempt("CPR", register_demo.CITIZEN_ABROAD.cpr)
    assert not is_exempt("CPR", register_demo.CITIZEN.cpr)  # other demos rely on her
    current, expiring = demo.demo_companies()
    assert is_exempt("CVR", current.cvr)
    soon = Exemption.objects.get(number=expiring.cvr).expires_on
    assert today() < soon <= today() + timedelta(days=30)
    actors = set(
        ActionLogEntry.objects.filter(subject=Subject.FRITAGELSE).values_list("actor", flat=True)
    )
    assert actors == {personas.bob.actor_id}
