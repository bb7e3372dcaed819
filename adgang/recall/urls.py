app_name = "recall"

urlpatterns: list = []
