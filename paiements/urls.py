app_name = "paiements"

urlpatterns = []
