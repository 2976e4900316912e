"""Workbooks made by hand, byte by byte, for the reading tests: the shapes a writer or a
forged file may take (cells without their place, repeated rows, huge shared strings)."""

import io
import zipfile

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
DEBUT_FEUILLE = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)
FIN_FEUILLE = b"</sheetData></worksheet>"


def xlsx_fabriquer(rangees, partages=None) -> bytes:
    """An .xlsx whose sheet is written row by row (`rangees`: an iterable of bytes), and
    whose shared strings are `partages` (an iterable of bytes), compressed as they come."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _CLASSEUR)
        archive.writestr("xl/_rels/workbook.xml.rels", _CLASSEUR_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as feuille:
            feuille.write(DEBUT_FEUILLE)
            for rangee in rangees:
                feuille.write(rangee)
            feuille.write(FIN_FEUILLE)
        if partages is not None:
            with archive.open("xl/sharedStrings.xml", "w") as membre:
                membre.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main">')
                for partage in partages:
                    membre.write(partage)
                membre.write(b"</sst>")
    return sortie.getvalue()


def lettres(colonne: int) -> str:
    lettres = ""
    while colonne:
        colonne, reste = divmod(colonne - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def rangees_pleines(nb_lignes: int, nb_colonnes: int, references=True):
    """Filled rows; without `references`, the cells are placed one after the other (no
    r=""), as some writers do, and as a bomb does to be smaller."""
    colonnes = [lettres(c) for c in range(1, nb_colonnes + 1)]
    for ligne in range(1, nb_lignes + 1):
        if references:
            cellules = "".join(f'<c r="{c}{ligne}"><v>1</v></c>' for c in colonnes)
        else:
            cellules = "<c><v>1</v></c>" * nb_colonnes
        yield f'<row r="{ligne}">{cellules}</row>'.encode()


_MANIFESTE = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
    'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:'
    'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_fabriquer(lignes: str) -> bytes:
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


TEXTE_ODS = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
