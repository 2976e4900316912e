from django.urls import path

from paiements import views

app_name = "paiements"

urlpatterns = [
    path("orientations/<int:orientation_id>/", views.orientation, name="orientation"),
    path("orientations/<int:orientation_id>/enregistrer/", views.enregistrer, name="enregistrer"),
    path("orientations/<int:orientation_id>/somme-due/", views.somme_due, name="somme_due"),
    path("orientations/<int:orientation_id>/echeancier/", views.echeance_ajouter, name="echeance_ajouter"),
    path("orientations/<int:orientation_id>/echeancier/effacer/", views.echeancier_effacer_vue,
         name="echeancier_effacer"),
    path("<int:paiement_id>/annuler/", views.annuler, name="annuler"),
    path("recus/<int:recu_id>.pdf", views.recu, name="recu"),
    path("stages/<int:stage_id>/soldes/", views.stage_soldes, name="stage_soldes"),
    path("suivi/", views.suivi, name="suivi"),
    path("suivi/paiements.csv", views.suivi_csv, name="suivi_csv"),
    path("suivi/paiements.xlsx", views.suivi_xlsx, name="suivi_xlsx"),
    path("reglages/", views.reglages, name="reglages"),
]
