"""What an export carries comes back unchanged when it is imported again, in another antenne
or in the same one, even after a spreadsheet opened and saved it."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from stages import exports
from stages.imports import import_analyser, import_executer
from stages.models import Orientation, Personne
from stages.selectors import FiltresListe
from stages.services import echeance_prolonger
from tests.factories import creer_antenne, creer_orientation, creer_prescripteur
from tests.stages.test_import import en_xlsx
from tests.stages.test_telephones import AMBIGUS, exemples, saisie_habituelle

PARQUET = "Parquet de Perpignan"


def exporter(antenne, format_: str) -> bytes:
    rangees = exports.rangees_liste_attente(antenne, FiltresListe(), timezone.localdate())
    if format_ == "csv":
        return "".join(exports.morceaux_csv(rangees)).encode()
    sortie = io.BytesIO()
    exports.ecrire_xlsx(rangees, sortie)
    return sortie.getvalue()


def en_csv(entetes: list[str], rangees: list[list]) -> bytes:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(entetes)
    ecrivain.writerows(rangees)
    return sortie.getvalue().encode()


@pytest.fixture
def deux_antennes(antenne, autre_antenne):
    for antenne_ in (antenne, autre_antenne):
        creer_prescripteur(antenne_, nom=PARQUET)
    return antenne, autre_antenne


def telephones(antenne) -> dict[str, str]:
    return dict(Orientation.objects.filter(antenne=antenne)
                .values_list("personne__nom", "personne__telephone"))


def test_numeros_de_chaque_pays_importes_exportes_reimportes(deux_antennes):
    """phonenumbers' example landline and mobile of its 245 regions (489 numbers): before,
    16 came back unchanged."""
    antenne, autre_antenne = deux_antennes
    attendus, rangees = {}, []
    for numero, (region, e164) in enumerate(exemples()):
        nom = f"Essai {numero:03d} {region}"  # nom and prénom are words: no digit
        nom = nom.translate(str.maketrans("0123456789", "abcdefghij"))
        saisie = e164 if region in AMBIGUS else saisie_habituelle(region, e164)
        attendus[nom] = e164
        rangees.append([nom, "Camille", "Femme", "01/02/1990", saisie, PARQUET, "41-1",
                        f"R-{numero}", "02/03/2026", "20/02/2026"])
    fichier = en_csv(["Nom", "Prénom", "Sexe", "Date de naissance", "Téléphone", "Prescripteur",
                      "Cadre", "Référence", "Date d'orientation", "Date de décision"], rangees)
    import_executer(antenne=antenne, contenu=fichier, nom_fichier="numeros.csv")
    assert telephones(antenne) == attendus

    troisieme = creer_antenne()
    creer_prescripteur(troisieme, nom=PARQUET)

    for format_, antenne_ in (("csv", autre_antenne), ("xlsx", troisieme)):
        import_executer(antenne=antenne_, contenu=exporter(antenne, format_),
                        nom_fichier=f"export.{format_}")
        assert telephones(antenne_) == attendus, format_


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_echeance_prolongee_garde_son_echeance_initiale_et_l_accord(deux_antennes, format_):
    antenne, autre_antenne = deux_antennes
    orientation = creer_orientation(antenne, prescripteur=antenne.prescripteurs.get())
    initiale = orientation.echeance
    echeance_prolonger(orientation=orientation, nouvelle_echeance=initiale + timedelta(days=60),
                       motif="Deux reports", accord="Mme Martin, parquet, courriel du 12/11/2026")

    import_executer(antenne=autre_antenne, contenu=exporter(antenne, format_),
                    nom_fichier=f"export.{format_}")

    reimportee = Orientation.objects.get(antenne=autre_antenne)
    assert (reimportee.echeance, reimportee.echeance_initiale, reimportee.accord_prolongation) == (
        initiale + timedelta(days=60), initiale, "Mme Martin, parquet, courriel du 12/11/2026"
    )
    assert reimportee.est_prolongee


def test_echeance_initiale_apres_l_echeance_refusee(deux_antennes):
    antenne, _ = deux_antennes
    contenu = en_csv(
        ["Nom", "Prénom", "Sexe", "Date de naissance", "Prescripteur", "Cadre",
         "Date d'orientation", "Date de décision", "Échéance", "Échéance initiale"],
        [["Martin", "Léo", "H", "14/07/1985", PARQUET, "41-1", "02/03/2026", "20/02/2026",
          "20/08/2026", "20/09/2026"]],
    )
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    assert [(e.colonne, e.message) for e in analyse.erreurs] == [(
        "Échéance initiale",
        "L'échéance initiale ne peut pas être postérieure à l'échéance (prolongée).",
    )]


TITRES = ["Nom", "Prénom", "Sexe", "Date de naissance", "Prescripteur", "Cadre",
          "Date d'orientation", "Date de décision", "Date définitive"]


def _ligne(**champs) -> list:
    valeurs = {"Nom": "Martin", "Prénom": "Léo", "Sexe": "H", "Date de naissance": "14/07/1985",
               "Prescripteur": PARQUET, "Cadre": "131-5-1", "Date d'orientation": "02/03/2026",
               "Date de décision": "20/02/2026", "Date définitive": "25/02/2026"} | champs
    return [valeurs[titre] for titre in TITRES]


@pytest.mark.parametrize(("cadre", "lu"), [
    ("0131-04-30 00:00:00", "0131-04-30 00:00:00"),  # LibreOffice's CSV
    (datetime(1941, 1, 1), "01/01/1941"),  # 41-1 in a date cell  # noqa: DTZ001
])
def test_cadre_pris_pour_une_date_explique(deux_antennes, cadre, lu):
    antenne, _ = deux_antennes
    if isinstance(cadre, datetime):
        contenu = en_xlsx(TITRES, _ligne(Cadre=cadre))
    else:
        contenu = en_csv(TITRES, [_ligne(Cadre=cadre)])
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="resauve")
    assert [(e.colonne, e.message) for e in analyse.erreurs] == [("Cadre", (
        f"Le tableur a pris ce cadre pour une date (« {lu} ») : écrivez son libellé, par exemple "
        "« Peine de stage (C. pén. 131-5-1) », ou mettez la colonne au format texte avant de "
        "saisir le code."
    ))]


@pytest.mark.parametrize(("contenu", "lu", "perdue"), [
    # Nguyễn saved by a spreadsheet in Windows-1252, which has no « ễ »…
    (en_csv(TITRES, [_ligne(Nom="Nguyễn")]).decode().encode("cp1252", errors="replace"),
     "Nguy?n", "?"),
    # … or by a tool that put the replacement character in its place.
    (en_csv(TITRES, [_ligne(Nom="Nguy\ufffdn")]), "Nguy\ufffdn", "\ufffd"),
])
def test_lettre_perdue_a_l_enregistrement_refusee(deux_antennes, contenu, lu, perdue):
    antenne, _ = deux_antennes
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="windows.csv")
    assert [(e.colonne, e.message) for e in analyse.erreurs] == [("Nom", (
        f"« {lu} » contient « {perdue} » à la place d'une lettre, perdue quand le fichier a été "
        "enregistré : enregistrez-le en CSV UTF-8 ou en classeur Excel (.xlsx), puis déposez-le "
        "à nouveau."
    ))]
    assert Personne.objects.count() == 0
