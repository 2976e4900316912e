"""The waiting list's first screen: rows visible on a laptop (1366×768) without scrolling,
and on a tablet in portrait (800×1280) the échéance of each row stays on screen."""

import re

import pytest
from playwright.sync_api import expect

from stages.models import Orientation, Statut
from tests.e2e.conftest import violations_graves

PORTABLE = {"width": 1366, "height": 768}
TABLETTE_PORTRAIT = {"width": 800, "height": 1280}


def _lignes_entierement_visibles(page) -> int:
    return page.evaluate("""() => [...document.querySelectorAll('.liste-attente__tableau tbody tr')]
        .filter(tr => { const r = tr.getBoundingClientRect();
                        return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; })
        .length""")


def _sans_defilement_horizontal(page) -> bool:
    """Neither the page nor the table's own region scrolls sideways."""
    largeurs = page.evaluate("""() => { const r = document.querySelector('.tableau-defilant');
        return [document.documentElement.scrollWidth, window.innerWidth, r.scrollWidth, r.clientWidth]; }""")
    return largeurs[0] <= largeurs[1] and largeurs[2] <= largeurs[3]


def _sans_defilement_ni_violation(page) -> bool:
    # The rows laid out by flex keep their table roles.
    return _sans_defilement_horizontal(page) and violations_graves(page) == []


@pytest.fixture
def liste(connecter, live_server, page):
    """The list as the responsable sees it on a screen of `taille`."""
    def ouvrir(taille: dict, requete: str = ""):
        page.set_viewport_size(taille)
        connecter("responsable")
        page.goto(f"{live_server.url}/orientations/{requete}")
    return ouvrir


def test_dix_lignes_au_premier_ecran_d_un_portable(demo, liste, page):
    assert Orientation.objects.filter(antenne__code="perpignan", statut=Statut.EN_ATTENTE).count() >= 10
    liste(PORTABLE)

    assert _lignes_entierement_visibles(page) >= 10
    assert _sans_defilement_ni_violation(page)


def test_filtres_ouverts_quand_un_filtre_est_choisi(demo, liste, page):
    liste(PORTABLE, "?urgent=on")

    assert page.get_by_label("Urgentes seulement").is_visible()
    assert page.get_by_label("Urgentes seulement").is_checked()


def test_echeance_visible_sur_tablette_en_portrait(demo, liste, page):
    liste(TABLETTE_PORTRAIT)

    echeance = page.locator(".liste-attente__tableau tbody tr").first.locator(".liste-attente__echeance")
    boite = echeance.bounding_box()
    assert boite is not None and boite["width"] > 0
    assert boite["x"] >= 0 and boite["x"] + boite["width"] <= TABLETTE_PORTRAIT["width"]
    assert _sans_defilement_ni_violation(page)


def test_trier_par_echeance_puis_filtrer_garde_le_tri(demo, liste, page):
    liste(PORTABLE)
    entete = page.get_by_role("columnheader", name="Échéance")
    expect(entete).not_to_have_attribute("aria-sort", re.compile(".*"))

    entete.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"tri=echeance"))
    expect(entete).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("link", name="revenir à l'ordre de convocation")).to_be_visible()

    page.get_by_text("Plus de filtres").click()
    page.get_by_label("Urgentes seulement").check()
    expect(page).to_have_url(re.compile(r"tri=echeance.*urgent=on|urgent=on.*tri=echeance"))
    expect(entete).to_have_attribute("aria-sort", "ascending")

    page.get_by_role("link", name="revenir à l'ordre de convocation").click()
    expect(page.get_by_role("columnheader", name="Rang")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator(".liste-attente__ordre")).to_have_text("Ordre de convocation")
