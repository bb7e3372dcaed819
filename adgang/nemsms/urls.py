app_name = "nemsms"

urlpatterns: list = []
