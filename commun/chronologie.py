"""The timeline: events read from the history of any model, and the sources that the apps
above `stages` add to an object's timeline (`ajouter_source`) without being imported by it."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model

AUTEUR_INCONNU = "système / import"
# The reason of a plain creation, which the timeline does not repeat ("… : création").
MOTIF_CREATION = "Création"


@dataclass(frozen=True)
class Changement:
    champ: str
    avant: str
    apres: str


@dataclass
class Evenement:
    quand: datetime
    qui: str
    sujet: str  # what changed: "Orientation", "Personne", "Convocation"…
    creation: bool
    motif: str
    changements: list[Changement] = field(default_factory=list)

    @property
    def motif_a_montrer(self) -> str:
        return "" if self.motif == MOTIF_CREATION else self.motif


def auteur(enregistrement) -> str:
    """Who made a simple-history record, as staff read it."""
    user = enregistrement.history_user
    if user is None:
        return AUTEUR_INCONNU
    return user.get_full_name() or user.get_username()


Source = Callable[[Model], list[Evenement]]
_SOURCES: dict[str, list[Source]] = defaultdict(list)


def ajouter_source(modele: str, source: Source) -> None:
    """`source(objet)` gives more events for the timeline of each `modele` ("app.Modele")
    object; called from an app's `ready()`. Each source reads in a fixed number of queries."""
    if source not in _SOURCES[modele]:
        _SOURCES[modele].append(source)


def evenements_ajoutes(objet: Model) -> list[Evenement]:
    """The events every registered source gives for `objet`."""
    return [evenement for source in _SOURCES[objet._meta.label] for evenement in source(objet)]
