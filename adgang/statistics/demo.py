"""Demo data of Statistik (`manage.py demo`): Sofie Schmidt (Kommune A) subscribes to two
standard reports and has ordered one custom report; the versions due today are produced from
the demo traffic at once. Idempotent: existing orders are kept."""

from datetime import timedelta

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.core.clock import today
from adgang.statistics import reports, services
from adgang.statistics.models import Interval, Report, ReportType, StandardKind

ORDERER = ("A", "1006")  # Sofie Schmidt, Statistikadministrator
STANDARD = (
    (StandardKind.OVERVIEW, Interval.QUARTERLY),
    (StandardKind.SENT_RECEIVED, Interval.MONTHLY),
)
CUSTOM_NAME = "Beskedtyper den seneste måned"


def load() -> dict[str, int]:
    org_key, rid = ORDERER
    membership = Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS[org_key][0], rid=rid
    )
    organisation = membership.organisation
    actor = Actor(membership.actor_id, organisation.cvr, membership.rid)
    ordered = 0
    for kind, interval in STANDARD:
        if not Report.objects.filter(organisation=organisation, kind=kind).exists():
            services.report_order_standard(
                actor=actor, organisation=organisation, kind=kind, interval=interval
            )
            ordered += 1
    if not Report.objects.filter(
        organisation=organisation, report_type=ReportType.CUSTOM, name=CUSTOM_NAME
    ).exists():
        end = today() - timedelta(days=1)
        report = services.report_order_custom(
            actor=actor,
            organisation=organisation,
            name=CUSTOM_NAME,
            variables=[reports.AFSENDER, reports.BESKEDTYPE, reports.KUNDETYPE_MODTAGER],
            start=end - timedelta(days=30),
            end=end,
        )
        services.custom_report_produce(report.pk)
        ordered += 1
    produced = services.standard_reports_produce()
    return {"ordered": ordered, "produced": produced}
