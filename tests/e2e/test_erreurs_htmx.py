"""An htmx request that fails shows a French message in the page instead of doing nothing."""

import re

from playwright.sync_api import expect


def _filtrer(page):
    page.get_by_text("Plus de filtres").click()  # folded while no filter is chosen
    page.get_by_label("Urgentes seulement").check()


def test_une_erreur_du_serveur_sur_un_fragment_est_annoncee(demo, connecter):
    page = connecter("responsable")
    page.get_by_role("link", name="Liste d'attente").first.click()
    alerte = page.locator("#erreur-htmx")
    expect(alerte).to_be_hidden()

    page.route(re.compile(r".*/orientations/\?.*urgent=on.*"),
               lambda route: route.fulfill(status=500, body="erreur"))
    _filtrer(page)

    expect(alerte).to_be_visible()
    expect(alerte).to_have_attribute("role", "alert")
    expect(alerte).to_contain_text("Une erreur est survenue sur le serveur")


def test_un_serveur_injoignable_est_annonce(demo, connecter):
    page = connecter("responsable")
    page.get_by_role("link", name="Liste d'attente").first.click()

    page.route(re.compile(r".*/orientations/\?.*urgent=on.*"), lambda route: route.abort())
    _filtrer(page)

    expect(page.locator("#erreur-htmx")).to_contain_text("Le serveur ne répond pas")


def test_une_session_expiree_sur_un_fragment_est_annoncee(demo, connecter):
    page = connecter("responsable")
    page.get_by_role("link", name="Liste d'attente").first.click()

    page.route(re.compile(r".*/orientations/\?.*urgent=on.*"),
               lambda route: route.fulfill(status=403, body="refus"))
    _filtrer(page)

    expect(page.locator("#erreur-htmx")).to_contain_text("rien n'a été enregistré")
