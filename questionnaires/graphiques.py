"""A question's bar chart, drawn on the server as SVG (readable without JavaScript; the strict
CSP allows no inline style, so its look comes from presentation attributes and app.css). The
figures are in the SVG's text, its title and description, and in the table under it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from questionnaires.selectors import Barre

LARGEUR = 640
LARGEUR_BARRES = 460
HAUTEUR_LIGNE = 46


def _pourcent(part: float) -> str:
    return f"{part:.0f}\u00a0%"


def description(barres: list[Barre]) -> str:
    return " ; ".join(f"{b.libelle} : {b.nombre} ({_pourcent(b.part)})" for b in barres)


def barres_svg(barres: list[Barre], *, identifiant: str, titre: str) -> SafeString:
    hauteur = HAUTEUR_LIGNE * len(barres) + 8
    lignes = format_html_join("", (
        '<g class="graphique__ligne" transform="translate(0 {})">'
        '<text x="0" y="14" class="graphique__libelle">{}</text>'
        '<rect x="0" y="20" width="{}" height="18" rx="3" class="graphique__barre" fill="#1f5fa8"></rect>'
        '<text x="{}" y="34" class="graphique__nombre">{} ({})</text></g>'
    ), (
        (rang * HAUTEUR_LIGNE, barre.libelle, max(round(LARGEUR_BARRES * barre.part / 100), 1),
         max(round(LARGEUR_BARRES * barre.part / 100), 1) + 8, barre.nombre, _pourcent(barre.part))
        for rang, barre in enumerate(barres)
    ))
    return format_html(
        '<svg class="graphique" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-titre {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-titre">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        LARGEUR, hauteur, identifiant, identifiant, identifiant, titre, identifiant, description(barres),
        lignes,
    )
