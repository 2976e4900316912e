"""Two requests at the same instant (PostgreSQL only: SQLite serialises every writer)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from stages.models import Cadre, Orientation, Personne
from stages.services import orientation_creer
from tests.factories import creer_prescripteur

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)


@pytest.mark.django_db(transaction=True)
def test_double_clic_simultane_cree_une_seule_orientation(antenne):
    prescripteur = creer_prescripteur(antenne)
    depart = threading.Barrier(2)
    resultats, erreurs = [], []

    def envoyer():
        try:
            personne = Personne(antenne=antenne, nom="Martin", prenom="Léo", sexe="M",
                                date_naissance=date(1985, 6, 1))
            orientation = Orientation(cadre=Cadre.ALTERNATIVE, prescripteur=prescripteur,
                                      date_orientation=date(2026, 9, 10),
                                      date_decision=date(2026, 9, 1))
            depart.wait()
            resultats.append(orientation_creer(
                personne=personne, orientation=orientation, cle_creation="meme-formulaire"
            ))
        except Exception as erreur:  # noqa: BLE001 (reported by the assertion below)
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=envoyer) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()

    assert erreurs == []
    assert sorted(creee for _o, creee in resultats) == [False, True]
    assert Orientation.objects.filter(cle_creation="meme-formulaire").count() == 1
    assert len({o.pk for o, _c in resultats}) == 1
    assert Personne.objects.count() == 1
