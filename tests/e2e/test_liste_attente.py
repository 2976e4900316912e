"""The waiting list in the browser: filters by their controls (kept in the URL, the back
button restores the previous list), accessibility, and a 10-inch tablet's screen."""

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from stages.models import Antenne, Cadre, Orientation, Statut
from tests.e2e.conftest import violations_graves


def _en_attente(**filtres) -> int:
    perpignan = Antenne.objects.get(code="perpignan")
    return Orientation.objects.filter(antenne=perpignan, statut=Statut.EN_ATTENTE, **filtres).count()


def _resultats(nombre: int) -> re.Pattern:
    return re.compile(rf"^\s*{nombre} orientations?\b")


def test_filtres_par_leurs_controles_dans_l_url_et_retour_arriere(demo, connecter, live_server):
    # The cadre most of the urgent orientations still waiting have (the demo convokes the
    # first ones of the list, urgent first): each step then shows fewer rows.
    cadre = Counter(Orientation.objects.filter(
        antenne__code="perpignan", statut=Statut.EN_ATTENTE, urgent=True).values_list("cadre", flat=True)
    ).most_common(1)[0][0]
    urgentes, urgentes_du_cadre = _en_attente(urgent=True), _en_attente(urgent=True, cadre=cadre)
    assert 0 < urgentes_du_cadre < urgentes <= 50  # the demo's data make each step visible
    page = connecter("responsable")
    page.get_by_role("link", name="Liste d'attente").first.click()
    expect(page.locator("#resultats")).to_have_text(_resultats(_en_attente()))
    assert violations_graves(page) == []

    # Folded while no filter is chosen: the rows come first.
    expect(page.get_by_label("Urgentes seulement")).to_be_hidden()
    page.get_by_text("Plus de filtres").click()
    page.get_by_label("Urgentes seulement").check()
    expect(page).to_have_url(re.compile(r"urgent=on"))
    expect(page.locator("#resultats")).to_have_text(_resultats(urgentes))
    expect(page.locator("tbody tr")).to_have_count(urgentes)
    expect(page.locator("tbody tr", has_not=page.locator(".badge--critique"))).to_have_count(0)

    page.get_by_label("Cadre").select_option(value=cadre)
    expect(page).to_have_url(re.compile(rf"cadre={re.escape(cadre)}"))
    expect(page.locator("tbody tr")).to_have_count(urgentes_du_cadre)
    expect(page.locator("tbody tr td:nth-child(5)")).to_have_text(
        [Cadre(cadre).label] * urgentes_du_cadre
    )
    assert violations_graves(page) == []

    page.go_back()
    expect(page).to_have_url(re.compile(r"cadre=(&|$)"))
    expect(page.locator("tbody tr")).to_have_count(urgentes)
    expect(page.get_by_label("Urgentes seulement")).to_be_checked()
    expect(page.get_by_label("Cadre")).to_have_value("")

    page.get_by_role("link", name="Effacer les filtres").click()
    expect(page.locator("#resultats")).to_have_text(_resultats(_en_attente()))


@pytest.mark.parametrize("ecran", [{"width": 800, "height": 1280}, {"width": 1280, "height": 800}])
def test_tablette_dix_pouces_sans_defilement_horizontal(demo, connecter, live_server, page, ecran):
    page.set_viewport_size(ecran)
    connecter("responsable")
    page.goto(f"{live_server.url}/orientations/")
    orientation = Orientation.objects.filter(
        antenne__code="perpignan", statut=Statut.EN_ATTENTE
    ).order_by("-urgent", "date_orientation", "id").first()

    for adresse in ("/orientations/", f"/orientations/{orientation.pk}/",
                    f"/orientations/{orientation.pk}/modifier/"):
        page.goto(f"{live_server.url}{adresse}")
        # The page never scrolls sideways (the table scrolls inside its own region).
        largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert largeurs[0] <= largeurs[1], adresse
        expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
        # Every visible button or link-button is a finger's target (WCAG 2.5.5: 44 px).
        for bouton in page.locator("main .bouton:visible, main button:visible").all():
            assert bouton.bounding_box()["height"] >= 44, (adresse, bouton.inner_text())
