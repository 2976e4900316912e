"""Valid names that grow when normalised ('ß' gives 'ss', 'ﷺ' 18 letters): saved without
error on SQLite and on PostgreSQL (whose columns are checked), still found as duplicates and
by the search. Run on PostgreSQL with DATABASE_URL (as the CI does)."""

import pytest
from django.urls import reverse

from stages.models import MotDuNom, Orientation, Personne
from tests.factories import creer_prescripteur
from tests.stages.test_orientation_formulaires import saisie_creation

NOMS = [("ß" * 100, "Léo"), ("Martin", "ﷺ" * 100), ("ß" * 50 + " " + "æ" * 49, "ﷺ")]


@pytest.fixture
def prescripteur(antenne):
    return creer_prescripteur(antenne)


@pytest.mark.parametrize(("nom", "prenom"), NOMS, ids=["eszett", "ligature-arabe", "melange"])
def test_un_nom_qui_grandit_a_la_normalisation_est_enregistre_et_retrouve(
    client_secretariat, prescripteur, nom, prenom
):
    reponse = client_secretariat.post(reverse("stages:orientation_nouvelle"),
                                      saisie_creation(prescripteur, nom=nom, prenom=prenom))

    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    personne = Personne.objects.get()
    assert (personne.nom, personne.prenom) == (nom, prenom)
    assert all(len(mot.mot) <= 100 for mot in MotDuNom.objects.all())

    # The same identity again: the known person is offered, never silently duplicated.
    encore = client_secretariat.post(reverse("stages:orientation_nouvelle"),
                                     saisie_creation(prescripteur, nom=nom, prenom=prenom))
    assert encore.status_code == 200
    assert encore.context["doublons"] == [personne]

    liste = client_secretariat.get(reverse("stages:liste_attente"), {"q": f"{nom[:100]}"})
    assert [ligne.pk for ligne in liste.context["lignes"]] == list(
        Orientation.objects.values_list("pk", flat=True))
