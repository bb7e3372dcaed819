from django.urls import path

from adgang.recall import views

app_name = "recall"

urlpatterns = [
    path("", views.search, name="search"),
    path("<slug:token>/", views.found, name="found"),
    path("<slug:token>/bekraeft/", views.confirm, name="confirm"),
]
