"""The forms of Flyt post (guide §15.3): which post, its destination, and the summary's
acknowledgement. The rules live in services.move_check; the forms put its messages next to
their fields (and the service checks them again at "Start")."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.movepost import selectors
from adgang.movepost.models import Destination
from adgang.movepost.services import (
    INACTIVE_POINT,
    NO_ACKNOWLEDGEMENT,
    NO_DESTINATION,
    NO_FAILOVER,
    NO_POINT,
    PERIOD_REVERSED,
    UNKNOWN_POINT,
    MoveRequest,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SCOPE_ALL, SCOPE_PERIOD = "all", "period"
REQUIRED_DATE = _("Angiv en dato.")
REQUIRED_TIME = _("Angiv et tidspunkt.")
NO_SCOPE = _("Vælg hvilken post, der skal flyttes.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def danish_moment(day, at: time, *, last: bool = False) -> datetime:
    """A Danish date and minute as an aware moment; `last` gives the minute's last
    microsecond (the period's end minute is included)."""
    moment = datetime.combine(day, at.replace(second=0, microsecond=0), tzinfo=COPENHAGEN)
    if last:
        moment += timedelta(minutes=1, microseconds=-1)
    return moment


class MoveForm(forms.Form):
    """Step 2–3 of guide §15.3 on one page: the post to move and its destination."""

    scope = forms.ChoiceField(
        label=_("Vælg hvilken post, der skal flyttes"),
        help_text=_(
            "Du kan vælge enten at flytte et udsnit af eller al den post, som fremgår på Virk, "
            "e-Boks og mit.dk."
        ),
        choices=[
            (SCOPE_ALL, _("Jeg ønsker at flytte al posten")),
            (SCOPE_PERIOD, _("Jeg ønsker at flytte et udvalg af post")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": NO_SCOPE},
    )
    start_date = forms.DateField(
        label=_("Starttidspunkt – dato"), required=False, widget=DateInput()
    )
    start_time = forms.TimeField(
        label=_("Starttidspunkt – tid"), required=False, widget=TimeInput()
    )
    end_date = forms.DateField(label=_("Sluttidspunkt – dato"), required=False, widget=DateInput())
    end_time = forms.TimeField(label=_("Sluttidspunkt – tid"), required=False, widget=TimeInput())
    destination = forms.ChoiceField(
        label=_("Vælg postens destination"),
        help_text=_(
            "Du kan flytte posten til et selvvalgt kontaktpunkt eller til dets opmærkede "
            "kontaktpunkt."
        ),
        choices=[
            (Destination.CHOSEN, _("Posten skal flyttes til et selvvalgt kontaktpunkt")),
            (Destination.MARKED, _("Posten skal flyttes til dets opmærkede kontaktpunkt")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": NO_DESTINATION, "invalid_choice": NO_DESTINATION},
    )
    point = forms.CharField(
        label=_("Vælg kontaktpunkt"),
        help_text=_("Vælg hvilket kontaktpunkt, som posten skal flyttes til."),
        required=False,
        widget=forms.Select,
    )
    failover = forms.CharField(
        label=_("Vælg failover-kontaktpunkt"),
        help_text=_(
            "Hvis det ikke er muligt at flytte posten til dets opmærkede kontaktpunkt, vil "
            "posten i stedet blive flyttet til den valgte failover destination."
        ),
        required=False,
        widget=forms.Select,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        choices = [("", _("Vælg kontaktpunkt"))] + [
            (str(point.pk), f"{point.name} ({point.pk})")
            for point in selectors.destination_points(organisation)
        ]
        self.fields["point"].widget.choices = choices
        self.fields["failover"].widget.choices = choices
        # Needed for one choice on the page (checked in clean()), so not "(frivilligt)".
        for name in ("start_date", "start_time", "end_date", "end_time", "point", "failover"):
            self.fields[name].needed_when_shown = True

    def clean(self):
        data = super().clean()
        if data.get("scope") == SCOPE_PERIOD:
            for name, message in (
                ("start_date", REQUIRED_DATE),
                ("start_time", REQUIRED_TIME),
                ("end_date", REQUIRED_DATE),
                ("end_time", REQUIRED_TIME),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
            if not self.errors:
                start = danish_moment(data["start_date"], data["start_time"])
                end = danish_moment(data["end_date"], data["end_time"])
                if end < start:
                    self.add_error("end_date", PERIOD_REVERSED)
                else:
                    data["period_start"] = start
                    data["period_end"] = danish_moment(
                        data["end_date"], data["end_time"], last=True
                    )
        destination = data.get("destination")
        if destination:
            field = "point" if destination == Destination.CHOSEN else "failover"
            self._point_check(field, NO_POINT if field == "point" else NO_FAILOVER)
        return data

    def _point_check(self, field: str, missing) -> None:
        from adgang.contacts.selectors import point_available

        value = self.cleaned_data.get(field)
        if not value:
            self.add_error(field, missing)
            return
        point = selectors.point_find(self.organisation, value)
        if point is None:
            self.add_error(field, UNKNOWN_POINT)
        elif not point_available(point):
            self.add_error(field, INACTIVE_POINT)

    def move_request(self, *, acknowledged: bool) -> MoveRequest:
        data = self.cleaned_data
        destination = data["destination"]
        return MoveRequest(
            destination=destination,
            point_id=data["point"] if destination == Destination.CHOSEN else data["failover"],
            acknowledged=acknowledged,
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
        )


class ConfirmForm(forms.Form):
    """Step 4: the required acknowledgement."""

    acknowledged = forms.BooleanField(
        label=_(
            "Jeg er indforstået med, at posten vil blive slettet fra Virk, e-Boks og mit.dk i "
            "forbindelse med flytningen."
        ),
        error_messages={"required": NO_ACKNOWLEDGEMENT},
    )
