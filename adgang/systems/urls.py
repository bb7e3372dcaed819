"""Systemtilslutning at /systemtilslutning/ (SPEC §3, §15: `opret/` creates, `<id>/` details)."""

from django.urls import path

from adgang.systems.views import details, overview, templates, wizard

app_name = "systems"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("download/", overview.overview_download, name="overview-download"),
    path("opret/", wizard.create, name="create"),
    path("opret/<str:step>/", wizard.create, name="create-step"),
    path("standardsystemer/", templates.template_list, name="templates"),
    path("standardsystemer/opret/", templates.template_create, name="template-create"),
    path("standardsystemer/<uuid:pk>/", templates.template_edit, name="template-edit"),
    path("standardsystemer/<uuid:pk>/slet/", templates.template_delete, name="template-delete"),
    path("<uuid:pk>/", details.detail, name="detail"),
    path("<uuid:pk>/pdf/", details.detail_pdf, name="detail-pdf"),
    path("<uuid:pk>/kvittering/", wizard.receipt, name="receipt"),
    path("<uuid:pk>/kvittering/pdf/", wizard.receipt_pdf, name="receipt-pdf"),
    path("<uuid:pk>/rediger/<str:group>/", details.edit, name="edit"),
    path("<uuid:pk>/slet/", details.delete, name="delete"),
    path("<uuid:pk>/primaersystem/", details.make_primary, name="make-primary"),
    path("<uuid:pk>/forny-api-key/", details.renew_key, name="renew-key"),
]
