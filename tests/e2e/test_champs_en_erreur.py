"""A refused form, in the browser: the cursor on the first field in error, red borders."""

import pytest
from playwright.sync_api import expect

from stages.models import Role
from tests.factories import creer_antenne, creer_orientation, creer_utilisateur

ROUGE = "rgb(139, 15, 36)"  # --depassee in static/css/app.css


@pytest.fixture
def orientation(transactional_db):
    antenne = creer_antenne(code="perpignan", nom="Antenne de Perpignan")
    creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie", password="demo-stages-2026")
    return creer_orientation(antenne)


def bordure(champ) -> str:
    return champ.evaluate("e => getComputedStyle(e).borderTopColor")


def test_page_refusee_curseur_sur_le_premier_champ_en_erreur_bordure_rouge(
    orientation, connecter, live_server
):
    page = connecter("sophie")
    page.goto(f"{live_server.url}/orientations/nouvelle/")
    nom = page.locator("#id_nom")
    bordure_normale = bordure(nom)

    page.get_by_role("button", name="Enregistrer l'orientation").click()

    expect(page.locator("#id_nom_error")).to_be_visible()
    expect(nom).to_be_focused()
    assert bordure_normale != ROUGE
    assert bordure(nom) == ROUGE  # a text input
    assert bordure(page.locator("#id_date_naissance")) == ROUGE
    assert bordure(page.locator("#id_cadre")) == ROUGE  # a select


def test_fragment_htmx_refuse_curseur_sur_le_premier_champ_en_erreur(
    orientation, connecter, live_server
):
    page = connecter("sophie")
    page.goto(f"{live_server.url}/orientations/{orientation.pk}/")
    page.get_by_text("Prolonger l'échéance (accord du prescripteur)").click()
    bouton = page.get_by_role("button", name="Prolonger l'échéance")

    with page.expect_response(lambda r: "/prolonger/" in r.url):
        bouton.click()

    expect(page.locator("#prolongation_nouvelle_echeance_error")).to_be_visible()
    expect(page.locator("#prolongation_nouvelle_echeance")).to_be_focused()
    assert bordure(page.locator("#prolongation_motif")) == ROUGE
