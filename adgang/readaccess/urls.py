"""Adgang at /adgang/ (SPEC §8, guide §10): Borgerservicemedarbejder in an authority.

`<key>` is an opaque session key for the searched giver: no CPR number in any URL.
"""

from django.urls import path

from adgang.readaccess import views

app_name = "readaccess"

urlpatterns = [
    path("", views.giver_search, name="giver"),
    path("borger/<str:key>/", views.giver_detail, name="giver-detail"),
    path("borger/<str:key>/opret/", views.create_holder, name="create-holder"),
    path("borger/<str:key>/opret/adgang/", views.create_details, name="create-details"),
    path("borger/<str:key>/opret/opsummering/", views.create_summary, name="create-summary"),
    path("borger/<str:key>/kvittering/<str:token>/", views.receipt, name="receipt"),
    path("borger/<str:key>/kvittering/<str:token>/pdf/", views.receipt_pdf, name="receipt-pdf"),
    path("borger/<str:key>/ophaev/<uuid:pk>/", views.revoke, name="revoke"),
]
