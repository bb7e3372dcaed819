"""Background work of Systemtilslutning."""

from django_tasks import task

from adgang.systems.services import systems_apply_schedule


@task()
def systems_apply_schedule_task() -> int:
    """Every minute: record the activations and deactivations that are due (SPEC §3)."""
    return len(systems_apply_schedule())
