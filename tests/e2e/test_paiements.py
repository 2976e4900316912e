"""Payments in the browser: two instalments (cash, then a cheque), the cancellation of the
first, and the three receipts downloaded and read back (amounts in figures and in words, €,
numbers, dates, « annulé »)."""

import re
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from paiements.models import Recu
from stages.dates import date_longue
from stages.models import Role
from tests.e2e.conftest import violations_graves
from tests.factories import creer_antenne, creer_orientation, creer_personne, creer_utilisateur


def _texte(pdf: bytes) -> str:
    texte = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    return " ".join(texte.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_deux_versements_une_annulation_et_leurs_recus(transactional_db, connecter, live_server, page):
    aujourd_hui = timezone.localdate()
    antenne = creer_antenne(code="perpignan", nom="Antenne de Perpignan", signataire="Marie Durand")
    orientation = creer_orientation(antenne, personne=creer_personne(antenne, nom="Aubert", prenom="Léa",
                                                                     sexe="F"))
    creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie", password="mot-de-passe-long-1")
    page.set_viewport_size({"width": 800, "height": 1280})
    connecter("sophie", "mot-de-passe-long-1")

    page.goto(f"{live_server.url}{reverse('stages:orientation', args=[orientation.pk])}")
    expect(page.get_by_role("heading", name="Paiements")).to_be_visible()
    page.get_by_role("link", name="Voir et enregistrer les paiements").click()
    assert violations_graves(page) == []

    page.get_by_label("Montant (€)").fill("120")
    page.get_by_role("radio", name="Espèces").check()
    page.get_by_role("button", name="Enregistrer le versement").click()
    annee = aujourd_hui.year
    expect(page.get_by_role("status")).to_contain_text(f"reçu n° R-{annee}-PER-0001")

    page.get_by_label("Montant (€)").fill("50,50")
    page.get_by_role("radio", name="Chèque").check()
    page.get_by_label("Numéro du chèque").fill("0004567")
    page.get_by_label("Banque", exact=True).fill("Banque Populaire du Sud")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.get_by_role("status")).to_contain_text(f"reçu n° R-{annee}-PER-0002")

    # The cancellation of the first one, with its reason, after a confirmation page.
    page.locator("tr", has_text="Espèces").get_by_role("link", name="Annuler…").click()
    page.get_by_label("Motif de l'annulation").fill("Versement saisi deux fois")
    page.get_by_role("button", name="Annuler le paiement").click()
    expect(page.get_by_role("status")).to_contain_text(f"reçu d'annulation n° R-{annee}-PER-0003")
    expect(page.locator("tr", has_text="Espèces").locator(".badge", has_text="Annulé")).to_be_visible()
    expect(page.locator(".totaux")).to_contain_text("50,50")

    # The receipts, downloaded with the browser's session.
    liens = page.get_by_role("link", name=re.compile(r"R-\d{4}-PER-\d{4}"))
    expect(liens).to_have_count(3)
    recus = {}
    for i in range(3):
        lien = liens.nth(i)
        reponse = page.request.get(f"{live_server.url}{lien.get_attribute('href')}")
        assert reponse.ok and reponse.headers["content-type"] == "application/pdf"
        numero = re.search(r"R-\d{4}-PER-\d{4}", lien.inner_text()).group()
        recus[numero] = _texte(reponse.body())

    jour = date_longue(aujourd_hui)
    premier = recus[f"R-{annee}-PER-0001"]
    assert f"Reçu n° R-{annee}-PER-0001" in premier
    assert "120,00 € (cent vingt euros)" in premier
    assert f"ANNULÉ — ce paiement a été annulé le {jour}" in premier
    assert "Versement saisi deux fois" in premier and "Madame Léa AUBERT" in premier
    assert "Reste à payer : 80,00 € (quatre-vingts euros)" in premier

    second = recus[f"R-{annee}-PER-0002"]
    assert "50,50 € (cinquante euros et cinquante centimes)" in second
    assert "Chèque n° 0004567, Banque Populaire du Sud" in second
    assert "Reste à payer : 29,50 € (vingt-neuf euros et cinquante centimes)" in second
    assert "annulé" not in second.lower()

    annulation = recus[f"R-{annee}-PER-0003"]
    assert f"Reçu d'annulation n° R-{annee}-PER-0003" in annulation
    assert f"Annule le reçu n° R-{annee}-PER-0001 du {jour}" in annulation
    assert "Reste à payer : 149,50 € (cent quarante-neuf euros et cinquante centimes)" in annulation
    assert f"Émis le : {jour}" in annulation
    assert Recu.objects.count() == 3
