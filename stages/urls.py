from django.urls import path

from stages.views import accueil, imports, liste, orientations

urlpatterns = [
    path("", accueil.accueil, name="accueil"),
    path("antenne/changer/", accueil.changer_antenne, name="changer_antenne"),
    path("orientations/", liste.liste_attente, name="liste_attente"),
    path("orientations/export.csv", liste.export_liste_csv, name="export_liste_csv"),
    path("orientations/export.xlsx", liste.export_liste_xlsx, name="export_liste_xlsx"),
    path("orientations/<int:orientation_id>/", orientations.orientation, name="orientation"),
    path("orientations/import/", imports.import_orientations, name="import_orientations"),
    path("orientations/import/confirmer/", imports.import_confirmer, name="import_confirmer"),
    path("orientations/nouvelle/", orientations.orientation_nouvelle, name="orientation_nouvelle"),
    path("orientations/<int:orientation_id>/modifier/", orientations.orientation_modifier,
         name="orientation_modifier"),
    path("orientations/<int:orientation_id>/urgence/", orientations.orientation_urgence,
         name="orientation_urgence"),
    path("orientations/<int:orientation_id>/prolonger/", orientations.orientation_prolonger,
         name="orientation_prolonger"),
    path("orientations/<int:orientation_id>/sortir/", orientations.orientation_sortir,
         name="orientation_sortir"),
    path("personnes/doublons/", orientations.doublons, name="doublons"),
    path("prescripteurs/nouveau/", orientations.prescripteur_nouveau, name="prescripteur_nouveau"),
]
