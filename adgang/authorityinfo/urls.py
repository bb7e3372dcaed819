"""Myndighedsinformation at /myndighedsinformation/ (SPEC §9, guide §11): authorities only."""

from django.urls import path

from adgang.authorityinfo import views

app_name = "authorityinfo"

urlpatterns = [
    path("", views.page, name="page"),
    path("link/", views.link_edit, name="link"),
    path("link/slet/", views.link_delete, name="link-delete"),
    path("logo/", views.logo_edit, name="logo"),
    path("logo/slet/", views.logo_delete, name="logo-delete"),
    path("logo/<uuid:pk>.png", views.logo_image, name="logo-image"),
]
