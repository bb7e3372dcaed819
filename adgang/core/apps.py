from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "adgang.core"
    label = "core"

    def ready(self) -> None:
        from adgang.core import observability  # noqa: F401 (connects the task-id receivers)
        from adgang.core.scheduler import register_periodic
        from adgang.core.tasks import fail_abandoned_tasks, prune_finished_tasks

        register_periodic(
            "core.prune_finished_tasks", prune_finished_tasks, every=timedelta(days=1)
        )
        register_periodic(
            "core.fail_abandoned_tasks", fail_abandoned_tasks, every=timedelta(minutes=10)
        )
