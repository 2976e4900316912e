"""Reading an imported file (CSV or XLSX) into a header row and numbered rows, within bounds
that no upload can exceed (size, rows, columns, unpacked size)."""

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from itertools import islice

from django.template.defaultfilters import filesizeformat

from stages.imports.cellules import (
    COLONNES,
    COLONNES_CALCULEES,
    PAR_NOM,
    Colonne,
    FichierIllisible,
    lire_texte,
)
from stages.models import normaliser

TAILLE_MAX = 5 * 1024 * 1024
LIGNES_MAX = 20_000
# Blank lines are skipped, but not endlessly: a sheet may claim a million empty rows.
LIGNES_LUES_MAX = 2 * LIGNES_MAX
COLONNES_LUES_MAX = 60
# An .xlsx is a zip: the declared size of its unpacked parts bounds what openpyxl reads
# (Python's zipfile never inflates a member past its declared size).
DECOMPRESSE_MAX = 20 * TAILLE_MAX
TAILLE_MAX_TEXTE = f"{TAILLE_MAX // 2**20} Mo"
LIGNES_MAX_TEXTE = f"{LIGNES_MAX:,}".replace(",", "\u202f")
TROP_GROS = f"Le fichier dépasse {TAILLE_MAX_TEXTE} : découpez-le en plusieurs fichiers."
TROP_DE_LIGNES = f"Le fichier dépasse {LIGNES_MAX_TEXTE} lignes : découpez-le en plusieurs fichiers."


_BINAIRE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CSV_INVITE = "Enregistrez-le en CSV (UTF-8) ou en classeur Excel (.xlsx)."


def _texte_csv(contenu: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's 'texte Unicode'), or cp1252 (old Excel)."""
    binaire = FichierIllisible(
        f"Ce fichier n'est ni un CSV ni un classeur Excel (.xlsx) : il contient des données "
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


def _lignes_xlsx(contenu: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    illisible = FichierIllisible(
        "Ce fichier n'est pas un classeur Excel (.xlsx) lisible (les formats .xls et .ods ne "
        f"sont pas pris en charge). {_CSV_INVITE}"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            decompresse = sum(membre.file_size for membre in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise illisible from None
    if decompresse > DECOMPRESSE_MAX:
        raise FichierIllisible(
            f"Ce classeur est trop volumineux une fois décompressé "
            f"({filesizeformat(decompresse)}). Découpez-le en plusieurs fichiers."
        )
    # openpyxl reads untrusted XML and may fail in many ways on a forged file: any failure
    # is an unreadable file (expat itself refuses entity expansion bombs). Its warnings on
    # unsupported Excel features say nothing to the user.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
            try:
                feuille = classeur.worksheets[0]
                rangees = feuille.iter_rows(max_col=COLONNES_LUES_MAX, values_only=True)
                # One more than read at most, so that the caller sees the file is too long.
                return list(islice(rangees, LIGNES_LUES_MAX + 1))
            finally:
                classeur.close()
    except Exception:  # noqa: BLE001 (see above)
        raise illisible from None


def lire_tableau(contenu: bytes, nom_fichier: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row and the non-blank rows with their line number as the spreadsheet shows
    it. Raises FichierIllisible with a French message for anything but a usable table."""
    if len(contenu) > TAILLE_MAX:
        raise FichierIllisible(TROP_GROS)
    if not contenu.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise FichierIllisible("Le fichier est vide.")
    if contenu.startswith(b"PK\x03\x04"):
        rangees = _lignes_xlsx(contenu)
    elif contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise FichierIllisible(f"Le format Excel 97-2003 (.xls) n'est pas pris en charge. {_CSV_INVITE}")
    elif nom_fichier.lower().endswith(".xlsx"):
        raise FichierIllisible(
            f"« {nom_fichier} » n'est pas un vrai classeur Excel (.xlsx). {_CSV_INVITE}"
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
        raise FichierIllisible("Le fichier ne contient aucune orientation sous la ligne des titres.")
    return entetes, lignes


def colonnes_du_fichier(entetes: list[str]) -> tuple[dict[int, Colonne], list[str]]:
    """Column index -> Colonne, and the titles that are neither imported nor computed."""
    trouvees, ignorees = {}, []
    calculees = {normaliser(titre) for titre in COLONNES_CALCULEES}
    for index, titre in enumerate(entetes):
        colonne = PAR_NOM.get(normaliser(titre))
        if colonne is None:
            if titre and normaliser(titre) not in calculees:
                ignorees.append(titre)
        elif colonne in trouvees.values():
            raise FichierIllisible(f"La colonne « {colonne.titre} » apparaît deux fois.")
        else:
            trouvees[index] = colonne
    absentes = [c.titre for c in COLONNES if c.requise and c not in trouvees.values()]
    if absentes:
        raise FichierIllisible(
            "Colonnes obligatoires absentes : " + ", ".join(f"« {t} »" for t in absentes)
            + ". La première ligne du fichier doit porter les titres des colonnes "
            "(voir la liste des colonnes)."
        )
    return trouvees, ignorees


