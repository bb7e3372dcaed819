app_name = "authorityinfo"

urlpatterns: list = []
