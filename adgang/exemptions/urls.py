app_name = "exemptions"

urlpatterns: list = []
