"""Error pages in French, in the site's layout: what happened, whether anything was saved,
what to do. The 500 page needs neither the database nor context processors."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from stages.models import Role
from tests.factories import creer_utilisateur

MISE_EN_PAGE = '<link rel="stylesheet" href="/static/css/app.css">'


def _francais_dans_la_mise_en_page(reponse, statut: int, *phrases: str) -> str:
    contenu = reponse.content.decode()
    assert reponse.status_code == statut
    assert MISE_EN_PAGE in contenu and 'lang="fr"' in contenu
    for phrase in phrases:
        assert phrase in contenu
    return contenu


def test_page_404(client_secretariat):
    reponse = client_secretariat.get("/orientations/999999/")

    contenu = _francais_dans_la_mise_en_page(reponse, 404, "Page introuvable", "rien n'a été enregistré")
    assert "Se déconnecter" in contenu  # the header of a logged-in user


def test_page_403(client, antenne):
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))

    reponse = client.get(reverse("stages:liste_attente"))

    _francais_dans_la_mise_en_page(reponse, 403, "Accès refusé", "rien n'a été enregistré")


def test_page_400_adresse_inconnue(client):
    reponse = client.get("/", headers={"host": "pirate.invalid"})

    _francais_dans_la_mise_en_page(reponse, 400, "Demande illisible", "rien n'a été enregistré")


def test_echec_csrf_session_expiree(secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)

    reponse = client.post(reverse("stages:orientation_nouvelle"), {"nom": "Martin"})

    _francais_dans_la_mise_en_page(
        reponse, 403, "Votre session a expiré", "rien n'a été enregistré", "Reconnectez-vous"
    )


def test_page_500_sans_base_de_donnees():
    """No `db` fixture: any query here would fail the test."""
    reponse = server_error(RequestFactory().get("/"))

    contenu = _francais_dans_la_mise_en_page(reponse, 500, "Une erreur est survenue",
                                             "vérifiez sur la fiche concernée")
    assert "Se déconnecter" not in contenu


@pytest.mark.django_db
def test_une_erreur_dans_une_vue_donne_la_page_500(client_secretariat, monkeypatch):
    from stages.views import liste

    def panne(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(liste.selectors, "page_liste_attente", panne)
    client_secretariat.raise_request_exception = False

    reponse = client_secretariat.get(reverse("stages:liste_attente"))

    _francais_dans_la_mise_en_page(reponse, 500, "Une erreur est survenue")
