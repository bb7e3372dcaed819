app_name = "readaccess"

urlpatterns: list = []
