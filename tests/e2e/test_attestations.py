"""The secretariat issues an attestation from the stage page, downloads it and reads it back:
identity, séances and hours, number and hash, the very bytes stored."""

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from convocations.models import Attestation
from convocations.services.attestations import attestation_lire
from convocations.services.presences import presence_marquer
from stages.models import Role, Sexe
from tests.commun.lecture import texte_poppler
from tests.e2e.conftest import violations_graves
from tests.factories import (
    creer_antenne,
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_stage,
    creer_utilisateur,
)


def test_emettre_telecharger_et_relire_l_attestation(transactional_db, browser, live_server):
    antenne = creer_antenne(code="perpignan", nom="Antenne de Perpignan", signataire="Marie Durand")
    creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie")
    stage = creer_stage(antenne, lieu="Salle Arago")
    personne = creer_personne(antenne, nom="Lefèvre", prenom="Gaëlle", sexe=Sexe.FEMME)
    convocation = creer_convocation(creer_orientation(antenne, personne=personne, reference="PR-77"), stage)
    apres = datetime(2026, 12, 15, 18, tzinfo=ZoneInfo("Europe/Paris"))
    for seance in stage.seances.all():
        presence_marquer(seance=seance, convocation=convocation, statut="present", maintenant=apres)

    contexte = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True,
                                   locale="fr-FR", timezone_id="Europe/Paris")
    page = contexte.new_page()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("sophie")
    page.get_by_label("Mot de passe").fill("mot-de-passe-long-1")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/stages/{stage.pk}/")
    page.get_by_role("link", name="Émettre, imprimer et envoyer les attestations").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Attestations de stage")
    assert violations_graves(page) == []
    page.get_by_role("button", name="Émettre l'attestation").click()
    expect(page.locator("#messages")).to_contain_text("émise pour LEFÈVRE Gaëlle")
    attestation = Attestation.objects.get()
    lien = page.get_by_role("link", name=f"n° {attestation.numero} (PDF)")
    expect(lien).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 800

    reponse = page.request.get(live_server.url + lien.get_attribute("href"))

    assert reponse.status == 200 and reponse.headers["content-type"] == "application/pdf"
    assert reponse.body() == attestation_lire(attestation)
    texte = " ".join(texte_poppler(reponse.body()).replace("\u00a0", " ").split())
    assert f"Attestation de stage n° {attestation.numero}" in texte
    assert "Nom : LEFÈVRE" in texte and "Prénom : Gaëlle" in texte
    assert "Lundi 14 décembre 2026" in texte and "Mardi 15 décembre 2026" in texte and "Total 12 h" in texte
    assert f"Empreinte SHA-256 : {attestation.empreinte}" in texte
    contexte.close()
