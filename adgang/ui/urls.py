from django.urls import path

from adgang.ui import views
from adgang.ui.navigation import SECTIONS

app_name = "ui"

urlpatterns = [
    path("oversigt/", views.overview, name="overview"),
    *(
        path(section.path, views.section_view(section), name=f"section-{section.key}")
        for section in SECTIONS
        if section.url_name == "ui:section"
    ),
]
