"""Reading documents back as a person or a program would: PDF text through pypdf and
poppler's pdftotext (with each word's box), for the tests of commun and of the apps."""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape

import pytest
from pypdf import PdfReader

POINTS_PAR_MM = 72 / 25.4


def pdftotext() -> str:
    """Path of poppler's pdftotext (Debian's poppler-utils, installed by `make test`)."""
    chemin = shutil.which("pdftotext")
    if chemin is None:
        pytest.fail("pdftotext absent : `make paquets` l'installe (paquet Debian poppler-utils).")
    return chemin


def texte_pypdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def texte_poppler(pdf: bytes, *options: str) -> str:
    return subprocess.run(  # noqa: S603 (a fixed program, our bytes on stdin)
        [pdftotext(), "-enc", "UTF-8", *options, "-", "-"], input=pdf, capture_output=True, check=True,
    ).stdout.decode()


@dataclass(frozen=True)
class Mot:
    texte: str
    # Box in mm from the page's top-left corner.
    gauche: float
    haut: float
    droite: float
    bas: float

    def dans(self, gauche: float, haut: float, largeur: float, hauteur: float) -> bool:
        marge = 0.01  # rounding of the points pdftotext prints
        return (self.gauche >= gauche - marge and self.droite <= gauche + largeur + marge
                and self.haut >= haut - marge and self.bas <= haut + hauteur + marge)

    def touche(self, gauche: float, haut: float, largeur: float, hauteur: float) -> bool:
        return not (self.droite <= gauche or self.gauche >= gauche + largeur
                    or self.bas <= haut or self.haut >= haut + hauteur)


_MOT = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def mots(pdf: bytes, page: int = 1) -> list[Mot]:
    """The words of one page with their boxes (pdftotext -bbox)."""
    sortie = texte_poppler(pdf, "-bbox", "-f", str(page), "-l", str(page))
    return [
        Mot(unescape(texte), *(float(v) / POINTS_PAR_MM for v in (x0, y0, x1, y1)))
        for x0, y0, x1, y1, texte in _MOT.findall(sortie)
    ]
