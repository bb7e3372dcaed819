"""URL configuration. Paths are Danish and fixed by SPEC §15; every view declares its access
(adgang.accounts.access), which tests/test_access_declarations.py enforces."""

from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from adgang.accounts.access import public
from adgang.accounts.oidc import AdgangOIDCAuthenticationRequestView, AdgangOIDCCallbackView
from adgang.core import views as core_views
from adgang.core.metrics import metrics_view
from adgang.messaging.api import api as digital_post_api

handler403 = "adgang.ui.views.handler403"
handler404 = "adgang.ui.views.handler404"
handler500 = "adgang.ui.views.handler500"

urlpatterns = [
    path("", public(RedirectView.as_view(pattern_name="ui:overview")), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path(
        "oidc/authenticate/",
        public(AdgangOIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        public(AdgangOIDCCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("apis/v1/", digital_post_api.urls),
    path("systemtilslutning/", include("adgang.systems.urls")),
    path("kontaktstruktur/", include("adgang.contacts.urls")),
    path("haendelseslog/", include("adgang.eventlog.urls")),
    path("fritagelse/", include("adgang.exemptions.urls")),
    path("nemsms/", include("adgang.nemsms.urls")),
    path("adgang/", include("adgang.readaccess.urls")),
    path("myndighedsinformation/", include("adgang.authorityinfo.urls")),
    path("tilbagekald/", include("adgang.recall.urls")),
    path("flyt-post/", include("adgang.movepost.urls")),
    path("statistik/", include("adgang.statistics.urls")),
    path("", include("adgang.accounts.urls")),
    path("", include("adgang.ui.urls")),
]
