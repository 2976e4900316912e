from django.urls import path

from convocations.views import envois

app_name = "convocations"

urlpatterns = [
    path("convocations/lettre/", envois.lettre_modele, name="lettre_modele"),
    path("stages/<int:stage_id>/envois/", envois.stage_envois, name="stage_envois"),
    path("stages/<int:stage_id>/envois/envoyer/", envois.stage_envoyer, name="stage_envoyer"),
    path("stages/<int:stage_id>/envois/lettres.pdf", envois.stage_lettres, name="stage_lettres"),
    path("stages/<int:stage_id>/envois/a-poster.pdf", envois.stage_a_poster, name="stage_a_poster"),
    path("stages/<int:stage_id>/agenda/regenerer/", envois.stage_flux_regenerer, name="stage_flux_regenerer"),
    path("convocations/envois/<int:lot_envoi_id>/", envois.lot_suivi, name="lot_suivi"),
    path(
        "convocations/<int:convocation_id>/lettre.pdf", envois.convocation_lettre, name="convocation_lettre"
    ),
    path("convocations/<int:convocation_id>/convocation.ics", envois.convocation_ics, name="convocation_ics"),
    # No login: a calendar application subscribes to it; the secret token is the access.
    path("agenda/<str:jeton>.ics", envois.flux_stage, name="flux_stage"),
]
