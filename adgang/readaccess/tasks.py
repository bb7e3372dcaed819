"""Background work of Adgang (SPEC §8 "Accesses expire by themselves")."""

from django_tasks import task

from adgang.readaccess.services import read_accesses_expire


@task()
def read_accesses_expire_task() -> int:
    """Every 5 minutes: end the accesses whose expiry date has passed (actor System)."""
    return len(read_accesses_expire())
