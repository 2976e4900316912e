"""Two tablets marking at the same instant (PostgreSQL only: SQLite serialises every writer).
The convocation's row lock takes them in turn: without it both would insert the same mark
(one failing on the unique constraint), or neither would see the other's séance marked and the
convocation would never be resolved."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from convocations.models import Presence, StatutConvocation
from convocations.services.presences import presence_marquer
from stages.models import Statut
from tests.concurrence import en_meme_temps
from tests.factories import creer_convocation, creer_orientation, creer_stage

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)
APRES = datetime(2026, 12, 15, 18, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.django_db(transaction=True)
def test_la_meme_personne_sur_deux_tablettes_la_derniere_l_emporte(antenne):
    stage = creer_stage(antenne)
    convocation = creer_convocation(creer_orientation(antenne), stage)
    seance = stage.seances.first()
    statuts = ["present", "absent"]

    def marquer():
        return presence_marquer(seance=seance, convocation=convocation, statut=statuts.pop(),
                                maintenant=APRES)

    resultats, erreurs = en_meme_temps(marquer)

    assert erreurs == [] and len(resultats) == 2
    presence = Presence.objects.get()
    historique = [h.statut for h in presence.history.order_by("history_id")]
    assert sorted(historique) == ["absent", "present"]
    assert presence.statut == historique[-1]  # the last mark wins


@pytest.mark.django_db(transaction=True)
def test_les_deux_dernieres_seances_marquees_en_meme_temps_resolvent_une_fois(antenne):
    stage = creer_stage(antenne)
    convocation = creer_convocation(creer_orientation(antenne), stage)
    seances = list(stage.seances.all())

    def marquer():
        return presence_marquer(seance=seances.pop(), convocation=convocation, statut="present",
                                maintenant=APRES)

    resultats, erreurs = en_meme_temps(marquer)

    assert erreurs == []
    convocation.refresh_from_db()
    convocation.orientation.refresh_from_db()
    assert convocation.statut == StatutConvocation.EFFECTUEE
    assert convocation.orientation.statut == Statut.STAGE_EFFECTUE
    assert convocation.history.filter(statut=StatutConvocation.EFFECTUEE).count() == 1
