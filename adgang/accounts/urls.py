from django.urls import path

from adgang.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("skift-kontekst/", views.context_switch_view, name="context-switch"),
    path("testportal/", views.testportal_view, name="testportal"),
]
