"""Reads of the attendance: the séances of the day, one séance's convoked people with their
mark, the summary per séance the stage page shows. Each a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q
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
    def marquable(self) -> bool:
        return self.convocation.est_ouverte


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
    nb_marques: int

    @property
    def lignes(self) -> list[tuple[str, int]]:
        return [(label, self.comptes.get(valeur, 0)) for valeur, label in StatutPresence.choices
                if self.comptes.get(valeur)]


def resume_du_stage(stage: Stage) -> tuple[list[Resume], int]:
    """Per séance, how many were marked in each way; and how many people the séances list."""
    seances = list(stage.seances.all())
    comptes: dict[int, dict[str, int]] = {s.pk: {} for s in seances}
    for seance_id, statut, nombre in (Presence.objects.filter(seance__stage=stage).order_by()
                                      .values_list("seance", "statut").annotate(n=Count("pk"))):
        comptes.setdefault(seance_id, {})[statut] = nombre
    nb_listes = Convocation.objects.filter(Q(stage=stage) & Q(statut__in=STATUTS_LISTES)).count()
    return [Resume(s, comptes[s.pk], sum(comptes[s.pk].values())) for s in seances], nb_listes
