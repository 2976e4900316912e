"""The one htmx rendering helper: the whole page, or only its named partial for htmx."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def veut_un_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page. Not a history restore (htmx asks for the
    whole page when its history cache misses) nor a boosted link or form (the body is
    swapped: it needs the whole page)."""
    entetes = request.headers
    return (entetes.get("HX-Request") == "true" and entetes.get("HX-History-Restore-Request") != "true"
            and entetes.get("HX-Boosted") != "true")


def rendre(request: HttpRequest, gabarit: str, contexte: dict | None = None, fragment: str | None = None,
           *, status: int = 200) -> HttpResponse:
    """`gabarit` rendered whole, or its partial `fragment` ({% partialdef fragment %}) when
    htmx asks for part of the page. Always `Vary: HX-Request`, so that a cache (the browser's
    back button included) never serves the fragment for the page or the reverse."""
    nom = f"{gabarit}#{fragment}" if fragment and veut_un_fragment(request) else gabarit
    reponse = render(request, nom, contexte, status=status)
    patch_vary_headers(reponse, ["HX-Request"])
    return reponse
