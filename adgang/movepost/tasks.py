"""Background work of Flyt post (SPEC §12): the move itself and its recovery after a crash."""

from django_tasks import task

from adgang.movepost.services import post_move_run, post_moves_recover


@task()
def post_move_task(move_id: str) -> str:
    """The worker's entry point for one move (the id as text: task arguments are JSON)."""
    return post_move_run(move_id)


@task()
def post_moves_recover_task() -> int:
    """Every minute: resume the running moves whose worker stopped renewing the lease."""
    return post_moves_recover()
