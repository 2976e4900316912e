"""The payments' bench at a tiny scale, so that it cannot rot (no timing asserted here)."""

from datetime import date

import pytest
from django.db.models import Count

from paiements.models import CompteurRecus, Paiement, Recu, SommeDue
from stages.models import Antenne
from tests.perf import donnees, mesure
from tests.perf import paiements as paiements_bench


@pytest.fixture
def base(db):
    donnees.generer(nb_antennes=2, nb_orientations=60, aujourd_hui=date(2026, 3, 3))
    paiements_bench.preparer(aujourd_hui=date(2026, 3, 3), par_antenne=20, annoncer=lambda _: None)


def test_un_an_de_paiements_numerotes_sans_trou(base):
    assert SommeDue.objects.count() == 40
    for antenne in Antenne.objects.all():
        for annee, nombre in (Recu.objects.filter(antenne=antenne).values_list("annee")
                              .annotate(n=Count("pk")).order_by()):
            rangs = sorted(Recu.objects.filter(antenne=antenne, annee=annee).values_list("rang", flat=True))
            assert rangs == list(range(1, nombre + 1))
            assert CompteurRecus.objects.get(antenne=antenne, annee=annee).dernier == nombre
    assert Paiement.objects.filter(montant__lte=0).count() == 0


def test_les_pages_et_le_recu_se_mesurent(base):
    antenne = Antenne.objects.get(code=donnees.code_antenne(1))
    resultats = mesure.mesurer_tout(paiements_bench.SCENARIOS, antenne=antenne, nb_requetes=2)
    assert [r.probleme for r in resultats] == [""] * len(paiements_bench.SCENARIOS)
    recu = paiements_bench.mesurer_recu(fois=1)
    assert set(recu) == {"recu", "reportlab_nu", "platypus_nu"}
    texte = paiements_bench.section(resultats, recu, nb_requetes=2, antenne=antenne)
    assert "| un reçu |" in texte and "/paiements/suivi/" in texte
