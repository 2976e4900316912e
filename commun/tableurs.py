"""Spreadsheets in and out, for every app: reading an uploaded CSV, .xlsx, .ods or .xls into a
header row and numbered rows within bounds no upload can exceed (size, rows, columns, unpacked
size: zip bombs are refused before parsing), and writing rows as CSV (French Excel) or XLSX.

No domain rule here: the apps name their columns and build their rows.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import islice
from typing import BinaryIO

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header


class FichierIllisible(Exception):
    """The file as a whole cannot be read as a table; the message is for the user, in French."""


TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula for a spreadsheet (CSV injection).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")

# --- Reading ---------------------------------------------------------------------------------

TAILLE_MAX = 5 * 1024 * 1024
LIGNES_MAX = 20_000
# Blank lines are skipped, but not endlessly: a sheet may claim a million empty rows.
LIGNES_LUES_MAX = 2 * LIGNES_MAX
COLONNES_LUES_MAX = 60
# An .xlsx or .ods is a zip: the declared size of its unpacked parts bounds what is read
# (Python's zipfile never inflates a member past its declared size).
DECOMPRESSE_MAX = 20 * TAILLE_MAX
# No part of a 20 000-row table comes near this: 20 000 rows of 23 columns with long texts
# unpack to about 15 Mo for their sheet.
PARTIE_MAX = 10 * TAILLE_MAX
# Filled cells of a 20 000-row table of some 25 columns, and more. A sheet is
# refused past it before it is parsed (a 278 Ko file may hold 2.4 million cells).
CELLULES_MAX = 30 * LIGNES_MAX
# The grid that a reader allocates spans every filled cell: a lone cell far down or far right
# would make it huge.
GRILLE_MAX = LIGNES_LUES_MAX * COLONNES_LUES_MAX
TAILLE_MAX_TEXTE = f"{TAILLE_MAX // 2**20} Mo"
LIGNES_MAX_TEXTE = f"{LIGNES_MAX:,}".replace(",", "\u202f")
TROP_GROS = f"Le fichier dépasse {TAILLE_MAX_TEXTE} : découpez-le en plusieurs fichiers."
TROP_DE_LIGNES = f"Le fichier dépasse {LIGNES_MAX_TEXTE} lignes : découpez-le en plusieurs fichiers."


_BINAIRE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CSV_INVITE = "Enregistrez-le en CSV (UTF-8), en classeur Excel (.xlsx) ou OpenDocument (.ods)."


def _texte_csv(contenu: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's 'texte Unicode'), or cp1252 (old Excel)."""
    binaire = FichierIllisible(
        f"Ce fichier n'est ni un CSV ni un classeur Excel ou OpenDocument : il contient des données "
        f"binaires. {_CSV_INVITE}"
    )
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodages = ("utf-16",)
    elif b"\x00" in contenu:
        raise binaire
    else:
        encodages = ("utf-8-sig", "cp1252")
    for encodage in encodages:
        try:
            texte = contenu.decode(encodage)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FichierIllisible(f"L'encodage du fichier n'est pas reconnu. {_CSV_INVITE}")
    if _BINAIRE.search(texte):
        raise binaire
    return texte


def _lignes_csv(contenu: bytes) -> Iterator[list]:
    texte = _texte_csv(contenu)
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    separateur = max(";,\t", key=premiere.count)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    try:
        yield from lecteur
    except csv.Error:
        raise FichierIllisible(
            f"Le fichier CSV est mal formé vers la ligne {lecteur.line_num} (guillemet non "
            f"fermé ou cellule trop longue). {_CSV_INVITE}"
        ) from None


def _nombre(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")


def _trop_volumineux(taille: int) -> FichierIllisible:
    return FichierIllisible(
        f"Ce classeur est trop volumineux une fois décompressé ({filesizeformat(taille)}). "
        "Découpez-le en plusieurs fichiers."
    )


# A row of an .xlsx sheet (<row r="3">…</row>) or of an .ods table (<table:table-row>, which
# may be repeated), self-closed when empty; its cells are counted inside it.
_RANGEE = re.compile(
    rb"<((?:[\w.-]+:)?(?:row|table-row))(?=[\s/>])([^<>]*?)(?:/>|>(.*?)</\1\s*>)", re.DOTALL
)
_DEBUT_RANGEE = re.compile(rb"<(?:[\w.-]+:)?(?:row|table-row)(?=[\s/>])")
# In an .xlsx row: a filled cell has a closing tag (an empty one is <c r="B3" s="1"/>).
# The place of a filled cell (not self-closed).
_REFERENCE = re.compile(rb'<(?:[\w.-]+:)?c\s[^<>]*?\br="([A-Z]{1,3})([0-9]{1,9})"[^<>]*(?<!/)>')
_NUMERO = re.compile(rb'\sr="([0-9]{1,9})"')
_CELLULE_ODS = re.compile(rb"<(?:[\w.-]+:)?(?:covered-)?table-cell(?=[\s/>])([^<>]*?)(/?)>")
_REPETE = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]{1,9})"')
_RACINE = re.compile(rb"<([\w.-]+:)?(worksheet|document-content)(?=[\s/>])")
# Cells beyond column Z, rows past 9 999: the only ones that may widen the grid much.
_COLONNE_LOIN = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_LIGNE_LOIN = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{5,9})"[^<>]*(?<!/)>')
_MORCEAU = 2**20
_RANGEE_MAX = 8 * _MORCEAU  # one row of 16 384 columns is under 1 Mo


def _colonne(lettres: bytes) -> int:
    numero = 0
    for lettre in lettres:
        numero = numero * 26 + lettre - 64
    return numero


def _repetition(attributs: bytes) -> int:
    trouve = _REPETE.search(attributs)
    return int(trouve[1]) if trouve else 1


class _Comptage:
    """The filled cells of one sheet and the grid they span (which a reader allocates), counted
    row by row while the sheet is unpacked in chunks: it stops at the first limit passed."""

    def __init__(self):
        self.cellules = self.ligne_max = self.colonne_max = 0
        self.ligne = 0  # of the last row read
        self.prefixe = b""  # of the sheet's tags, "x:" in <x:c>

    def rangee(self, nom: bytes, attributs: bytes, corps: bytes | None) -> None:
        if nom.endswith(b"table-row"):
            self._rangee_ods(_repetition(attributs), corps or b"")
        else:
            trouve = _NUMERO.search(attributs)
            self.ligne = int(trouve[1]) if trouve else self.ligne + 1
            if corps:
                self._rangee_xlsx(corps)
        self._verifier()

    def _rangee_xlsx(self, corps: bytes) -> None:
        prefixe = self.prefixe
        remplies = corps.count(b"</" + prefixe + b"c>")
        if not remplies:
            return
        self.cellules += remplies
        references = _REFERENCE.findall(corps) if b' r="' in corps else []
        colonne = max((_colonne(lettres) for lettres, _ in references), default=0)
        ligne = max((int(numero) for _, numero in references), default=self.ligne)
        balises = sum(corps.count(b"<" + prefixe + b"c" + fin) for fin in (b" ", b">", b"/"))
        if balises > corps.count(b"<" + prefixe + b'c r="'):  # placed one after the other
            colonne += balises
        self.ligne_max = max(self.ligne_max, self.ligne, ligne)
        self.colonne_max = max(self.colonne_max, colonne)

    def _rangee_ods(self, repetition: int, corps: bytes) -> None:
        self.ligne += repetition
        colonne = largeur = remplies = 0
        for attributs, ferme in _CELLULE_ODS.findall(corps):
            nombre = _repetition(attributs) if b"repeated" in attributs else 1
            colonne += nombre
            if not ferme:
                remplies += nombre
                largeur = colonne
        if remplies:
            self.cellules += remplies * repetition
            self.ligne_max = self.ligne
            self.colonne_max = max(self.colonne_max, largeur)

    def _verifier(self) -> None:
        if self.cellules > CELLULES_MAX:
            raise FichierIllisible(
                f"Ce classeur a plus de {_nombre(CELLULES_MAX)} cellules remplies : ce n'est pas "
                f"une liste de {LIGNES_MAX_TEXTE} lignes au plus. Découpez-le en plusieurs "
                "fichiers ou retirez les colonnes inutiles."
            )
        if self.ligne_max > LIGNES_LUES_MAX:
            raise FichierIllisible(TROP_DE_LIGNES)
        if self.ligne_max * self.colonne_max > GRILLE_MAX:
            raise FichierIllisible(
                f"Ce classeur a des cellules remplies jusqu'à la colonne {self.colonne_max} : "
                "effacez les cellules inutiles à droite du tableau, ou découpez-le en plusieurs "
                "fichiers."
            )

    def lire(self, ouvrir) -> None:
        """`ouvrir()`: a new stream of the sheet, each time from its start."""
        with ouvrir() as flux:
            debut = flux.read(max(_MORCEAU, 4096))
            racine = _RACINE.search(debut)
            if racine is None:
                return  # not a sheet: no reader takes cells from it
            if racine[2] == b"worksheet" and not racine[1] and not self._compter_xlsx(debut, flux):
                return
            self.prefixe = racine[1] or b""
        with ouvrir() as flux:
            self._compter_rangees(flux.read(_MORCEAU), flux)

    def _compter_xlsx(self, debut: bytes, flux) -> bool:
        """The common .xlsx (Excel, LibreOffice, openpyxl...: every tag unprefixed, every row
        and cell with its r="", at most 60 columns), counted without splitting rows. False:
        not one of those, to count row by row."""
        reste, morceau = b"", debut
        while reste or morceau:
            texte = reste + morceau
            coupure = texte.rfind(b"<") if morceau else len(texte)
            if coupure <= 0:
                coupure = len(texte)
            partie, reste = texte[:coupure], texte[coupure:]
            if (partie.count(b"<c ") + partie.count(b"<c>") != partie.count(b'<c r="')
                    or partie.count(b"<row ") + partie.count(b"<row>") != partie.count(b'<row r="')):
                self.__init__()
                return True
            self.cellules += partie.count(b"</c>")
            colonnes = set(_COLONNE_LOIN.findall(partie))
            if max(map(_colonne, colonnes), default=0) > GRILLE_MAX // LIGNES_LUES_MAX:
                self.__init__()  # the grid needs each row's number: count row by row
                return True
            self.ligne_max = max([self.ligne_max, *map(int, _LIGNE_LOIN.findall(partie))])
            self._verifier()
            if not morceau:
                break
            morceau = flux.read(_MORCEAU)
        return False

    def _compter_rangees(self, debut: bytes, flux) -> None:
        reste, morceau = b"", debut
        while morceau:
            texte = reste + morceau
            fin = 0
            for rangee in _RANGEE.finditer(texte):
                self.rangee(*rangee.groups())
                fin = rangee.end()
            # Keep an unfinished row, or what may be the start of a tag, for the next chunk.
            debuts = [debut.start() for debut in _DEBUT_RANGEE.finditer(texte, fin)]
            reste = texte[debuts[0]:] if debuts else texte[max(fin, len(texte) - 64):]
            if len(reste) > _RANGEE_MAX:
                raise FichierIllisible(
                    "Ce classeur est mal formé (une ligne de la feuille est démesurée)."
                )
            morceau = flux.read(_MORCEAU)


def verifier_archive(archive: zipfile.ZipFile) -> None:
    """Refuse, before any parsing, a zipped workbook (.xlsx, .ods) that cannot be a list of
    LIGNES_MAX rows: by the declared sizes of its parts (the zip's directory), then by the
    cells of every part that may hold a sheet, counted in a bounded memory."""
    membres = archive.infolist()
    decompresse = sum(membre.file_size for membre in membres)
    if decompresse > DECOMPRESSE_MAX:
        raise _trop_volumineux(decompresse)
    for membre in membres:
        if membre.file_size > PARTIE_MAX:
            raise _trop_volumineux(membre.file_size)
    for membre in membres:
        nom = membre.filename.lower()
        # The shared strings hold no cell; every other XML part may be a sheet (the
        # workbook may name any part).
        if nom.endswith(".xml") and not nom.endswith("sharedstrings.xml"):
            _Comptage().lire(lambda membre=membre: archive.open(membre))


def _lignes_classeur(contenu: bytes, format_: str) -> list[list]:
    """The rows of the first sheet of an .xlsx, .ods or .xls (calamine: 10 times faster than
    openpyxl on 20 000 rows), the zipped ones checked first (`verifier_archive`)."""
    from python_calamine import CalamineWorkbook

    illisible = FichierIllisible(
        f"Ce fichier n'est pas un classeur {_FORMATS[format_]} lisible. {_CSV_INVITE}"
    )
    if format_ != ".xls":
        try:
            with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
                verifier_archive(archive)
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError):
            raise illisible from None
    # calamine reads untrusted bytes and may fail in many ways on a forged file (a Rust
    # panic is a BaseException): any failure is an unreadable file.
    try:
        classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        try:
            rangees = classeur.get_sheet_by_index(0).iter_rows()
            # One more than read at most, so that the caller sees the file is too long.
            return [rangee[:COLONNES_LUES_MAX] for rangee in islice(rangees, LIGNES_LUES_MAX + 1)]
        finally:
            classeur.close()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 (see above)
        raise illisible from None


_FORMATS = {".xlsx": "Excel (.xlsx)", ".xls": "Excel 97-2003 (.xls)", ".ods": "OpenDocument (.ods)"}
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def _format_du_classeur(contenu: bytes, nom_fichier: str) -> str | None:
    """.xlsx, .ods or .xls by the file's first bytes (its name may lie), None for a text."""
    if contenu.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 container: Excel 97-2003
        return ".xls"
    if contenu.startswith(b"PK\x03\x04"):
        return ".ods" if _ODS in contenu[:200] or nom_fichier.lower().endswith(".ods") else ".xlsx"
    return None


def lire_texte(valeur) -> str:
    """A cell as text: stripped, a whole number typed in a spreadsheet without ".0", and the
    quote that `morceaux_csv` puts before a formula-like text taken off again."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)  # a reference or a phone typed as a number
    texte = str(valeur).strip()
    if texte.startswith("'") and texte[1:].startswith(DEBUTS_DE_FORMULE):
        texte = texte[1:]
    return texte


def lire_tableau(
    contenu: bytes, nom_fichier: str,
    *, sans_lignes: str = "Le fichier ne contient aucune ligne sous la ligne des titres.",
) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row and the non-blank rows with their line number as the spreadsheet shows
    it. Raises FichierIllisible with a French message for anything but a usable table
    (`sans_lignes`: when there is nothing under the titles, in the caller's words)."""
    if len(contenu) > TAILLE_MAX:
        raise FichierIllisible(TROP_GROS)
    if not contenu.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise FichierIllisible("Le fichier est vide.")
    if format_ := _format_du_classeur(contenu, nom_fichier):
        rangees = _lignes_classeur(contenu, format_)
    elif (extension := "." + nom_fichier.lower().rpartition(".")[2]) in _FORMATS:
        raise FichierIllisible(
            f"« {nom_fichier} » n'est pas un vrai classeur {_FORMATS[extension]}. {_CSV_INVITE}"
        )
    else:
        rangees = _lignes_csv(contenu)
    entetes, lignes = None, []
    for numero, rangee in enumerate(rangees, start=1):
        if numero > LIGNES_LUES_MAX or len(lignes) > LIGNES_MAX:
            raise FichierIllisible(TROP_DE_LIGNES)
        if not any(lire_texte(valeur) for valeur in rangee):
            continue
        if entetes is None:
            entetes = [lire_texte(valeur) for valeur in rangee]
        else:
            lignes.append((numero, list(rangee)))
    if len(lignes) > LIGNES_MAX:
        raise FichierIllisible(TROP_DE_LIGNES)
    if entetes is None:
        raise FichierIllisible("Le fichier est vide.")
    if not lignes:
        raise FichierIllisible(sans_lignes)
    return entetes, lignes


# --- Writing ---------------------------------------------------------------------------------

FORMAT_DATE_CSV, FORMAT_DATE_XLSX = "%d/%m/%Y", "DD/MM/YYYY"
ILLEGAUX_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Column widths in characters: the title's, at least the given minimum, wider when a longer
# value comes, up to this.
LARGEUR_MAX = 60


class _Ligne:
    """What csv.writer writes to: it hands each line back instead of buffering it."""

    def write(self, ligne: str) -> str:
        return ligne


_DATES_CSV: dict[date, str] = {}  # a few hundred distinct days in a table


def textes_csv(valeurs: list, *, dates: Iterable[int], libres: Iterable[int]) -> list:
    """The row as CSV writes it, in place: the columns `dates` as dd/mm/yyyy (None stays
    empty), a text of the columns `libres` (typed by people, not our labels) that a
    spreadsheet would take for a formula behind a quote (CSV injection)."""
    for i in dates:
        if (jour := valeurs[i]) is not None:
            if (texte := _DATES_CSV.get(jour)) is None:
                texte = _DATES_CSV[jour] = jour.strftime(FORMAT_DATE_CSV)
            valeurs[i] = texte
    for i in libres:
        if (texte := valeurs[i]) and texte.startswith(DEBUTS_DE_FORMULE):
            valeurs[i] = f"'{texte}"
    return valeurs


def morceaux_csv(
    titres: Sequence[str], rangees: Iterable[list],
    *, dates: Collection[int] = (), libres: Collection[int] = (),
) -> Iterator[str]:
    """The table line by line (to stream), UTF-8 with a BOM and ';' between fields: what
    French Excel opens without asking. `dates`, `libres`: see `textes_csv`."""
    ecrivain = csv.writer(_Ligne(), delimiter=";")
    dates, libres = tuple(dates), tuple(libres)
    yield "\ufeff"
    yield ecrivain.writerow(titres)
    for valeurs in rangees:
        yield ecrivain.writerow(textes_csv(valeurs, dates=dates, libres=libres))


def ecrire_xlsx(
    titres: Sequence[str], rangees: Iterable[list], sortie: BinaryIO,
    *, feuille: str, dates: Collection[int] = (), largeurs_min: Mapping[str, int] | None = None,
) -> None:
    """Real dates (shown dd/mm/yyyy), the title row frozen with an autofilter, columns as
    wide as their content (at least `largeurs_min[titre]`, else 10); written row by row
    (xlsxwriter's constant memory mode). Text stays text: no formula, link or number read
    from it; control characters, refused in XML, are dropped."""
    classeur = xlsxwriter.Workbook(sortie, {
        "constant_memory": True,
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_date_format": FORMAT_DATE_XLSX,
    })
    onglet = classeur.add_worksheet(feuille)
    onglet.write_row(0, 0, titres, classeur.add_format({"bold": True}))
    onglet.freeze_panes(1, 0)
    largeurs_min = largeurs_min or {}
    largeurs = [max(len(titre) + 2, largeurs_min.get(titre, 10)) for titre in titres]
    textes = [i for i in range(len(titres)) if i not in dates]
    ligne = 0
    for ligne, valeurs in enumerate(rangees, start=1):
        for i in textes:
            if (valeur := valeurs[i]).__class__ is str:
                if len(valeur) > largeurs[i]:
                    largeurs[i] = min(len(valeur) + 1, LARGEUR_MAX)
                if ILLEGAUX_XLSX.search(valeur):
                    valeurs[i] = ILLEGAUX_XLSX.sub("", valeur)
        onglet.write_row(ligne, 0, valeurs)
    for i, largeur in enumerate(largeurs):
        onglet.set_column(i, i, largeur)
    onglet.autofilter(0, 0, ligne, len(titres) - 1)
    classeur.close()


def reponse_csv(morceaux: Iterable[str], *, nom: str) -> StreamingHttpResponse:
    """A download of `morceaux_csv`, streamed as it is written: a long table never sits in
    memory. `nom`: the file name without its extension."""
    reponse = StreamingHttpResponse(morceaux, content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = content_disposition_header(True, f"{nom}.csv")
    return reponse


def reponse_xlsx(ecrire: Callable[[BinaryIO], None], *, nom: str) -> FileResponse:
    """A download of the workbook that `ecrire(sortie)` writes (a zip is only complete at
    its end: written whole, then sent in blocks)."""
    fichier = io.BytesIO()
    ecrire(fichier)
    fichier.seek(0)
    return FileResponse(fichier, as_attachment=True, filename=f"{nom}.xlsx", content_type=TYPE_XLSX)


