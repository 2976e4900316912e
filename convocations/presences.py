"""Reads of the attendance: the séances of the day, one séance's convoked people with their
mark, the summary per séance the stage page shows. Each a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from convocations.models import STATUTS_OUVERTS, STATUTS_RESOLUS, Convocation, Presence, StatutPresence
from stages.access import stages_visibles
from stages.models import Seance, Stage, StatutStage

# The convocations a séance lists: those that hold a place, and those the attendance closed.
STATUTS_LISTES = [*STATUTS_OUVERTS, *STATUTS_RESOLUS]


def seances_du_jour(request: HttpRequest, jour: date) -> list[Seance]:
    """Today's séances of the stages this user sees (an animateur: those they run)."""
    stages = stages_visibles(request).exclude(statut=StatutStage.ANNULE)
    return list(Seance.objects.filter(stage__in=stages, date=jour)
                .select_related("stage").order_by("debut", "pk"))


def seance_ou_404(request: HttpRequest, seance_id: int) -> Seance:
    """A séance of a stage this user sees; 404 otherwise (another antenne's, or a stage this
    animateur does not run, is not told apart from one that does not exist)."""
    seances = Seance.objects.filter(stage__in=stages_visibles(request)).select_related("stage__antenne")
    return get_object_or_404(seances, pk=seance_id)


@dataclass(frozen=True)
class Ligne:
    convocation: Convocation
    presence: Presence | None

    @property
    def resolue(self) -> bool:
        """Closed by the attendance: a correction needs its reason."""
        return not self.convocation.est_ouverte


def convocations_listees(stage: Stage):
    return (Convocation.objects.filter(stage=stage, statut__in=STATUTS_LISTES)
            .select_related("orientation__personne")
            .order_by("orientation__personne__nom_normalise", "orientation__personne__prenom_normalise",
                      "pk"))


def lignes_de_la_seance(seance: Seance) -> list[Ligne]:
    """The stage's convoked people in name order, each with their mark at this séance: two
    queries whatever their number."""
    marques = Presence.objects.filter(seance=seance).select_related("marque_par")
    convocations = convocations_listees(seance.stage).prefetch_related(
        Prefetch("presences", queryset=marques, to_attr="marques"))
    return [Ligne(c, c.marques[0] if c.marques else None) for c in convocations]


@dataclass(frozen=True)
class Resume:
    seance: Seance
    comptes: dict[str, int]

    @property
    def nb_marques(self) -> int:
        return sum(self.comptes.values())

    @property
    def lignes(self) -> list[tuple[str, int]]:
        return [(label, self.comptes[valeur]) for valeur, label in StatutPresence.choices
                if self.comptes[valeur]]


def resume_du_stage(stage: Stage) -> tuple[list[Resume], int]:
    """Per séance, how many were marked in each way; and how many people the séances list.
    One query: the séances with their counts and the number of people listed."""
    listes = (Convocation.objects.filter(stage=OuterRef("stage"), statut__in=STATUTS_LISTES).order_by()
              .values("stage").annotate(n=Count("pk")).values("n"))
    seances = list(stage.seances.annotate(
        nb_listes=Coalesce(Subquery(listes, output_field=IntegerField()), 0),
        **{f"nb_{valeur}": Count("presences", filter=Q(presences__statut=valeur))
           for valeur in StatutPresence.values},
    ))
    resumes = [Resume(s, {v: getattr(s, f"nb_{v}") for v in StatutPresence.values}) for s in seances]
    return resumes, seances[0].nb_listes if seances else 0
