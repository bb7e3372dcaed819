app_name = "movepost"

urlpatterns: list = []
