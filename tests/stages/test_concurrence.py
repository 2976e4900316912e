"""Two requests at the same instant (PostgreSQL only: SQLite serialises every writer)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from stages.models import Cadre, Orientation, Personne
from stages.services import Saisie, orientation_creer, orientation_modifier
from tests.concurrence import en_meme_temps
from tests.factories import creer_orientation, creer_prescripteur

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)


@pytest.mark.django_db(transaction=True)
def test_double_clic_simultane_cree_une_seule_orientation(antenne):
    prescripteur = creer_prescripteur(antenne)

    def envoyer():
        personne = Personne(antenne=antenne, nom="Martin", prenom="Léo", sexe="M",
                            date_naissance=date(1985, 6, 1))
        orientation = Orientation(cadre=Cadre.ALTERNATIVE, prescripteur=prescripteur,
                                  date_orientation=date(2026, 9, 10), date_decision=date(2026, 9, 1))
        return orientation_creer(personne=personne, orientation=orientation,
                                 cle_creation="meme-formulaire")

    resultats, erreurs = en_meme_temps(envoyer)

    assert erreurs == []
    assert sorted(creee for _o, creee in resultats) == [False, True]
    assert Orientation.objects.filter(cle_creation="meme-formulaire").count() == 1
    assert len({o.pk for o, _c in resultats}) == 1
    assert Personne.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_meme_champ_modifie_au_meme_instant_une_seule_modification_passe(antenne):
    """Both forms showed PV-1 and set another value: the row lock makes the second one see
    the first one's value, so it is refused instead of overwriting it."""
    orientation = creer_orientation(antenne, reference="PV-1")
    nouvelles = ["PV-A", "PV-B"]

    def modifier():
        nouvelle = nouvelles.pop()  # atomic: one value per thread
        return orientation_modifier(
            orientation=Orientation.objects.get(pk=orientation.pk), champs_personne={},
            champs_orientation={"reference": Saisie(vue="PV-1", nouvelle=nouvelle)},
        )

    resultats, erreurs = en_meme_temps(modifier)

    assert len(resultats) == 1 and len(erreurs) == 1
    assert isinstance(erreurs[0], ValidationError) and list(erreurs[0].error_dict) == ["reference"]
    orientation.refresh_from_db()
    assert orientation.reference in ("PV-A", "PV-B") and orientation.history.count() == 2
