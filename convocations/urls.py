from django.urls import path

from convocations.views import presences, propositions, reponses

app_name = "convocations"

urlpatterns = [
    path("stages/<int:stage_id>/proposition/", propositions.proposition, name="proposition"),
    path("<int:convocation_id>/confirmer/", reponses.convocation_confirmer_vue, name="confirmer"),
    path("<int:convocation_id>/reporter/", reponses.convocation_reporter_vue, name="reporter"),
    path("<int:convocation_id>/annuler/", reponses.convocation_annuler_vue, name="annuler"),
    path("<int:convocation_id>/entretien/", reponses.entretien_ajouter, name="entretien"),
    path("seances/du-jour/", presences.seances_du_jour_vue, name="seances_du_jour"),
    path("seances/<int:seance_id>/", presences.seance_vue, name="seance"),
    path("seances/<int:seance_id>/marquer/", presences.seance_marquer, name="marquer"),
    path("seances/<int:seance_id>/emargement.pdf", presences.seance_feuille, name="feuille"),
]
