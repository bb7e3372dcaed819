"""Frozen clock: a company exempted on 2026-03-05 is exempt until 2028-11-01 00:00 Danish time
and the job run at that moment ends it, logged as System (SPEC §6)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from adgang.audit.models import ActionLogEntry
from adgang.core.scheduler import _registry
from adgang.exemptions.models import Exemption, LiftCause
from adgang.exemptions.selectors import is_exempt
from adgang.exemptions.tasks import exemptions_apply_schedule_task
from adgang.registers import demo as register_demo
from tests.exemptions.helpers import exempt_company

CPH = ZoneInfo("Europe/Copenhagen")
CVR = register_demo.VIRKSOMHED_B.cvr


def test_company_exemption_expires_at_midnight_on_1_november(personas, time_machine):
    time_machine.move_to(datetime(2026, 3, 5, 11, 30, tzinfo=CPH), tick=False)
    exemption = exempt_company(personas.erik)
    assert exemption.expires_on == date(2028, 11, 1)

    time_machine.move_to(datetime(2028, 10, 31, 23, 59, tzinfo=CPH), tick=False)
    assert is_exempt("CVR", CVR)
    exemptions_apply_schedule_task.call()
    exemption.refresh_from_db()
    assert exemption.lifted_at is None
    assert not ActionLogEntry.objects.filter(event="Fritagelse udløbet").exists()

    time_machine.move_to(datetime(2028, 11, 1, 0, 0, tzinfo=CPH), tick=False)
    assert not is_exempt("CVR", CVR)
    exemptions_apply_schedule_task.call()
    exemption.refresh_from_db()
    assert exemption.lifted_at == datetime(2028, 11, 1, 0, 0, tzinfo=CPH)
    assert exemption.lift_cause == LiftCause.EXPIRED
    assert exemption.lifted_by == "System"
    entry = ActionLogEntry.objects.get(event="Fritagelse udløbet")
    assert entry.actor == "System"
    assert (entry.field, entry.before, entry.after) == ("Fritaget", "Ja", "Nej")
    assert entry.concerns == CVR
    assert entry.object_name == register_demo.VIRKSOMHED_B.name

    # A later run changes nothing more.
    time_machine.move_to(datetime(2028, 11, 1, 0, 5, tzinfo=CPH), tick=False)
    exemptions_apply_schedule_task.call()
    assert ActionLogEntry.objects.filter(event="Fritagelse udløbet").count() == 1
    assert Exemption.objects.get().lifted_at == datetime(2028, 11, 1, 0, 0, tzinfo=CPH)


def test_the_job_is_registered_to_run_every_five_minutes():
    job = _registry["exemptions.apply_schedule"]
    assert job.every == timedelta(minutes=5)
    assert job.task is exemptions_apply_schedule_task
