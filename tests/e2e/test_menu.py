"""The menu items of pages to come do not look clickable."""

import pytest
from playwright.sync_api import expect

from stages.models import Role
from tests.e2e.conftest import violations_graves
from tests.factories import creer_antenne, creer_utilisateur


@pytest.fixture
def sophie(transactional_db):
    antenne = creer_antenne(code="perpignan", nom="Antenne de Perpignan")
    return creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie", password="demo-stages-2026")


def style(element, propriete: str) -> str:
    return element.evaluate(f"e => getComputedStyle(e).{propriete}")


def test_les_pages_a_venir_sont_grisees_sans_lien(sophie, connecter):
    page = connecter("sophie")
    menu = page.get_by_role("navigation", name="Navigation principale")
    lien = menu.get_by_role("link", name="Liste d'attente")

    expect(menu.get_by_role("link", name="Questionnaires")).to_have_count(1)  # no longer to come
    for nom in ("Paiements",):
        element = menu.get_by_text(f"{nom} (bientôt)")
        expect(element).to_have_attribute("aria-disabled", "true")
        assert element.evaluate("e => e.closest('a, [href]') === null")
        expect(menu.get_by_role("link", name=nom)).to_have_count(0)
        assert style(element, "cursor") == "default"
        assert style(element, "color") != style(lien, "color")
    element.hover()
    assert style(element, "backgroundColor") == "rgba(0, 0, 0, 0)"
    assert violations_graves(page) == []
