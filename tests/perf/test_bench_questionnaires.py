"""The questionnaires' benchmark code at a tiny scale, so that it cannot rot (no timing asserted)."""

from collections import Counter
from datetime import date

from django.utils import timezone

from questionnaires.models import Passation, Reponse
from questionnaires.selectors import resultats_de_la_periode, resultats_du_stage
from stages.models import Stage
from tests.perf import questionnaires


def test_les_mesures_des_questionnaires_tournent(db):
    donnees = questionnaires.preparer(antennes=2, stages_par_antenne=3, aujourd_hui=timezone.localdate())
    avant = Reponse.objects.count()
    mesures = questionnaires.mesurer_tout(donnees, nb_requetes=3)

    assert [m.libelle.split(" ")[0] for m in mesures] == ["Kiosque", "Kiosque", "Kiosque", "Kiosque",
                                                          "Résultats", "Résultats", "Résultats"]
    assert all(len(m.durees_ms) == 3 and m.requetes > 0 for m in mesures)
    assert avant == 2 * 3 * questionnaires.REPONSES_PAR_STAGE
    assert Reponse.objects.count() == avant  # the submissions measured are cleaned up
    assert not Passation.objects.filter(stage=donnees["stage_du_jour"]).exists()
    assert "2 antennes, 7 stages, 60 réponses" in questionnaires.volumes()
    assert questionnaires.tableau_markdown(mesures).count("\n") == len(mesures) + 1


def test_les_decomptes_du_bench_sont_ceux_des_reponses(db):
    """The bench writes the month's counts itself: they must be those its answers give."""
    donnees = questionnaires.preparer(antennes=1, stages_par_antenne=6, aujourd_hui=timezone.localdate())
    antenne = donnees["antenne"]
    periode = resultats_de_la_periode(du=date(2000, 1, 1), au=timezone.localdate(), antenne=antenne)
    par_stage = [resultats_du_stage(stage=s) for s in Stage.objects.filter(antenne=antenne)
                 if Reponse.objects.filter(stage=s).exists()]
    assert periode.nb_reponses == sum(r.nb_reponses for r in par_stage) == 60
    for rang, question in enumerate(periode.questions):
        attendu = Counter()
        for resultat in par_stage:
            attendu.update({b.libelle: b.nombre for b in resultat.questions[rang].barres})
        assert {b.libelle: b.nombre for b in question.barres} == dict(attendu)
