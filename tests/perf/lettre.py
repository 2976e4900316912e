"""One letter-like page (letterhead, address in the window, 40 lines, page number): the
base template of commun.documents against bare reportlab drawing the same page, side by side:
with canvas.drawString (no layout at all) and with reportlab's SimpleDocTemplate and the same
paragraphs (reportlab's own layout, without our page template).

    .venv/bin/python -m tests.perf.lettre [runs]
"""

import io
import statistics
import sys
import time

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from commun.documents import (
    BLOC_ADRESSE_MM,
    POLICE,
    POLICE_GRAS,
    EnTete,
    Signataire,
    construire_document,
    enregistrer_polices,
    paragraphe,
    styles,
)

ENTETE = EnTete(nom="Antenne de Perpignan", adresse=["12 rue des Œillets", "66000 Perpignan"],
                telephone="04 68 00 00 00", courriel="perpignan@exemple.invalid")
ADRESSE = ["Mme Élodie Œuvray", "3 avenue de la Gare", "66000 PERPIGNAN"]
LIGNES = [f"Ligne {i} : séance du lundi 5 avril de 9 h à 12 h 30, montant 180 €, « pièce d'identité »."
          for i in range(40)]


def avec_le_modele() -> bytes:
    return construire_document([paragraphe(ligne) for ligne in LIGNES], entete=ENTETE, destinataire=ADRESSE,
                               signataire=Signataire("Marie Durand", "Directrice"))


def reportlab_nu() -> bytes:
    tampon = io.BytesIO()
    canevas = Canvas(tampon, pagesize=A4)
    hauteur = A4[1]
    y = hauteur - 15 * mm
    canevas.setFont(POLICE_GRAS, 12)
    canevas.drawString(20 * mm, y, ENTETE.nom)
    canevas.setFont(POLICE, 9)
    for ligne in [*ENTETE.adresse, ENTETE.telephone, ENTETE.courriel]:
        y -= 11.5
        canevas.drawString(20 * mm, y, ligne)
    canevas.setFont(POLICE, 10.5)
    y = hauteur - BLOC_ADRESSE_MM[1] * mm - 10
    for ligne in ADRESSE:
        canevas.drawString(BLOC_ADRESSE_MM[0] * mm, y, ligne)
        y -= 13
    canevas.setFont(POLICE, 10)
    y = hauteur - 100 * mm
    for ligne in [*LIGNES, "", "Marie Durand", "Directrice"]:
        canevas.drawString(20 * mm, y, ligne)
        y -= 13.5
    canevas.setFont(POLICE, 8)
    canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")
    canevas.showPage()
    canevas.save()
    return tampon.getvalue()


def platypus_nu() -> bytes:
    """reportlab's own SimpleDocTemplate with the same paragraphs, drawn as flowables."""
    tampon = io.BytesIO()
    style = styles()["normal"]
    elements = [Paragraph(texte, styles()["entete"]) for texte in [ENTETE.nom, *ENTETE.adresse]]
    elements += [Spacer(1, 30 * mm), *(Paragraph(texte, styles()["adresse"]) for texte in ADRESSE)]
    elements += [Spacer(1, 20 * mm), *(Paragraph(ligne, style) for ligne in LIGNES)]
    elements += [Paragraph("Marie Durand", style), Paragraph("Directrice", style)]

    def numero(canevas, _document):
        canevas.setFont(POLICE, 8)
        canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")

    SimpleDocTemplate(tampon, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm).build(elements, onFirstPage=numero)
    return tampon.getvalue()


def main(fois: int = 50) -> None:
    enregistrer_polices()
    durees = {avec_le_modele: [], platypus_nu: [], reportlab_nu: []}
    for fonction in durees:  # warm-up
        fonction()
    for _ in range(fois):  # interleaved: the machine's noise hits both alike
        for fonction, liste in durees.items():
            debut = time.perf_counter()
            fonction()
            liste.append((time.perf_counter() - debut) * 1000)
    for fonction, liste in durees.items():
        liste.sort()
        print(f"{fonction.__name__:15} médiane {statistics.median(liste):6.2f} ms  "
              f"p95 {liste[int(len(liste) * 0.95) - 1]:6.2f} ms  min {liste[0]:6.2f} ms")
    for base in (reportlab_nu, platypus_nu):
        rapport = statistics.median(durees[avec_le_modele]) / statistics.median(durees[base])
        print(f"modèle / {base.__name__} (médianes) : {rapport:.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
