"""Reading the imported workbooks: zip bombs refused before parsing, .xlsx/.ods/.xls read."""

import io
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest

from stages.imports import FichierIllisible, fichiers, import_analyser, import_executer
from stages.models import Orientation
from tests.factories import creer_prescripteur

# The parts of an .xlsx that a reader needs to find its first sheet.
_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_CLASSEUR = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="F" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_CLASSEUR_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_DEBUT_FEUILLE = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)
_FIN_FEUILLE = b"</sheetData></worksheet>"


def _xlsx(rangees, partages=None) -> bytes:
    """An .xlsx whose sheet is written row by row (`rangees`: an iterable of bytes), and
    whose shared strings are `partages` (an iterable of bytes), compressed as they come."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _CLASSEUR)
        archive.writestr("xl/_rels/workbook.xml.rels", _CLASSEUR_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as feuille:
            feuille.write(_DEBUT_FEUILLE)
            for rangee in rangees:
                feuille.write(rangee)
            feuille.write(_FIN_FEUILLE)
        if partages is not None:
            with archive.open("xl/sharedStrings.xml", "w") as membre:
                membre.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main">')
                for partage in partages:
                    membre.write(partage)
                membre.write(b"</sst>")
    return sortie.getvalue()


def _lettres(colonne: int) -> str:
    lettres = ""
    while colonne:
        colonne, reste = divmod(colonne - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _rangees_pleines(nb_lignes: int, nb_colonnes: int, references=True):
    """Filled rows; without `references`, the cells are placed one after the other (no
    r=""), as some writers do, and as a bomb does to be smaller."""
    colonnes = [_lettres(c) for c in range(1, nb_colonnes + 1)]
    for ligne in range(1, nb_lignes + 1):
        if references:
            cellules = "".join(f'<c r="{c}{ligne}"><v>1</v></c>' for c in colonnes)
        else:
            cellules = "<c><v>1</v></c>" * nb_colonnes
        yield f'<row r="{ligne}">{cellules}</row>'.encode()


def _refus(contenu: bytes, nom: str) -> tuple[str, int]:
    """The refusal's message and the peak of memory the reading took (Python's allocations,
    which include what zipfile unpacks)."""
    tracemalloc.start()
    try:
        with pytest.raises(FichierIllisible) as erreur:
            fichiers.lire_tableau(contenu, nom)
        return str(erreur.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MO = 2**20


def test_bombe_de_cellules_refusee_avant_lecture():
    """2.4 million cells in a 300 Ko file: openpyxl took 80 s and 2.4 Go on it."""
    contenu = _xlsx(_rangees_pleines(fichiers.LIGNES_LUES_MAX, fichiers.COLONNES_LUES_MAX,
                                     references=False))
    assert len(contenu) < 400 * 2**10

    message, pic = _refus(contenu, "bombe.xlsx")

    assert "plus de 600\u202f000 cellules remplies" in message
    assert "Découpez-le" in message
    assert pic < 20 * MO


def test_juste_trop_de_cellules_pour_une_liste_refuse():
    """Just more rows than a list has, and 30 filled columns: more cells than a list of
    20 000 rows would have."""
    contenu = _xlsx(_rangees_pleines(fichiers.LIGNES_MAX + 1, 30))
    message, _ = _refus(contenu, "large.xlsx")
    assert "cellules remplies" in message


def test_bombe_de_textes_partages_refusee_sans_decompresser():
    """60 Mo of shared strings in a small file: their declared size refuses them."""
    partages = (b"<si><t>" + b"x" * 1000 + b"</t></si>" for _ in range(60_000))
    contenu = _xlsx([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], partages)
    assert len(contenu) < fichiers.TAILLE_MAX

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
    contenu = _xlsx([b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                     derniere.encode()])
    assert message in _refus(contenu, "loin.xlsx")[0]


def test_cellules_vides_mises_en_forme_ne_comptent_pas():
    """Excel writes a formatted empty cell as <c r="B2" s="1"/>: not a filled cell."""
    feuille = _DEBUT_FEUILLE + b"".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c>'.encode()
        + b"".join(f'<c r="{_lettres(c)}{n}" s="1"/>'.encode() for c in range(2, 100))
        + b"</row>" for n in range(1, 1001)
    ) + _FIN_FEUILLE
    comptage = fichiers._Comptage()
    comptage.lire(lambda: io.BytesIO(feuille))
    assert (comptage.cellules, comptage.ligne_max, comptage.colonne_max) == (1000, 1000, 1)


@pytest.mark.parametrize("references", [True, False])
def test_comptage_par_morceaux_sans_rien_perdre_a_la_coupure(monkeypatch, references):
    """A tag or a row cut between two chunks is counted once, whichever way it is counted."""
    monkeypatch.setattr(fichiers, "_MORCEAU", 7)
    feuille = _DEBUT_FEUILLE + b"".join(_rangees_pleines(50, 30, references)) + _FIN_FEUILLE
    comptage = fichiers._Comptage()
    comptage.lire(lambda: io.BytesIO(feuille))
    assert comptage.cellules == 1500
    if not references:  # counted row by row, every place known
        assert (comptage.ligne_max, comptage.colonne_max) == (50, 30)


def test_analyse_refuse_la_bombe_avec_son_message(antenne):
    contenu = _xlsx(_rangees_pleines(fichiers.LIGNES_LUES_MAX, fichiers.COLONNES_LUES_MAX, False))
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


_MANIFESTE = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
    'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:'
    'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods(lignes: str) -> bytes:
    """An .ods made by hand: its mimetype first, stored, its manifest, then its table."""
    contenu = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        f'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="F">'
        f"{lignes}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _MANIFESTE)
        archive.writestr("content.xml", contenu)
    return sortie.getvalue()


_TEXTE_ODS = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize(("lignes", "message"), [
    # One row of 60 filled cells, repeated 40 000 times: 2.4 million cells in 1 Ko.
    ('<table:table-row table:number-rows-repeated="40000">'
     '<table:table-cell table:number-columns-repeated="60" office:value-type="string">'
     "<text:p>x</text:p></table:table-cell></table:table-row>", "cellules remplies"),
    # Empty rows repeated down to a last filled one.
    (f"<table:table-row>{_TEXTE_ODS}</table:table-row>"
     '<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>'
     f"<table:table-row>{_TEXTE_ODS}</table:table-row>", "Le fichier dépasse 20\u202f000 lignes"),
])
def test_bombe_ods_refusee_avant_lecture(lignes, message):
    message_lu, pic = _refus(_ods(lignes), "bombe.ods")
    assert message in message_lu
    assert pic < 5 * MO


def test_ods_vide_en_fin_de_feuille_accepte():
    """LibreOffice ends every sheet with empty rows and cells repeated to its last row."""
    lignes = (
        f"<table:table-row>{_TEXTE_ODS.replace('>x<', '>Nom<')}"
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        f"<table:table-row>{_TEXTE_ODS}"
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    entetes, lignes_lues = fichiers.lire_tableau(_ods(lignes), "l.ods")
    assert (entetes[0], lignes_lues[0][0], lignes_lues[0][1][0]) == ("Nom", 2, "x")
