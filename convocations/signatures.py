"""A signature drawn with a finger on the tablet: the strokes the pad sends (a JSON list of
strokes, each a list of [x, y] points in a LARGEUR × HAUTEUR box), checked here and turned
into the SVG we store; and back into lines for the feuille d'émargement PDF. The browser never
sends SVG: we write it ourselves, so nothing of it is taken as markup."""

import json
import math
import re

from django.core.exceptions import ValidationError
from reportlab.platypus import Flowable

LARGEUR, HAUTEUR = 600, 200
POINTS_MAX = 4000
# Fewer points than this is a tap, not a signature.
POINTS_MIN = 5
SIGNATURE_VIDE = "La signature est vide : faites signer la personne avec le doigt dans le cadre."
TRAIT = re.compile(r"M(\d+),(\d+)((?: L\d+,\d+)*)")
POINT = re.compile(r"L(\d+),(\d+)")

type Traits = list[list[tuple[int, int]]]


def traits_valides(texte: str) -> Traits:
    """The strokes of `texte` (what the pad sends), or ValidationError in French."""
    try:
        donnees = json.loads(texte or "[]")
    except (ValueError, RecursionError):
        raise ValidationError({"signature": "La signature n'a pas pu être lue : recommencez-la."}) from None
    if not isinstance(donnees, list):
        raise ValidationError({"signature": "La signature n'a pas pu être lue : recommencez-la."})
    traits: Traits = []
    total = 0
    for trait in donnees:
        if not isinstance(trait, list):
            raise ValidationError({"signature": "La signature n'a pas pu être lue : recommencez-la."})
        points = []
        for point in trait:
            if (not isinstance(point, list) or len(point) != 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                               for v in point)):
                raise ValidationError({"signature": "La signature n'a pas pu être lue : recommencez-la."})
            x, y = (round(v) for v in point)
            points.append((min(max(x, 0), LARGEUR), min(max(y, 0), HAUTEUR)))
        total += len(points)
        if points:
            traits.append(points)
    if total > POINTS_MAX:
        raise ValidationError({"signature": "La signature est trop longue : effacez-la et recommencez."})
    if total < POINTS_MIN:
        raise ValidationError({"signature": SIGNATURE_VIDE})
    return traits


def svg(traits: Traits) -> str:
    chemins = "".join(
        f'<path d="M{t[0][0]},{t[0][1]}{"".join(f" L{x},{y}" for x, y in t[1:])}"/>' for t in traits
    )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR} {HAUTEUR}" '
            f'width="{LARGEUR}" height="{HAUTEUR}"><g fill="none" stroke="#000" stroke-width="3" '
            f'stroke-linecap="round" stroke-linejoin="round">{chemins}</g></svg>')


def traits_du_svg(texte: str) -> Traits:
    """The strokes of an SVG that `svg` wrote."""
    traits = []
    for depart in TRAIT.finditer(texte):
        points = [(int(depart[1]), int(depart[2]))]
        points += [(int(x), int(y)) for x, y in POINT.findall(depart[3])]
        traits.append(points)
    return traits


class DessinSignature(Flowable):
    """The signature, drawn in a box of `largeur` × `hauteur` points (its proportions kept)."""

    def __init__(self, signature_svg: str, largeur: float, hauteur: float):
        super().__init__()
        self.traits = traits_du_svg(signature_svg)
        self.width, self.height = largeur, hauteur

    def draw(self):
        echelle = min(self.width / LARGEUR, self.height / HAUTEUR)
        canevas = self.canv
        canevas.setLineWidth(0.8)
        canevas.setLineCap(1)
        canevas.setLineJoin(1)
        for trait in self.traits:
            chemin = canevas.beginPath()
            x, y = trait[0]
            chemin.moveTo(x * echelle, (HAUTEUR - y) * echelle)
            for x, y in trait[1:] or trait:
                chemin.lineTo(x * echelle, (HAUTEUR - y) * echelle)
            canevas.drawPath(chemin, stroke=1, fill=0)
