"""The convocations' benchmark code at a tiny scale, so that it cannot rot (no timing asserted)."""

from datetime import date

from commun.models import Envoi
from tests.perf import convocations


def test_les_mesures_des_convocations_tournent(db):
    stage = convocations.preparer(aujourd_hui=date(2026, 12, 1))
    lignes = convocations.mesurer_documents(stage, aujourd_hui=date(2026, 12, 1), fois=1)
    lignes.append(convocations.mesurer_convoquer(stage, fois=1))

    assert len(lignes) == 6 and all(ligne.ours_ms > 0 for ligne in lignes)
    assert "WeasyPrint" in lignes[4].libelle
    assert not Envoi.objects.exists()  # the measure cleans up after itself
    tableau = convocations.tableau_markdown(lignes)
    assert tableau.count("\n") == len(lignes) + 1 and "≤ 1 000 ms" in tableau
