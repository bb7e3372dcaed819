"""NemSMS at /nemsms/ (SPEC §7, §15: `borger/` and `virksomhed/`; `bekraeft/<token>/` is the
link sent by SMS)."""

from django.urls import path

from adgang.nemsms import confirm_views, views

app_name = "nemsms"


def _audience_patterns(prefix: str, audience: views.Audience) -> list:
    name = audience.name
    return [
        path(f"{prefix}/", views.search_view(audience), name=name),
        path(
            f"{prefix}/kvittering/<str:token>/",
            views.receipt_view(audience),
            name=f"{name}-receipt",
        ),
        path(
            f"{prefix}/kvittering/<str:token>/pdf/",
            views.receipt_pdf_view(audience),
            name=f"{name}-receipt-pdf",
        ),
        path(f"{prefix}/<str:key>/", views.subject_view(audience), name=f"{name}-subject"),
        path(
            f"{prefix}/<str:key>/tilmeld/",
            views.phone_view(audience, views.SIGNUP),
            name=f"{name}-signup",
        ),
        path(
            f"{prefix}/<str:key>/tilmeld/opsummering/",
            views.summary_view(audience, views.SIGNUP),
            name=f"{name}-signup-summary",
        ),
        path(
            f"{prefix}/<str:key>/skift-nummer/",
            views.phone_view(audience, views.CHANGE),
            name=f"{name}-change",
        ),
        path(
            f"{prefix}/<str:key>/skift-nummer/opsummering/",
            views.summary_view(audience, views.CHANGE),
            name=f"{name}-change-summary",
        ),
        path(
            f"{prefix}/<str:key>/frameld/",
            views.summary_view(audience, views.CANCEL),
            name=f"{name}-cancel-summary",
        ),
        path(f"{prefix}/<str:key>/send-link/", views.resend_view(audience), name=f"{name}-resend"),
    ]


urlpatterns = [
    *_audience_patterns("borger", views.CITIZEN),
    *_audience_patterns("virksomhed", views.COMPANY),
    path("bekraeft/<str:token>/", confirm_views.confirm, name="confirm"),
]
