"""Background work of Fritagelse (SPEC §6: expiry "happens by itself")."""

from django_tasks import task

from adgang.exemptions.services import exemptions_apply_schedule


@task()
def exemptions_apply_schedule_task() -> int:
    """Every few minutes: end expired company exemptions and re-enrol returned citizens."""
    return exemptions_apply_schedule()
