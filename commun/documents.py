"""Building PDF documents with reportlab: fonts, styles, escaping of user text, a base page
template (letterhead, address in the envelope window, signatory, "Page 1 sur 2") and the
merging of several PDFs into one for printing.

Pure functions returning bytes; the callers pass every text (no wording of an app here).
"""

import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.http import HttpResponse
from pypdf import PdfWriter
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

# DejaVu Sans is vendored (commun/polices/, licence beside it) rather than read from
# /usr/share/fonts: the documents then look the same on every machine, and a server without
# Debian's fonts-dejavu-core still renders é, €, « », œ and non-breaking spaces.
POLICES = Path(__file__).resolve().parent / "polices"
POLICE = "DejaVuSans"
POLICE_GRAS = "DejaVuSans-Bold"
POLICE_ITALIQUE = "DejaVuSans-Oblique"
POLICE_GRAS_ITALIQUE = "DejaVuSans-BoldOblique"

LARGEUR_PAGE, HAUTEUR_PAGE = A4
MARGE_GAUCHE = MARGE_DROITE = 20 * mm
MARGE_HAUT = 20 * mm
MARGE_BAS = 20 * mm

# The recipient's address for a French window envelope, DL (110 × 220 mm) or C5/6
# (114 × 229 mm), the A4 sheet folded in three. The standard window is 100 × 45 mm, 20 mm from
# the envelope's right edge and 15 mm from its bottom edge: on the sheet, that is 100 to 200 mm
# from the left edge and 50 to 95 mm from the top (DL). La Poste's guidance for the address
# itself is a block 85 mm wide and 33 mm high, 110 mm from the left and 55 mm from the top,
# leaving the play of the sheet in the envelope (and room for a registered-mail barcode).
# Figures in mm from the sheet's top-left corner: (left, top, width, height).
FENETRE_MM = (100, 50, 100, 45)
BLOC_ADRESSE_MM = (110, 55, 85, 33)
# The first page's text starts below the window, so nothing else shows through it.
HAUT_TEXTE_PREMIERE_PAGE = 100 * mm

_CARACTERES_DE_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def rectangle_pdf(left_mm: float, top_mm: float, largeur_mm: float, hauteur_mm: float):
    """(x0, y0, x1, y1) in PDF points, origin bottom-left, of a box given from the top-left."""
    x0 = left_mm * mm
    y1 = HAUTEUR_PAGE - top_mm * mm
    return x0, y1 - hauteur_mm * mm, x0 + largeur_mm * mm, y1


@cache
def enregistrer_polices() -> str:
    """Register the DejaVu Sans family once per process; its name for the styles."""
    for nom in (POLICE, POLICE_GRAS, POLICE_ITALIQUE, POLICE_GRAS_ITALIQUE):
        pdfmetrics.registerFont(TTFont(nom, POLICES / f"{nom}.ttf"))
    pdfmetrics.registerFontFamily(POLICE, normal=POLICE, bold=POLICE_GRAS, italic=POLICE_ITALIQUE,
                                  boldItalic=POLICE_GRAS_ITALIQUE)
    return POLICE


def echapper(texte: object, *, sauts_de_ligne: bool = False) -> str:
    """User text made safe for reportlab's Paragraph mini-markup: "<b>Dupont & fils" prints
    as typed. Control characters (which reportlab rejects) are dropped; with
    `sauts_de_ligne`, line breaks are kept. None prints nothing."""
    texte = _CARACTERES_DE_CONTROLE.sub("", "" if texte is None else str(texte))
    texte = escape(texte)
    if sauts_de_ligne:
        texte = "<br/>".join(texte.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return texte


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of every document, by name."""
    police = enregistrer_polices()
    normal = ParagraphStyle("normal", fontName=police, fontSize=10, leading=13.5, alignment=TA_LEFT,
                            spaceAfter=5)
    return {
        "normal": normal,
        "titre": ParagraphStyle("titre", parent=normal, fontName=POLICE_GRAS, fontSize=13, leading=17,
                                spaceBefore=4, spaceAfter=8),
        "intertitre": ParagraphStyle("intertitre", parent=normal, fontName=POLICE_GRAS, fontSize=11,
                                     leading=14, spaceBefore=6, spaceAfter=4),
        "objet": ParagraphStyle("objet", parent=normal, fontName=POLICE_GRAS, spaceAfter=10),
        "liste": ParagraphStyle("liste", parent=normal, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "petit": ParagraphStyle("petit", parent=normal, fontSize=8, leading=10, spaceAfter=2),
        "entete": ParagraphStyle("entete", parent=normal, fontSize=9, leading=11.5, spaceAfter=0),
        "entete_nom": ParagraphStyle("entete_nom", parent=normal, fontName=POLICE_GRAS, fontSize=12,
                                     leading=15, spaceAfter=1),
        "adresse": ParagraphStyle("adresse", parent=normal, fontSize=10.5, leading=13, spaceAfter=0),
        "signature": ParagraphStyle("signature", parent=normal, leftIndent=95 * mm, spaceAfter=0),
        "pied": ParagraphStyle("pied", parent=normal, fontSize=8, leading=10, alignment=TA_CENTER),
    }


def paragraphe(texte: object, style: str = "normal", *, sauts_de_ligne: bool = False) -> Paragraph:
    """A paragraph of user (or caller) text, printed literally."""
    return Paragraph(echapper(texte, sauts_de_ligne=sauts_de_ligne), styles()[style])


@dataclass(frozen=True)
class EnTete:
    """The letterhead: who writes (an antenne, a service...)."""

    nom: str
    adresse: Sequence[str] = ()
    telephone: str = ""
    courriel: str = ""


@dataclass(frozen=True)
class Signataire:
    nom: str
    qualite: str = ""


def placer_adresse(canvas: Canvas, lignes: Sequence[str]) -> None:
    """Draw the recipient's address in the envelope window's address block (BLOC_ADRESSE_MM).
    Lines too long are wrapped, and the block shrinks its text rather than spill out of the
    window."""
    x0, y0, x1, y1 = rectangle_pdf(*BLOC_ADRESSE_MM)
    contenu = [paragraphe(ligne, "adresse") for ligne in lignes if str(ligne).strip()]
    cadre = Frame(x0, y0, x1 - x0, y1 - y0, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, showBoundary=0)
    cadre.addFromList([KeepInFrame(x1 - x0, y1 - y0, contenu, mode="shrink")], canvas)


def _dessiner_entete(canvas: Canvas, entete: EnTete) -> None:
    # Left half only: the window starts 100 mm from the left edge.
    largeur = FENETRE_MM[0] * mm - MARGE_GAUCHE - 5 * mm
    contenu = [paragraphe(entete.nom, "entete_nom")]
    contenu += [paragraphe(ligne, "entete") for ligne in entete.adresse if str(ligne).strip()]
    contenu += [paragraphe(texte, "entete") for texte in (entete.telephone, entete.courriel) if texte]
    hauteur = FENETRE_MM[1] * mm - 12 * mm
    cadre = Frame(MARGE_GAUCHE, HAUTEUR_PAGE - 12 * mm - hauteur, largeur, hauteur, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    cadre.addFromList([KeepInFrame(largeur, hauteur, contenu, mode="shrink")], canvas)


class _CanevasNumerote(Canvas):
    """Writes "Page n sur N" on every page once the number of pages is known (one pass)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        # Several letters in one document (`construire_lettres`) are numbered each on its own:
        # a page's `_lettre` is set by its first page's callback.
        totaux = Counter(etat.get("_lettre", 0) for etat in self._pages)
        rangs = Counter()
        for etat in self._pages:
            self.__dict__.update(etat)
            lettre = etat.get("_lettre", 0)
            rangs[lettre] += 1
            self.setFont(POLICE, 8)
            self.drawCentredString(LARGEUR_PAGE / 2, 10 * mm, f"Page {rangs[lettre]} sur {totaux[lettre]}")
            super().showPage()
        super().save()


@dataclass(frozen=True)
class Lettre:
    """One letter of `construire_lettres`: the arguments of `construire_document`."""

    contenu: Sequence[Flowable]
    entete: EnTete
    destinataire: Sequence[str] = ()
    signataire: Signataire | None = None


def _premiere_page(numero: int, lettre: Lettre) -> PageTemplate:
    largeur = LARGEUR_PAGE - MARGE_GAUCHE - MARGE_DROITE
    haut = HAUT_TEXTE_PREMIERE_PAGE if lettre.destinataire else 12 * mm + FENETRE_MM[1] * mm
    cadre = Frame(MARGE_GAUCHE, MARGE_BAS, largeur, HAUTEUR_PAGE - haut - MARGE_BAS, id=f"premiere-{numero}",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def dessiner(canvas, _document):
        canvas._lettre = numero
        _dessiner_entete(canvas, lettre.entete)
        if lettre.destinataire:
            placer_adresse(canvas, lettre.destinataire)

    return PageTemplate(id=f"premiere-{numero}", frames=[cadre], onPage=dessiner,
                        autoNextPageTemplate=f"suivantes-{numero}")


def _pages_suivantes(numero: int) -> PageTemplate:
    largeur = LARGEUR_PAGE - MARGE_GAUCHE - MARGE_DROITE
    cadre = Frame(MARGE_GAUCHE, MARGE_BAS, largeur, HAUTEUR_PAGE - MARGE_HAUT - MARGE_BAS,
                  id=f"suivantes-{numero}", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def marquer(canvas, _document):
        canvas._lettre = numero

    return PageTemplate(id=f"suivantes-{numero}", frames=[cadre], onPage=marquer)


def _elements(lettre: Lettre) -> list[Flowable]:
    elements = list(lettre.contenu)
    if lettre.signataire is not None:
        bloc = [Spacer(1, 8 * mm), paragraphe(lettre.signataire.nom, "signature")]
        if lettre.signataire.qualite:
            bloc.append(paragraphe(lettre.signataire.qualite, "signature"))
        elements.append(KeepTogether(bloc))
    return elements


def construire_lettres(lettres: Sequence[Lettre], *, titre: str = "", auteur: str = "") -> bytes:
    """Several letters in one PDF built at once (for printing a batch: the fonts are embedded
    once, which merging separate PDFs cannot do), each starting on a new page with its own
    letterhead and window address, and numbered "Page n sur N" on its own."""
    enregistrer_polices()
    tampon = io.BytesIO()
    modeles, elements = [], []
    for numero, lettre in enumerate(lettres):
        modeles += [_premiere_page(numero, lettre), _pages_suivantes(numero)]
        if numero:
            elements += [NextPageTemplate(f"premiere-{numero}"), PageBreak()]
        elements += _elements(lettre)
    nom = lettres[0].entete.nom if lettres else ""
    document = BaseDocTemplate(
        tampon, pagesize=A4, title=titre, author=auteur or nom, creator=nom,
        leftMargin=MARGE_GAUCHE, rightMargin=MARGE_DROITE, topMargin=MARGE_HAUT, bottomMargin=MARGE_BAS,
        pageTemplates=modeles,
    )
    document.build(elements, canvasmaker=_CanevasNumerote)
    return tampon.getvalue()


def construire_document(
    contenu: Iterable[Flowable],
    *,
    entete: EnTete,
    destinataire: Sequence[str] = (),
    signataire: Signataire | None = None,
    titre: str = "",
    auteur: str = "",
) -> bytes:
    """An A4 document: the letterhead and, if given, the recipient's address in the envelope
    window on the first page; the caller's flowables; the signatory at the end; "Page n sur N"
    at the foot of every page. Returns the PDF's bytes."""
    return construire_lettres([Lettre(list(contenu), entete, destinataire, signataire)], titre=titre,
                              auteur=auteur or entete.nom)


def assembler(pdfs: Iterable[bytes]) -> bytes:
    """Several PDFs as one, in order, for printing in one go. pypdf (a runtime dependency)
    rather than re-rendering: stored documents (a legal document does not change after
    issue) are printed as they were issued."""
    sortie = PdfWriter()
    for pdf in pdfs:
        sortie.append(io.BytesIO(pdf))
    tampon = io.BytesIO()
    sortie.write(tampon)
    return tampon.getvalue()


TYPE_PDF = "application/pdf"


def reponse_pdf(contenu: bytes, nom: str, *, en_ligne: bool = True) -> HttpResponse:
    """A PDF shown in the browser (or downloaded); never cached, as every page of a logged-in
    user (`stages.middleware.PasDeCacheMiddleware`)."""
    reponse = HttpResponse(contenu, content_type=TYPE_PDF)
    reponse["Content-Disposition"] = f'{"inline" if en_ligne else "attachment"}; filename="{nom}"'
    return reponse
