"""commun.htmx.rendre through the test client, on a test-only template."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.urls("tests.commun.urls")


@pytest.fixture(autouse=True)
def gabarits_d_essai(settings):
    moteur = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**moteur, "DIRS": [*moteur["DIRS"], Path(__file__).parent / "templates"]}]


def vary(reponse) -> list[str]:
    return [v.strip() for v in reponse.headers["Vary"].split(",")]


def test_page_entiere_sans_htmx(client):
    reponse = client.get("/essai/")

    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "En-tête de la page" in texte and "Pied de page" in texte
    assert "<li>Élodie</li><li>&lt;b&gt;Œuvray&lt;/b&gt;</li>" in texte  # inline partial, escaped
    assert "HX-Request" in vary(reponse)


def test_le_fragment_seul_pour_htmx(client):
    reponse = client.get("/essai/", headers={"HX-Request": "true"})

    texte = reponse.content.decode().strip()
    assert texte.startswith('<ul id="liste">') and texte.endswith("</ul>")
    assert "En-tête" not in texte and "<html" not in texte
    assert "HX-Request" in vary(reponse)


@pytest.mark.parametrize("entete", ["HX-History-Restore-Request", "HX-Boosted"])
def test_page_entiere_pour_une_restauration_d_historique_ou_un_lien_booste(client, entete):
    reponse = client.get("/essai/", headers={"HX-Request": "true", entete: "true"})

    texte = reponse.content.decode()
    assert "En-tête de la page" in texte and "Pied de page" in texte
    assert "HX-Request" in vary(reponse)


def test_le_statut_est_transmis(client):
    reponse = client.get("/essai/?erreur", headers={"HX-Request": "true"})
    assert reponse.status_code == 422
    assert "En-tête" not in reponse.content.decode()
