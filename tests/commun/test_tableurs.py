"""commun.tableurs: reading any table within bounds (zip bombs refused before parsing,
.xlsx/.ods/.xls/CSV in their encodings), and writing CSV and XLSX that spreadsheets open
as they should (dates, no formula run, French Excel's CSV)."""

import csv
import io
import random
import tracemalloc
import zipfile
from datetime import date

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from commun import tableurs
from commun.tableurs import FichierIllisible
from tests.commun.classeurs import (
    DEBUT_FEUILLE,
    FIN_FEUILLE,
    TEXTE_ODS,
    lettres,
    ods_fabriquer,
    rangees_pleines,
    xlsx_fabriquer,
)

# --- Reading: bounds -------------------------------------------------------------------------


def _refus(contenu: bytes, nom: str) -> tuple[str, int]:
    """The refusal's message and the peak of memory the reading took (Python's allocations,
    which include what zipfile unpacks)."""
    tracemalloc.start()
    try:
        with pytest.raises(FichierIllisible) as erreur:
            tableurs.lire_tableau(contenu, nom)
        return str(erreur.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MO = 2**20


def test_bombe_de_cellules_refusee_avant_lecture():
    """2.4 million cells in a 300 Ko file: openpyxl took 80 s and 2.4 Go on it."""
    contenu = xlsx_fabriquer(rangees_pleines(tableurs.LIGNES_LUES_MAX, tableurs.COLONNES_LUES_MAX,
                                     references=False))
    assert len(contenu) < 400 * 2**10

    message, pic = _refus(contenu, "bombe.xlsx")

    assert "plus de 600\u202f000 cellules remplies" in message
    assert "Découpez-le" in message
    assert pic < 20 * MO


def test_juste_trop_de_cellules_pour_une_liste_refuse():
    """Just more rows than a list has, and 30 filled columns: more cells than a list of
    20 000 rows would have."""
    contenu = xlsx_fabriquer(rangees_pleines(tableurs.LIGNES_MAX + 1, 30))
    message, _ = _refus(contenu, "large.xlsx")
    assert "cellules remplies" in message


def test_bombe_de_textes_partages_refusee_sans_decompresser():
    """60 Mo of shared strings in a small file: their declared size refuses them."""
    partages = (b"<si><t>" + b"x" * 1000 + b"</t></si>" for _ in range(60_000))
    contenu = xlsx_fabriquer([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], partages)
    assert len(contenu) < tableurs.TAILLE_MAX

    message, pic = _refus(contenu, "textes.xlsx")

    assert "trop volumineux une fois décompressé (" in message
    assert pic < 5 * MO


@pytest.mark.parametrize(("derniere", "message"), [
    # A lone cell at the sheet's far corner: the reader's grid would span 17 billion cells.
    ('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>',
     "Le fichier dépasse 20\u202f000 lignes"),
    ('<row r="200"><c r="XFD200" t="inlineStr"><is><t>y</t></is></c></row>',
     "cellules remplies jusqu'à la colonne 16384"),
])
def test_cellule_isolee_tres_loin_refusee(derniere, message):
    contenu = xlsx_fabriquer([b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                     derniere.encode()])
    assert message in _refus(contenu, "loin.xlsx")[0]


def test_cellules_vides_mises_en_forme_ne_comptent_pas():
    """Excel writes a formatted empty cell as <c r="B2" s="1"/>: not a filled cell."""
    feuille = DEBUT_FEUILLE + b"".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c>'.encode()
        + b"".join(f'<c r="{lettres(c)}{n}" s="1"/>'.encode() for c in range(2, 100))
        + b"</row>" for n in range(1, 1001)
    ) + FIN_FEUILLE
    comptage = tableurs._Comptage()
    comptage.lire(lambda: io.BytesIO(feuille))
    assert (comptage.cellules, comptage.ligne_max, comptage.colonne_max) == (1000, 1000, 1)


@pytest.mark.parametrize("references", [True, False])
def test_comptage_par_morceaux_sans_rien_perdre_a_la_coupure(monkeypatch, references):
    """A tag or a row cut between two chunks is counted once, whichever way it is counted."""
    monkeypatch.setattr(tableurs, "_MORCEAU", 7)
    feuille = DEBUT_FEUILLE + b"".join(rangees_pleines(50, 30, references)) + FIN_FEUILLE
    comptage = tableurs._Comptage()
    comptage.lire(lambda: io.BytesIO(feuille))
    assert comptage.cellules == 1500
    if not references:  # counted row by row, every place known
        assert (comptage.ligne_max, comptage.colonne_max) == (50, 30)


# --- Reading: formats and encodings ---------------------------------------------------------


def _zip(**membres: bytes) -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        for nom, donnees in membres.items():
            archive.writestr(nom, donnees)
    return sortie.getvalue()


def _bombe() -> bytes:
    """A small zip that claims more than 100 Mo once unpacked."""
    sortie = io.BytesIO()
    with (zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive,
          archive.open("xl/worksheets/sheet1.xml", "w") as membre):
        for _ in range(tableurs.DECOMPRESSE_MAX // 2**20 + 1):
            membre.write(bytes(2**20))
    return sortie.getvalue()


def _trop_de_lignes() -> bytes:
    return "\n".join(["Nom;Date"] + [f"Nom{n};01/01/1980" for n in range(tableurs.LIGNES_MAX + 1)]).encode()


_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(40)
_CSV = "Nom;Prénom\nMartin;Léo\n"


@pytest.mark.parametrize(("contenu", "nom", "message"), [
    (random.Random(1).randbytes(3000), "donnees.csv", "données binaires"),
    (_PNG, "photo.png", "ni un CSV ni un classeur Excel"),
    (b"", "vide.csv", "Le fichier est vide."),
    (b"\xef\xbb\xbf\r\n  \r\n", "vide.csv", "Le fichier est vide."),
    (b"Nom;Pr\xc3\xa9nom\n", "titres.csv", "aucune ligne sous la ligne des titres"),
    (_CSV.encode(), "liste.xlsx", "« liste.xlsx » n'est pas un vrai classeur Excel (.xlsx)."),
    (_CSV.encode(), "liste.ODS", "« liste.ODS » n'est pas un vrai classeur OpenDocument (.ods)."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "ancien.xls",
     "n'est pas un classeur Excel 97-2003 (.xls) lisible"),
    (_zip(**{"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "l.ods",
     "n'est pas un classeur OpenDocument (.ods) lisible"),
    (b"PK\x03\x04" + bytes(100), "tronque.xlsx", "n'est pas un classeur Excel (.xlsx) lisible"),
    (_bombe(), "bombe.xlsx", "trop volumineux une fois décompressé"),
    (b"x" * (tableurs.TAILLE_MAX + 1), "gros.csv", "Le fichier dépasse 5 Mo"),
    (_trop_de_lignes(), "long.csv", "Le fichier dépasse 20\u202f000 lignes"),
    (('Nom;Prénom\n"' + "x" * 200_000 + '"\n').encode(), "l.csv", "mal formé"),
    (b"\xff\xfe" + "Nom\tPrénom\n".encode("utf-16-le")[:-1], "unicode.txt",
     "L'encodage du fichier n'est pas reconnu."),
])
def test_fichier_inutilisable_message_en_francais(contenu, nom, message):
    with pytest.raises(FichierIllisible) as erreur:
        tableurs.lire_tableau(contenu, nom)
    assert message in str(erreur.value)


def test_sans_lignes_dans_les_mots_de_l_appelant():
    with pytest.raises(FichierIllisible, match="^Aucun stage sous les titres.$"):
        tableurs.lire_tableau(b"Nom;Date\n", "l.csv", sans_lignes="Aucun stage sous les titres.")


@pytest.mark.parametrize(("contenu", "separateur"), [
    (_CSV.encode("utf-8"), ";"),
    (b"\xef\xbb\xbf" + _CSV.encode("utf-8"), ";"),  # Excel's "CSV UTF-8"
    (_CSV.replace(";", ",").encode("cp1252"), ","),  # old Excel
    (("\ufeff" + _CSV.replace(";", "\t")).encode("utf-16-le"), "\t"),  # "texte Unicode"
])
def test_csv_encodages_et_separateurs(contenu, separateur):
    assert tableurs.lire_tableau(contenu, "l.csv") == (["Nom", "Prénom"], [(2, ["Martin", "Léo"])])


def test_titres_sous_des_lignes_vides_numeros_de_ligne_du_tableur():
    classeur = Workbook()
    feuille = classeur.active
    for rangee in ([], ["Nom", "Né le"], [], [None, ""], ["Martin", date(1985, 7, 14)], [12.0, 3.5]):
        feuille.append(rangee)
    sortie = io.BytesIO()
    classeur.save(sortie)

    entetes, lignes = tableurs.lire_tableau(sortie.getvalue(), "l.xlsx")

    assert entetes == ["Nom", "Né le"]
    assert [numero for numero, _ in lignes] == [5, 6]
    assert lignes[0][1][1] == date(1985, 7, 14)  # a real date stays one
    assert [tableurs.lire_texte(valeur) for valeur in lignes[1][1]] == ["12", "3.5"]


@hypothesis_settings(max_examples=150, deadline=None)
@given(contenu=st.binary(max_size=3000), nom=st.sampled_from(["x.csv", "x.xlsx", "x.ods", "x.xls"]))
def test_octets_quelconques_jamais_d_autre_exception(contenu, nom):
    try:
        entetes, lignes = tableurs.lire_tableau(contenu, nom)
    except FichierIllisible as erreur:
        assert str(erreur)
    else:
        assert entetes and lignes


@pytest.mark.parametrize(("lignes", "message"), [
    # One row of 60 filled cells, repeated 40 000 times: 2.4 million cells in 1 Ko.
    ('<table:table-row table:number-rows-repeated="40000">'
     '<table:table-cell table:number-columns-repeated="60" office:value-type="string">'
     "<text:p>x</text:p></table:table-cell></table:table-row>", "cellules remplies"),
    # Empty rows repeated down to a last filled one.
    (f"<table:table-row>{TEXTE_ODS}</table:table-row>"
     '<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>'
     f"<table:table-row>{TEXTE_ODS}</table:table-row>", "Le fichier dépasse 20\u202f000 lignes"),
])
def test_bombe_ods_refusee_avant_lecture(lignes, message):
    message_lu, pic = _refus(ods_fabriquer(lignes), "bombe.ods")
    assert message in message_lu
    assert pic < 5 * MO


def test_ods_vide_en_fin_de_feuille_accepte():
    """LibreOffice ends every sheet with empty rows and cells repeated to its last row."""
    lignes = (
        f"<table:table-row>{TEXTE_ODS.replace('>x<', '>Nom<')}"
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        f"<table:table-row>{TEXTE_ODS}"
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    entetes, lignes_lues = tableurs.lire_tableau(ods_fabriquer(lignes), "l.ods")
    assert (entetes[0], lignes_lues[0][0], lignes_lues[0][1][0]) == ("Nom", 2, "x")


# --- Writing ---------------------------------------------------------------------------------

TITRES = ("Nom", "Né le", "Libellé")
RANGEES = [
    ["=HYPERLINK(\"http://x.invalid\")", date(1985, 4, 12), "=1+1"],
    ["Son\x07ore", None, "@SOMME"],
    ["P" * 90, date(2026, 3, 2), "texte"],
]


def _lignes_csv(morceaux) -> list[list[str]]:
    contenu = "".join(morceaux).encode()
    assert contenu.startswith(b"\xef\xbb\xbf")  # BOM: French Excel reads UTF-8
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def test_csv_dates_francaises_et_formules_neutralisees_dans_les_colonnes_libres():
    lignes = _lignes_csv(tableurs.morceaux_csv(
        TITRES, [list(r) for r in RANGEES], dates=[1], libres=[0]
    ))

    assert lignes[0] == list(TITRES)
    assert lignes[1] == ["'=HYPERLINK(\"http://x.invalid\")", "12/04/1985", "=1+1"]
    assert lignes[2][1:] == ["", "@SOMME"]  # our own labels are left as they are
    # Read back, the quote goes again.
    assert tableurs.lire_texte(lignes[1][0]) == "=HYPERLINK(\"http://x.invalid\")"


def test_csv_ligne_par_ligne():
    morceaux = tableurs.morceaux_csv(TITRES, iter([["a", None, "b"]]))
    assert [next(morceaux), next(morceaux), next(morceaux)] == ["\ufeff", "Nom;Né le;Libellé\r\n", "a;;b\r\n"]


def _xlsx(**options) -> bytes:
    sortie = io.BytesIO()
    tableurs.ecrire_xlsx(TITRES, [list(r) for r in RANGEES], sortie, feuille="Feuille", dates=[1],
                         **options)
    return sortie.getvalue()


def test_xlsx_vraies_dates_texte_sans_formule_ni_caractere_de_controle():
    classeur = load_workbook(io.BytesIO(_xlsx()))
    feuille = classeur["Feuille"]

    naissance = feuille["B2"]
    assert naissance.is_date and naissance.value.date() == date(1985, 4, 12)
    assert naissance.number_format == "DD/MM/YYYY"
    assert (feuille["A2"].value, feuille["A2"].data_type) == ("=HYPERLINK(\"http://x.invalid\")", "s")
    assert feuille["A3"].value == "Sonore"
    assert feuille["B3"].value is None


def test_xlsx_entete_figee_filtre_et_largeurs_bornees():
    feuille = load_workbook(io.BytesIO(_xlsx(largeurs_min={"Libellé": 30}))).active

    assert feuille.freeze_panes == "A2"
    assert feuille.auto_filter.ref == "A1:C4"
    assert 60 <= feuille.column_dimensions["A"].width < 61  # 90 characters, bounded
    assert 10 <= feuille.column_dimensions["B"].width < 11
    assert 30 <= feuille.column_dimensions["C"].width < 31
    assert feuille["A1"].font.bold


def test_xlsx_relu_par_calamine_comme_a_la_lecture():
    entetes, lignes = tableurs.lire_tableau(_xlsx(), "t.xlsx")
    assert entetes == list(TITRES)
    assert [numero for numero, _ in lignes] == [2, 3, 4]
    lues = CalamineWorkbook.from_filelike(io.BytesIO(_xlsx())).get_sheet_by_index(0).to_python()
    assert lues[1][1] == date(1985, 4, 12)


def test_xlsx_sans_ligne_garde_ses_titres():
    sortie = io.BytesIO()
    tableurs.ecrire_xlsx(TITRES, [], sortie, feuille="Vide")
    feuille = load_workbook(io.BytesIO(sortie.getvalue())).active
    assert [c.value for c in feuille[1]] == list(TITRES)
    assert feuille.auto_filter.ref == "A1:C1"


def test_reponses_de_telechargement():
    csv_ = tableurs.reponse_csv(tableurs.morceaux_csv(TITRES, iter([["é", None, "x"]])), nom="liste-é")
    assert csv_.streaming and csv_["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_["Content-Disposition"] == "attachment; filename*=utf-8''liste-%C3%A9.csv"
    assert b"".join(csv_.streaming_content).decode("utf-8-sig").splitlines()[1] == "é;;x"

    xlsx = tableurs.reponse_xlsx(
        lambda sortie: tableurs.ecrire_xlsx(TITRES, [], sortie, feuille="F"), nom="liste"
    )
    assert xlsx["Content-Type"] == tableurs.TYPE_XLSX
    assert xlsx["Content-Disposition"] == 'attachment; filename="liste.xlsx"'
    assert load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active["C1"].value == "Libellé"
