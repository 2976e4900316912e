"""A link to an orientation of another of the user's antennes offers to switch to it; for
anyone else it stays the same 404 as an orientation that does not exist."""

import re

import pytest
from django.urls import reverse

from stages.access import CLE_SESSION
from stages.models import Consultation, Membre, Role
from tests.factories import creer_antenne, creer_orientation, creer_personne, creer_utilisateur


def _sans_jeton(reponse) -> str:
    """The page without its CSRF token and CSP nonce (new in every response)."""
    return re.sub(r'("X-CSRFToken": |nonce=|name="csrfmiddlewaretoken" value=)"[^"]+"', "",
                  reponse.content.decode())


@pytest.fixture
def sete():
    return creer_antenne(nom="Antenne de Sète")


@pytest.fixture
def de_sete(sete):
    return creer_orientation(sete, personne=creer_personne(sete, nom="Vidalou", prenom="Anaïs"))


@pytest.fixture
def membre_de_sete(client, antenne, sete):
    user = creer_utilisateur(Role.SECRETARIAT, antenne)
    Membre.objects.create(user=user, antenne=sete, role=Role.SECRETARIAT)
    client.force_login(user)
    client.post(reverse("stages:changer_antenne"), {"antenne": antenne.pk})
    return client


def test_propose_de_passer_a_l_antenne_de_l_orientation(membre_de_sete, antenne, de_sete):
    adresse = reverse("stages:orientation", args=[de_sete.pk])

    reponse = membre_de_sete.get(adresse)

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Cette orientation appartient à l'antenne « Antenne de Sète »." in contenu
    assert "Passer à l'antenne « Antenne de Sète » ?" in contenu
    assert 'name="csrfmiddlewaretoken"' in contenu
    assert f'name="antenne" value="{de_sete.antenne_id}"' in contenu
    # Nothing of the orientation before the switch, and no read traced.
    assert "vidalou" not in contenu.lower() and "anaïs" not in contenu.lower()
    assert not Consultation.objects.filter(orientation=de_sete).exists()
    assert membre_de_sete.session[CLE_SESSION] == antenne.pk


def test_passer_a_l_antenne_ouvre_l_orientation_et_trace_la_lecture(membre_de_sete, de_sete):
    adresse = reverse("stages:orientation", args=[de_sete.pk])

    reponse = membre_de_sete.post(
        reverse("stages:changer_antenne"), {"antenne": de_sete.antenne_id, "suivant": adresse},
        follow=True,
    )

    assert reponse.redirect_chain[-1] == (adresse, 302)
    assert membre_de_sete.session[CLE_SESSION] == de_sete.antenne_id
    assert "vidalou" in reponse.content.decode().lower()
    assert Consultation.objects.filter(orientation=de_sete, objet=Consultation.Objet.FICHE).count() == 1


def test_suivant_hors_du_site_est_ignore(membre_de_sete, sete):
    reponse = membre_de_sete.post(
        reverse("stages:changer_antenne"), {"antenne": sete.pk, "suivant": "https://ailleurs.example/"}
    )

    assert reponse["Location"] == reverse("stages:accueil")


@pytest.mark.parametrize("role_a_sete", [None, Role.ANIMATEUR])
def test_sans_droit_dans_l_autre_antenne_la_meme_404(client, antenne, sete, de_sete, role_a_sete):
    """Not a member there, or a member without the list's right: the very 404 of an id
    that does not exist."""
    user = creer_utilisateur(Role.SECRETARIAT, antenne)
    if role_a_sete:
        Membre.objects.create(user=user, antenne=sete, role=role_a_sete)
    client.force_login(user)

    autre = client.get(reverse("stages:orientation", args=[de_sete.pk]))
    inexistante = client.get(reverse("stages:orientation", args=[de_sete.pk + 1000]))

    assert autre.status_code == inexistante.status_code == 404
    assert _sans_jeton(autre) == _sans_jeton(inexistante)
    assert "appartient" not in autre.content.decode()
