"""When two records are the same person, and the same orientation: one rule each, for the
form's duplicate check, the service that refuses a second orientation, and the import.

- Same person: same antenne, nom, prénom and date de naissance, accents, case and
  punctuation ignored (`normaliser`).
- Same orientation: same person, date d'orientation, cadre and référence, the référence
  compared without case, spacing, punctuation nor leading zeros (a spreadsheet reads
  '000123' as the number 123).
"""

import re
from datetime import date

from django.db.models import QuerySet

from stages.models import Antenne, Orientation, Personne, nom_normalise, normaliser


def identite(*, nom: str, prenom: str, date_naissance: date | None) -> tuple:
    return nom_normalise(nom), nom_normalise(prenom), date_naissance


def identite_de(personne: Personne) -> tuple:
    return identite(nom=personne.nom, prenom=personne.prenom,
                    date_naissance=personne.date_naissance)


def memes_personnes(*, antenne: Antenne, nom: str, prenom: str, date_naissance: date) -> QuerySet:
    """The known persons of the antenne who are this one (possible duplicates)."""
    nom_cherche, prenom_cherche, _ = identite(nom=nom, prenom=prenom, date_naissance=None)
    return Personne.objects.filter(
        antenne=antenne, nom_normalise=nom_cherche, prenom_normalise=prenom_cherche,
        date_naissance=date_naissance,
    )


def personnes_connues(antenne: Antenne, personnes: list[Personne]) -> dict[tuple, Personne]:
    """`memes_personnes` for many at once, by `identite_de`: one query (the import's
    LIGNES_MAX keeps under SQLite's limit of parameters). The oldest when several."""
    connues = {}
    existantes = Personne.objects.filter(
        antenne=antenne, nom_normalise__in={nom_normalise(p.nom) for p in personnes}
    ).order_by("pk")
    for existante in existantes:
        connues.setdefault(
            (existante.nom_normalise, existante.prenom_normalise, existante.date_naissance),
            existante,
        )
    return connues


def reference_comparable(reference: str) -> str:
    """'PQ-000123', 'pq 123' and 'PQ123' are one référence; '000123' is 123."""
    return "".join(re.sub(r"(?<![0-9])0+(?=[0-9])", "", mot) for mot in normaliser(reference).split())


def orientation_comparable(orientation: Orientation) -> tuple:
    """What tells an orientation from the person's others."""
    return orientation.date_orientation, orientation.cadre, reference_comparable(orientation.reference)


def orientations_comparables(personnes) -> dict[tuple, Orientation]:
    """(person id, *orientation_comparable) -> orientation, for these persons' orientations."""
    return {
        (orientation.personne_id, *orientation_comparable(orientation)): orientation
        for orientation in Orientation.objects.filter(personne__in=personnes).only(
            "personne_id", "date_orientation", "cadre", "reference"
        )
    }


def meme_orientation(orientation: Orientation, personne: Personne) -> Orientation | None:
    """The person's orientation that is this one, if she has it already."""
    if personne.pk is None:
        return None
    return orientations_comparables([personne]).get(
        (personne.pk, *orientation_comparable(orientation))
    )
