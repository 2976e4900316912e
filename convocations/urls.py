from django.urls import path

from convocations.views import attestations, envois, presences, propositions, rattrapages, reponses

app_name = "convocations"

urlpatterns = [
    path("stages/<int:stage_id>/proposition/", propositions.proposition, name="proposition"),
    path("<int:convocation_id>/confirmer/", reponses.convocation_confirmer_vue, name="confirmer"),
    path("<int:convocation_id>/reporter/", reponses.convocation_reporter_vue, name="reporter"),
    path("<int:convocation_id>/annuler/", reponses.convocation_annuler_vue, name="annuler"),
    path("<int:convocation_id>/entretien/", reponses.entretien_ajouter, name="entretien"),
    path("<int:convocation_id>/rattrapage/", rattrapages.rattrapage_programmer_vue, name="rattrapage"),
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
    path("seances/<int:seance_id>/synchroniser/", presences.seance_synchroniser, name="synchroniser"),
    path("seances/<int:seance_id>/emargement.pdf", presences.seance_feuille, name="feuille"),
    path("<int:convocation_id>/entretien-bilan/", reponses.entretien_bilan_ajouter, name="entretien_bilan"),
    path("stages/<int:stage_id>/attestations/", attestations.stage_attestations, name="stage_attestations"),
    path("stages/<int:stage_id>/attestations/envoyer/", attestations.stage_attestations_envoyer,
         name="stage_attestations_envoyer"),
    path("stages/<int:stage_id>/attestations/imprimer/", attestations.stage_attestations_imprimer,
         name="stage_attestations_imprimer"),
    path("<int:convocation_id>/attestation/emettre/", attestations.attestation_emettre_vue,
         name="attestation_emettre"),
    path("attestations/<int:attestation_id>.pdf", attestations.attestation_pdf, name="attestation_pdf"),
    path("attestations/<int:attestation_id>/corriger/", attestations.attestation_corriger_vue,
         name="attestation_corriger"),
    path("attestations/courrier/", attestations.attestations_courrier, name="attestations_courrier"),
    path("attestations/courrier.pdf", attestations.attestations_courrier_pdf,
         name="attestations_courrier_pdf"),
    path("attestations/courrier/<int:envoi_id>/poste/", attestations.envoi_poste, name="attestation_postee"),
]
