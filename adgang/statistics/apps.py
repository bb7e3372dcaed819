from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "adgang.statistics"
    label = "statistics"
    verbose_name = _("Statistik")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.statistics.tasks import statistics_periodic_task

        # Standard report versions are due on the 10th day of the following period and
        # custom reports go 7 days after creation: an hourly run meets both on the day.
        register_periodic("statistics.periodic", statistics_periodic_task, every=timedelta(hours=1))
