from django.urls import path

from questionnaires.views import definition, kiosque, resultats

app_name = "questionnaires"

urlpatterns = [
    path("", definition.questionnaire, name="questionnaire"),
    path("kiosque/ouvrir/", kiosque.ouvrir, name="ouvrir"),
    path("stages/<int:stage_id>/kiosque/", kiosque.stage_kiosque, name="stage_kiosque"),
    # The kiosk's own session (no staff login): without it, the login page.
    path("kiosque/", kiosque.kiosque, name="kiosque"),
    path("kiosque/merci/", kiosque.merci, name="merci"),
    path("kiosque/quitter/", kiosque.quitter, name="quitter"),
    path("kiosque/ajouter/", kiosque.ajouter, name="ajouter"),
    path("stages/<int:stage_id>/resultats/", resultats.stage_resultats, name="stage_resultats"),
    path("resultats/", resultats.resultats, name="resultats"),
    path("resultats/export.csv", resultats.export, {"format_": "csv"}, name="export_csv"),
    path("resultats/export.xlsx", resultats.export, {"format_": "xlsx"}, name="export_xlsx"),
]
