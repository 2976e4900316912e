"""The dashboard's bench at a tiny scale, so that it cannot rot (no timing asserted here)."""

from datetime import date

from convocations.models import Avis
from stages.models import Antenne
from tests.perf import donnees, mesure
from tests.perf import echeances as echeances_bench


def test_le_bench_du_tableau_tourne(db):
    donnees.generer(nb_antennes=2, nb_orientations=400, aujourd_hui=date(2026, 12, 7))
    antenne = Antenne.objects.get(code=donnees.code_antenne(1))
    accords = echeances_bench.preparer(antenne)
    assert accords == Avis.objects.filter(antenne=antenne).count() > 0
    assert echeances_bench.preparer(antenne) == accords  # made once, reused

    resultats = mesure.mesurer_tout(mesure.SCENARIOS_ECHEANCES, antenne=antenne, nb_requetes=3)
    assert [(r.scenario.cle, r.probleme) for r in resultats] == [("echeances", ""), ("accueil-echeances", "")]
    assert all(len(r.durees_ms) == 3 and max(r.requetes) <= mesure.BUDGET_REQUETES for r in resultats)
