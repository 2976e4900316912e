"""The questionnaires' benchmark code at a tiny scale, so that it cannot rot (no timing asserted)."""

from django.utils import timezone

from questionnaires.models import Passation, Reponse
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
