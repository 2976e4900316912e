"""Sending a stage's convocations in the browser: the button, the progress page, the
result; the letter's wording page with an error next to its field. Accessible at each step."""

from django.core import mail
from playwright.sync_api import expect

from commun.models import Envoi
from stages.models import Antenne
from tests.convocations.envoi import convoquer
from tests.e2e.conftest import violations_graves
from tests.factories import creer_stage


def test_envoyer_les_convocations_d_un_stage(demo, connecter, live_server):
    antenne = Antenne.objects.get(nom__icontains="Perpignan")
    stage = creer_stage(antenne, lieu="Salle des Œillets")
    convoquer(stage, nom="Lefèvre", email="gaelle@exemple.invalid")
    convoquer(stage, nom="Sanscourriel")

    page = connecter("responsable")  # Perpignan only
    page.goto(f"{live_server.url}/convocations/stages/{stage.pk}/envois/")
    expect(page.get_by_role("heading", name="Envoi des convocations", level=2)).to_be_visible()
    assert violations_graves(page) == []
    page.get_by_role("button", name="Envoyer les convocations").click()

    expect(page.get_by_role("heading", name="Envoi terminé")).to_be_visible()
    expect(page.locator("#suivi-envoi")).to_contain_text("1 courriel envoyé, 1 lettre à poster")
    assert violations_graves(page) == []
    assert [m.to for m in mail.outbox] == [["gaelle@exemple.invalid"]]
    assert Envoi.objects.count() == 2

    page.get_by_role("link", name="Retour aux envois du stage").click()
    expect(page.get_by_role("link", name="Lettres à poster (PDF)")).to_be_visible()


def test_texte_de_la_lettre_erreur_a_cote_du_champ(demo, connecter, live_server):
    page = connecter("responsable")
    page.goto(f"{live_server.url}/convocations/lettre/")
    assert violations_graves(page) == []
    page.get_by_label("Contact").fill("Appelez le {numero}.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".champ--erreur")).to_contain_text("Variable inconnue : {numero}")
    assert violations_graves(page) == []
