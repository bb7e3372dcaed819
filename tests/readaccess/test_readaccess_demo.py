"""`adgang.readaccess.demo.load` (SPEC §15): idempotent, through the services."""

from adgang.audit.models import ActionLogEntry
from adgang.readaccess import demo
from adgang.readaccess.models import ReadAccess
from adgang.readaccess.selectors import giver_at_limit
from adgang.registers import demo as register_demo


def test_demo_load_is_idempotent_and_leaves_one_giver_at_the_limit(personas):
    first = demo.load()
    assert first["accesses created"] == 12
    count = ReadAccess.objects.count()
    logged = ActionLogEntry.objects.filter(subject="Adgang").count()
    assert demo.load()["accesses created"] == 0
    assert ReadAccess.objects.count() == count == 12
    assert ActionLogEntry.objects.filter(subject="Adgang").count() == logged
    givers = set(ReadAccess.objects.values_list("giver__cpr", flat=True))
    assert register_demo.CITIZEN.cpr in givers
    assert sum(giver_at_limit(cpr) for cpr in givers) == 1
    assert {a.actor for a in ActionLogEntry.objects.filter(subject="Adgang")} == {
        "CVR:31415926-RID:1002"
    }
