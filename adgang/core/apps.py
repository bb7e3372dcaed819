from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "adgang.core"
    label = "core"

    def ready(self) -> None:
        from adgang.core import observability  # noqa: F401 (connects the task-id receivers)
        from adgang.core.scheduler import register_periodic
        from adgang.core.tasks import prune_finished_tasks

        register_periodic(
            "core.prune_finished_tasks", prune_finished_tasks, every=timedelta(days=1)
        )
