"""Kontaktstruktur at /kontaktstruktur/ (SPEC §4, guide §6): authorities only."""

from django.urls import path

from adgang.contacts.views import deletion, groups, overview, points, transfer

app_name = "contacts"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("gruppe/opret/", groups.group_create, name="group-create"),
    path("gruppe/<uuid:pk>/", groups.group_detail, name="group-detail"),
    path("gruppe/<uuid:pk>/rediger/", groups.group_edit, name="group-edit"),
    path("gruppe/<uuid:pk>/slet/", deletion.group_delete, name="group-delete"),
    path("sletning/<uuid:pk>/", deletion.deletion_progress, name="deletion-progress"),
    path("kontaktpunkt/opret/", points.point_create, name="point-create"),
    path("kontaktpunkt/opret/<str:step>/", points.point_create, name="point-create-step"),
    path("kontaktpunkt/<uuid:pk>/", points.point_detail, name="point-detail"),
    path("kontaktpunkt/<uuid:pk>/rediger/", points.point_edit, name="point-edit"),
    path("kontaktpunkt/<uuid:pk>/rediger/<str:step>/", points.point_edit, name="point-edit-step"),
    path("kontaktpunkt/<uuid:pk>/kvittering/", points.point_receipt, name="point-receipt"),
    path("kontaktpunkt/<uuid:pk>/qr/<str:target>.<str:fmt>", points.point_qr, name="point-qr"),
    path("kontaktpunkt/<uuid:pk>/slet/", points.point_delete, name="point-delete"),
    path("eksport/", transfer.export, name="export"),
    path("import/", transfer.import_upload, name="import"),
    path("import/<uuid:pk>/", transfer.import_review, name="import-review"),
]
