"""The émargement's benchmark code at a tiny scale, so that it cannot rot (no timing asserted)."""

from convocations.models import ActionTablette, Presence
from tests.perf import presences


def test_les_mesures_des_presences_tournent(db):
    mesures = presences.mesurer_tout(fois=2)
    assert len(mesures) == 6 and all(len(m.durees_ms) == 2 or not m.budget for m in mesures)
    assert all(m.requetes and min(m.requetes) > 0 for m in mesures)
    assert not Presence.objects.exists() and not ActionTablette.objects.exists()  # cleaned up
    tableau = presences.tableau_markdown(mesures)
    assert tableau.count("\n") == len(mesures) + 1 and "p95 ≤ 50 ms" in tableau
    # A second run reuses the same antenne, stage and people.
    assert len(presences.mesurer_tout(fois=2)) == 6
