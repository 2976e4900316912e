"""What each role may open, and the antenne in force."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stages.access import CLE_SESSION
from stages.models import Membre, Role, Statut
from tests.factories import creer_antenne, creer_orientation, creer_utilisateur


@pytest.fixture(params=[Role.ANIMATEUR, Role.COORDINATION])
def sans_donnees_personnelles(request, client, antenne):
    client.force_login(creer_utilisateur(request.param, antenne))
    return client


def test_ni_animateur_ni_coordination_n_ouvrent_l_administration(sans_donnees_personnelles):
    reponse = sans_donnees_personnelles.get("/admin/")

    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("admin:login"))


def test_ni_animateur_ni_coordination_n_ouvrent_la_liste_d_attente(sans_donnees_personnelles):
    reponse = sans_donnees_personnelles.get(reverse("stages:liste_attente"))

    assert reponse.status_code == 403
    assert "Votre rôle ne permet pas d'ouvrir cette page." in reponse.content.decode()


@pytest.mark.parametrize("vides", [1, 30])
def test_la_coordination_voit_les_chiffres_de_chaque_antenne_sans_donnees_personnelles(
    client, antenne, autre_antenne, temoin_a, donnees_personnelles_a,
    django_assert_max_num_queries, vides,
):
    creer_orientation(antenne, urgent=True, motif_urgence="Parquet")
    creer_orientation(autre_antenne, echeance=timezone.localdate() - timedelta(days=1))
    creer_orientation(autre_antenne, statut=Statut.ANNULEE)
    sans_orientation = [creer_antenne(nom=f"Antenne vide {n:02}", code=f"vide{n}") for n in range(vides)]
    client.force_login(creer_utilisateur(Role.COORDINATION))

    with django_assert_max_num_queries(8):  # whatever the number of antennes
        reponse = client.get(reverse("stages:accueil"))

    chiffres = {
        ligne.antenne.nom: (ligne.nb_en_attente, ligne.nb_urgentes, ligne.nb_depassees)
        for ligne in reponse.context["indicateurs"]
    }
    assert chiffres == {antenne.nom: (2, 1, 0), autre_antenne.nom: (1, 0, 1)} | {
        vide.nom: (0, 0, 0) for vide in sans_orientation
    }
    page = reponse.content.decode().casefold()
    assert [d for d in donnees_personnelles_a if d.casefold() in page] == []


def test_le_secretariat_ne_voit_que_les_chiffres_de_son_antenne(
    client_secretariat, antenne, autre_antenne
):
    creer_orientation(autre_antenne)

    reponse = client_secretariat.get(reverse("stages:accueil"))

    assert [ligne.antenne.nom for ligne in reponse.context["indicateurs"]] == [antenne.nom]


@pytest.fixture
def secretariat_deux_antennes(client, antenne, autre_antenne):
    """Member of A and of a third antenne, never of autre_antenne."""
    troisieme = creer_antenne(nom="Antenne de Sète")  # after Perpignan: not the default
    user = creer_utilisateur(Role.SECRETARIAT, antenne)
    Membre.objects.create(user=user, antenne=troisieme, role=Role.SECRETARIAT)
    client.force_login(user)
    return client, troisieme


def test_changer_pour_une_antenne_dont_on_est_membre(secretariat_deux_antennes):
    client, troisieme = secretariat_deux_antennes

    reponse = client.post(reverse("stages:changer_antenne"), {"antenne": troisieme.pk}, follow=True)

    assert client.session[CLE_SESSION] == troisieme.pk
    assert reponse.wsgi_request.acces.antenne == troisieme
    assert f"Antenne en cours : {troisieme.nom}." in reponse.content.decode()


def test_l_antenne_choisie_est_retrouvee_a_la_connexion_suivante(secretariat_deux_antennes):
    client, troisieme = secretariat_deux_antennes
    user = client.get(reverse("stages:accueil")).wsgi_request.user
    client.post(reverse("stages:changer_antenne"), {"antenne": troisieme.pk})

    client.post(reverse("deconnexion"))
    client.post(reverse("connexion"), {"username": user.username, "password": "mot-de-passe-long-1"})
    reponse = client.get(reverse("stages:accueil"))

    assert reponse.wsgi_request.user == user
    assert reponse.wsgi_request.acces.antenne == troisieme


def test_la_derniere_antenne_oubliee_si_on_n_en_est_plus_membre(
    secretariat_deux_antennes, antenne
):
    client, troisieme = secretariat_deux_antennes
    client.post(reverse("stages:changer_antenne"), {"antenne": troisieme.pk})
    user = client.get(reverse("stages:accueil")).wsgi_request.user
    Membre.objects.filter(user=user, antenne=troisieme).delete()

    client.logout()
    client.force_login(user)

    assert client.get(reverse("stages:accueil")).wsgi_request.acces.antenne == antenne


@pytest.mark.parametrize("valeur", ["autre", "", "abc", "-1"])
def test_changer_pour_une_antenne_etrangere_est_refuse(
    secretariat_deux_antennes, autre_antenne, valeur
):
    client, troisieme = secretariat_deux_antennes
    client.post(reverse("stages:changer_antenne"), {"antenne": troisieme.pk})
    voulue = autre_antenne.pk if valeur == "autre" else valeur

    reponse = client.post(reverse("stages:changer_antenne"), {"antenne": voulue}, follow=True)

    assert client.session[CLE_SESSION] == troisieme.pk
    assert reponse.wsgi_request.acces.antenne == troisieme
    assert "Vous n&#x27;êtes pas membre de cette antenne." in reponse.content.decode()


def test_la_coordination_ne_peut_choisir_aucune_antenne(client, antenne):
    client.force_login(creer_utilisateur(Role.COORDINATION))

    client.post(reverse("stages:changer_antenne"), {"antenne": antenne.pk})

    assert CLE_SESSION not in client.session


@pytest.mark.parametrize(("role", "avec_antenne", "valide"), [
    (Role.COORDINATION, False, True),
    (Role.COORDINATION, True, False),
    (Role.RESPONSABLE, True, True),
    (Role.RESPONSABLE, False, False),
    (Role.SECRETARIAT, False, False),
    (Role.ANIMATEUR, False, False),
])
def test_membre_antenne_selon_le_role(django_user_model, antenne, role, avec_antenne, valide):
    membre = Membre(
        user=django_user_model.objects.create_user("nouveau"), role=role,
        antenne=antenne if avec_antenne else None,
    )

    if valide:
        membre.full_clean()
        membre.save()
    else:
        with pytest.raises(ValidationError, match="La coordination couvre toutes les antennes"):
            membre.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            membre.save()
