app_name = "postmoves"

urlpatterns: list = []
