from django.urls import path

from convocations.views import avis, envois, presences, propositions, reponses

app_name = "convocations"

urlpatterns = [
    path("stages/<int:stage_id>/proposition/", propositions.proposition, name="proposition"),
    path("<int:convocation_id>/confirmer/", reponses.convocation_confirmer_vue, name="confirmer"),
    path("<int:convocation_id>/reporter/", reponses.convocation_reporter_vue, name="reporter"),
    path("<int:convocation_id>/annuler/", reponses.convocation_annuler_vue, name="annuler"),
    path("<int:convocation_id>/entretien/", reponses.entretien_ajouter, name="entretien"),
    path("lettre/", envois.lettre_modele, name="lettre_modele"),
    path("stages/<int:stage_id>/envois/", envois.stage_envois, name="stage_envois"),
    path("stages/<int:stage_id>/envois/envoyer/", envois.stage_envoyer, name="stage_envoyer"),
    path("stages/<int:stage_id>/envois/lettres.pdf", envois.stage_lettres, name="stage_lettres"),
    path("stages/<int:stage_id>/envois/a-poster.pdf", envois.stage_a_poster, name="stage_a_poster"),
    path("stages/<int:stage_id>/agenda/regenerer/", envois.stage_flux_regenerer, name="stage_flux_regenerer"),
    path("envois/<int:lot_envoi_id>/", envois.lot_suivi, name="lot_suivi"),
    path("<int:convocation_id>/lettre.pdf", envois.convocation_lettre, name="convocation_lettre"),
    path("<int:convocation_id>/convocation.ics", envois.convocation_ics, name="convocation_ics"),
    # No login: a calendar application subscribes to it; the secret token is the access.
    path("agenda/<str:jeton>.ics", envois.flux_stage, name="flux_stage"),
    path("seances/du-jour/", presences.seances_du_jour_vue, name="seances_du_jour"),
    path("seances/<int:seance_id>/", presences.seance_vue, name="seance"),
    path("seances/<int:seance_id>/marquer/", presences.seance_marquer, name="marquer"),
    path("seances/<int:seance_id>/emargement.pdf", presences.seance_feuille, name="feuille"),
    path("echeances/", avis.tableau_echeances, name="echeances"),
    path("orientations/<int:orientation_id>/avis/non-realisation/", avis.avis_non_realisation,
         name="avis_non_realisation"),
    path("orientations/<int:orientation_id>/avis/demande-accord/", avis.avis_demande_accord,
         name="avis_demande_accord"),
    path("orientations/<int:orientation_id>/avis/retour/", avis.avis_retour, name="avis_retour"),
    path("avis/<int:avis_id>/accord/", avis.avis_accord, name="avis_accord"),
    path("avis/<int:avis_id>/avis.pdf", avis.avis_pdf, name="avis_pdf"),
    path("avis/a-poster.pdf", avis.avis_a_poster, name="avis_a_poster"),
]
