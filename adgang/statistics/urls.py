from django.urls import path

from adgang.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("bestil/standardrapport/", views.order_standard, name="order-standard"),
    path("bestil/brugerdefineret/", views.order_custom, name="order-custom"),
    path("<uuid:report_id>/", views.detail, name="detail"),
    path("<uuid:report_id>/download/", views.download, name="download"),
    path("<uuid:report_id>/opsig/", views.cancel, name="cancel"),
]
