from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from stages.views.accueil import Deconnexion

admin.site.site_header = "Stages de responsabilisation — administration"
admin.site.site_title = "Administration"
admin.site.index_title = "Données de référence"

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(), name="connexion"),
    path("deconnexion/", Deconnexion.as_view(), name="deconnexion"),
    path("admin/", admin.site.urls),
    path("convocations/", include("convocations.urls", namespace="convocations")),
    path("paiements/", include("paiements.urls", namespace="paiements")),
    path("questionnaires/", include("questionnaires.urls", namespace="questionnaires")),
    path("", include("stages.urls", namespace="stages")),
]
