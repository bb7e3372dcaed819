from django.urls import path

from adgang.eventlog import views

app_name = "eventlog"

urlpatterns = [
    path("", views.landing, name="landing"),
    *(path(f"{kind}/", view, name=kind) for kind, view in views.LOG_VIEWS.items()),
    *(
        path(f"{kind}/download/", view, name=f"{kind}-download")
        for kind, view in views.DOWNLOAD_VIEWS.items()
    ),
]
