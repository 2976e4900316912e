"""Two staff members confirming a proposal at the same instant (PostgreSQL only: SQLite
serialises every writer). Without the row lock on the stage both count the same free places
and the stage ends up over its capacity."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from convocations.models import STATUTS_OUVERTS, Convocation
from convocations.services.proposition import Choix, convocations_creer
from tests.concurrence import en_meme_temps
from tests.factories import creer_orientation, creer_stage

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)


@pytest.mark.django_db(transaction=True)
def test_deux_confirmations_simultanees_ne_depassent_jamais_la_capacite(antenne):
    stage = creer_stage(antenne, places=2, surreservation=1)
    orientations = [creer_orientation(antenne, date_orientation=date(2026, 9, 1 + i)) for i in range(6)]
    lots = [orientations[:3], orientations[3:]]

    def confirmer():
        lot = lots.pop()  # atomic: one lot per thread
        return convocations_creer(
            stage=stage, choix=[Choix(o.pk, "test de concurrence") for o in lot],
            aujourd_hui=date(2026, 11, 20), cle=f"lot-{lot[0].pk}",
        )

    resultats, erreurs = en_meme_temps(confirmer)

    ouvertes = Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS).count()
    assert ouvertes == stage.capacite == 3
    assert len(resultats) == 1 and len(erreurs) == 1
    assert isinstance(erreurs[0], ValidationError)
    assert "pour 0 place restante" in erreurs[0].messages[0]


@pytest.mark.django_db(transaction=True)
def test_double_clic_simultane_ne_convoque_qu_une_fois(antenne):
    stage = creer_stage(antenne, places=2, surreservation=1)
    orientations = [creer_orientation(antenne, date_orientation=date(2026, 9, 1 + i)) for i in range(2)]

    def confirmer():
        return convocations_creer(stage=stage, choix=[Choix(o.pk) for o in orientations],
                                  aujourd_hui=date(2026, 11, 20), cle="meme-formulaire")

    resultats, erreurs = en_meme_temps(confirmer)

    assert erreurs == []
    assert sorted(creees for _c, creees in resultats) == [False, True]
    assert Convocation.objects.filter(stage=stage).count() == 2
    assert {c.pk for convocations, _ in resultats for c in convocations} == set(
        Convocation.objects.values_list("pk", flat=True))
