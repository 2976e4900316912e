"""Sections that the apps above `stages` add to its pages (the stage page shows the
convocations, later the attendance and the payments) without `stages` importing them."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Encart:
    """`gabarit` rendered in the page with `contexte(request, objet)`; `ordre` places it."""

    gabarit: str
    contexte: Callable[[HttpRequest, Model], dict]
    ordre: int = 100


_ENCARTS: dict[str, list[Encart]] = defaultdict(list)
# What a list of the page's objects needs from the apps above (counts per row…).
_ANNOTATIONS: dict[str, list[Callable[[QuerySet], QuerySet]]] = defaultdict(list)


def ajouter_encart(page: str, encart: Encart) -> None:
    """Called from an app's `ready()`; `page` is a name the page's view uses ("stage")."""
    if encart not in _ENCARTS[page]:
        _ENCARTS[page].append(encart)


def encarts(page: str, request: HttpRequest, objet: Model) -> list[tuple[str, dict]]:
    """(gabarit, contexte) of each section of `page` for `objet`, in order."""
    return [(e.gabarit, e.contexte(request, objet)) for e in sorted(_ENCARTS[page], key=lambda e: e.ordre)]


def ajouter_annotation(liste: str, annoter: Callable[[QuerySet], QuerySet]) -> None:
    if annoter not in _ANNOTATIONS[liste]:
        _ANNOTATIONS[liste].append(annoter)


def annoter(liste: str, queryset: QuerySet) -> QuerySet:
    """`queryset` with what every app adds to the rows of `liste` ("stages")."""
    for annoter_ in _ANNOTATIONS[liste]:
        queryset = annoter_(queryset)
    return queryset
