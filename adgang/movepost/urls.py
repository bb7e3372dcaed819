from django.urls import path

from adgang.movepost import views

app_name = "movepost"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("historik/", views.history, name="history"),
    path("ny/", views.move_new, name="new"),
    path("opsummering/", views.summary, name="summary"),
    path("kvittering/<str:token>/", views.receipt, name="receipt"),
    path("kvittering/<str:token>/pdf/", views.receipt_download, name="receipt-pdf"),
]
