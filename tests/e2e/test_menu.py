"""The main menu: every item opens its page and says which one is current."""

import pytest
from playwright.sync_api import expect

from stages.models import Role
from tests.e2e.conftest import violations_graves
from tests.factories import creer_antenne, creer_utilisateur


@pytest.fixture
def sophie(transactional_db):
    antenne = creer_antenne(code="perpignan", nom="Antenne de Perpignan")
    return creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie", password="demo-stages-2026")


def test_chaque_entree_du_menu_mene_a_sa_page(sophie, connecter):
    """Every item of the secrétariat's menu is a link that opens its page (no item « bientôt »
    left since the payments and questionnaires have landed)."""
    page = connecter("sophie")
    menu = page.get_by_role("navigation", name="Navigation principale")
    expect(menu.get_by_text("(bientôt)")).to_have_count(0)
    noms = ["Liste d'attente", "Prescripteurs", "Stages", "Paiements", "Questionnaires"]
    for nom in noms:
        lien = menu.get_by_role("link", name=nom, exact=True)
        expect(lien).to_have_count(1)
        with page.expect_navigation():
            lien.click()
        assert page.title() and "Erreur" not in page.title()
        expect(page.get_by_role("navigation", name="Navigation principale")
               .get_by_role("link", name=nom, exact=True)).to_have_attribute("aria-current", "page")
    assert violations_graves(page) == []
