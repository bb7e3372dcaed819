app_name = "recalls"

urlpatterns: list = []
