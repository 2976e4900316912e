"""Importing workbooks: an .xlsx, .ods or .xls of orientations read through `commun.tableurs`
(whose own tests are in tests/commun/test_tableurs.py), a bomb refused with its message."""

from datetime import date
from pathlib import Path

import pytest

from commun.tableurs import COLONNES_LUES_MAX, LIGNES_LUES_MAX, FichierIllisible
from stages.imports import import_analyser, import_executer
from stages.models import Orientation
from tests.commun.classeurs import rangees_pleines, xlsx_fabriquer
from tests.factories import creer_prescripteur


def test_analyse_refuse_la_bombe_avec_son_message(antenne):
    contenu = xlsx_fabriquer(rangees_pleines(LIGNES_LUES_MAX, COLONNES_LUES_MAX, False))
    with pytest.raises(FichierIllisible, match="cellules remplies"):
        import_analyser(antenne=antenne, contenu=contenu, nom_fichier="bombe.xlsx")


# --- .xlsx, .ods and .xls --------------------------------------------------------------------

FICHIERS = Path(__file__).parent / "fichiers"  # made by fichiers/fabriquer.py


@pytest.mark.parametrize("nom", ["liste.xlsx", "liste.ods", "liste.xls"])
def test_classeurs_xlsx_ods_xls_importes(antenne, nom):
    creer_prescripteur(antenne, nom="Parquet de Perpignan")
    contenu = (FICHIERS / nom).read_bytes()

    analyse = import_executer(antenne=antenne, contenu=contenu, nom_fichier=nom)

    assert analyse.erreurs == []
    martin, durand = Orientation.objects.order_by("id").select_related("personne")
    # A real date cell is a date; a number cell is read without ".0".
    assert martin.personne.date_naissance == date(1985, 7, 14)
    assert (martin.reference, martin.personne.telephone) == ("123", "+33612345678")
    assert (martin.date_orientation, martin.date_decision) == (date(2026, 3, 2), date(2026, 2, 20))
    assert (durand.personne.date_naissance, durand.date_orientation) == (date(1990, 5, 6),
                                                                         date(2026, 3, 3))
    assert (durand.reference, durand.prescripteur, durand.personne.telephone) == (
        "PQ-7", None, "+590590123456")


def test_ods_nomme_xlsx_lu_comme_ods(antenne):
    """The first bytes tell the format, not the name."""
    creer_prescripteur(antenne, nom="Parquet de Perpignan")
    analyse = import_analyser(antenne=antenne, contenu=(FICHIERS / "liste.ods").read_bytes(),
                              nom_fichier="liste.xlsx")
    assert (analyse.erreurs, len(analyse.a_creer)) == ([], 2)
