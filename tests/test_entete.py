"""The header says the same as the page about the account's antenne."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from stages.models import Role
from tests.factories import creer_antenne, creer_orientation, creer_utilisateur


def test_l_administrateur_voit_la_meme_chose_en_tete_et_sur_l_accueil(client, db):
    """The admin has no membership: no antenne, no list, no figures in the app, only the
    Django admin. The header and the home page both say so."""
    admin = get_user_model().objects.create_superuser("admin", "admin@cpca.invalid", "x" * 12)
    creer_orientation(creer_antenne())
    client.force_login(admin)

    contenu = client.get(reverse("stages:accueil")).content.decode()

    assert '<span class="antenne">Aucune antenne</span>' in contenu
    assert "Toutes les antennes" not in contenu
    assert "· administration</span>" in contenu
    assert "Ce compte d'administration n'est rattaché à aucune antenne" in contenu
    assert "Demandez à la responsable" not in contenu
    assert 'id="titre-indicateurs"' not in contenu
    # What it says is what it gets.
    assert client.get(reverse("stages:liste_attente")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 200


def test_un_compte_sans_antenne_ni_administration_demande_son_rattachement(client, db):
    client.force_login(get_user_model().objects.create_user("nouveau", password="x" * 12))

    contenu = client.get(reverse("stages:accueil")).content.decode()

    assert '<span class="antenne">Aucune antenne</span>' in contenu
    assert "· sans rôle</span>" in contenu
    assert "Votre compte n'est rattaché à aucune antenne. Demandez à la responsable" in contenu


def test_la_coordination_couvre_toutes_les_antennes(client, db):
    client.force_login(creer_utilisateur(Role.COORDINATION, None))

    contenu = client.get(reverse("stages:accueil")).content.decode()

    assert '<span class="antenne">Toutes les antennes</span>' in contenu
    assert "rattaché à aucune antenne" not in contenu
