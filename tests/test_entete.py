"""The header says the same as the page about the account's antenne."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from stages.models import Role
from tests.factories import creer_utilisateur


def test_un_compte_sans_antenne_n_affiche_pas_toutes_les_antennes(client, db):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@cpca.invalid", "x" * 12))

    contenu = client.get(reverse("accueil")).content.decode()

    assert '<span class="antenne">Aucune antenne</span>' in contenu
    assert "rattaché à aucune antenne" in contenu
    assert "Toutes les antennes" not in contenu


def test_la_coordination_couvre_toutes_les_antennes(client, db):
    client.force_login(creer_utilisateur(Role.COORDINATION, None))

    contenu = client.get(reverse("accueil")).content.decode()

    assert '<span class="antenne">Toutes les antennes</span>' in contenu
    assert "rattaché à aucune antenne" not in contenu
