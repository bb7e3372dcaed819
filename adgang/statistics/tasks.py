"""Background work of Statistik: custom reports (once, on order), standard report versions
(on the 10th day of the following period) and the 7-day removal of custom reports."""

from django_tasks import task

from adgang.statistics import services


@task()
def custom_report_task(report_id: str) -> str:
    """Produce one ordered custom report (the id as text: task arguments are JSON)."""
    return services.custom_report_produce(report_id)


@task()
def statistics_periodic_task() -> int:
    """Hourly: produce due standard report versions, custom reports whose enqueue was lost,
    and delete custom reports older than 7 days. Returns the number of reports touched."""
    touched = services.standard_reports_produce()
    for report_id in services.custom_reports_pending():
        services.custom_report_produce(report_id)
        touched += 1
    return touched + services.custom_reports_prune()
