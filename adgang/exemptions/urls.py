from django.urls import path

from adgang.exemptions import views

app_name = "exemptions"

urlpatterns = [
    path("borger/", views.citizen, name="citizen"),
    path("borger/<str:token>/", views.citizen_case, name="citizen-case"),
    path("borger/<str:token>/opsummering/", views.citizen_summary, name="citizen-summary"),
    path("virksomhed/", views.company, name="company"),
    path("virksomhed/<str:token>/", views.company_case, name="company-case"),
    path("virksomhed/<str:token>/opsummering/", views.company_summary, name="company-summary"),
    path("kvittering/<str:token>/", views.receipt, name="receipt"),
    path("kvittering/<str:token>/pdf/", views.receipt_pdf, name="receipt-pdf"),
]
