"""Reads of the attendance: the séances of the day, one séance's convoked people with their
mark, the summary per séance the stage page shows. Each a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from convocations.models import (
    STATUTS_OUVERTS,
    STATUTS_RESOLUS,
    STATUTS_SIGNES,
    Convocation,
    Presence,
    Rattrapage,
    StatutPresence,
)
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
    # Set when the person comes to this séance to make up one of their own stage.
    rattrapage: Rattrapage | None = None

    @property
    def resolue(self) -> bool:
        """Closed by the attendance: a correction needs its reason."""
        return not self.convocation.est_ouverte

    @property
    def a_signer(self) -> bool:
        """Marked as there: their signature is asked."""
        return self.presence is not None and self.presence.statut in STATUTS_SIGNES

    @property
    def signature(self) -> str:
        """The SVG signed at this séance, '' when none (or when no longer marked present)."""
        return self.presence.signature if self.a_signer else ""


def convocations_listees(stage: Stage):
    return (Convocation.objects.filter(stage=stage, statut__in=STATUTS_LISTES)
            .select_related("orientation__personne")
            .order_by("orientation__personne__nom_normalise", "orientation__personne__prenom_normalise",
                      "pk"))


def convocations_de_la_seance(seance: Seance):
    """Those listed at a séance: its stage's, and those who make up a séance there."""
    return (Convocation.objects.filter(Q(stage=seance.stage_id, statut__in=STATUTS_LISTES)
                                       | Q(pk__in=Rattrapage.objects.filter(seance=seance)
                                             .values("convocation_id")))
            .select_related("orientation__personne")
            .order_by("orientation__personne__nom_normalise", "orientation__personne__prenom_normalise",
                      "pk"))


def lignes_de_la_seance(seance: Seance, *, avec_signatures: bool = False) -> list[Ligne]:
    """The séance's people in name order (its stage's, then who makes up a séance there), each
    with their mark at this séance: three queries whatever their number. The SVG of the
    signatures only when asked (the PDF)."""
    marques = Presence.objects.filter(seance=seance).select_related("marque_par")
    if not avec_signatures:
        marques = marques.defer("signature")
    rattrapages = Rattrapage.objects.filter(seance=seance).select_related("seance_manquee__stage")
    convocations = convocations_de_la_seance(seance).prefetch_related(
        Prefetch("presences", queryset=marques, to_attr="marques"),
        Prefetch("rattrapages", queryset=rattrapages, to_attr="rattrapages_ici"))
    return [Ligne(c, c.marques[0] if c.marques else None, c.rattrapages_ici[0] if c.rattrapages_ici else None)
            for c in convocations]


@dataclass(frozen=True)
class Assiduite:
    """One séance of a convocation's stage: its mark, and where and how it was made up. The
    one rule of « this séance was attended » for the stage's resolution and its attestation."""

    seance: Seance
    presence: Presence | None
    rattrapage: Rattrapage | None
    presence_rattrapage: Presence | None

    def suivie(self, tolerance: int) -> bool | None:
        """Attended here or where it was made up; None while the mark that decides is missing
        (a séance attended needs no rattrapage's mark)."""
        if self.presence is not None and self.presence.compte_present(tolerance):
            return True
        if self.rattrapage is not None:
            rattrapee = self.presence_rattrapage
            return None if rattrapee is None else rattrapee.compte_present(tolerance)
        return None if self.presence is None else False

    def seance_suivie(self, tolerance: int) -> Seance:
        """Where an attended séance was attended: its own, or the one it was made up in."""
        attendue_ici = self.presence is not None and self.presence.compte_present(tolerance)
        if self.rattrapage is None or attendue_ici:
            return self.seance
        return self.rattrapage.seance


def assiduite(convocation: Convocation, seances=None) -> list[Assiduite]:
    """Each séance of the convocation's stage with its mark and its rattrapage. `seances`: the
    stage's, when read already. Two queries (three without `seances`)."""
    seances = list(convocation.stage.seances.all()) if seances is None else seances
    marques = {p.seance_id: p for p in convocation.presences.defer("signature")}
    rattrapages = {r.seance_manquee_id: r for r in convocation.rattrapages.select_related("seance")}
    lignes = []
    for seance in seances:
        rattrapage = rattrapages.get(seance.pk)
        lignes.append(Assiduite(seance, marques.get(seance.pk), rattrapage,
                                marques.get(rattrapage.seance_id) if rattrapage else None))
    return lignes


def historiques_de_presence(convocations: list[Convocation]) -> dict[int, list[Assiduite]]:
    """Per convocation (that has a mark or a rattrapage), per séance of its stage: its mark and
    its rattrapage with the mark made there. Three queries whatever their number, none for
    none."""
    if not convocations:
        return {}
    marques = defaultdict(dict)
    for p in Presence.objects.filter(convocation__in=convocations).defer("signature"):
        marques[p.convocation_id][p.seance_id] = p
    rattrapages = defaultdict(dict)
    for r in Rattrapage.objects.filter(convocation__in=convocations).select_related("seance__stage"):
        rattrapages[r.convocation_id][r.seance_manquee_id] = r
    seances = defaultdict(list)
    for seance in Seance.objects.filter(stage__in={c.stage_id for c in convocations}):
        seances[seance.stage_id].append(seance)
    historiques = {}
    for c in convocations:
        if not marques[c.pk] and not rattrapages[c.pk]:
            continue
        lignes = []
        for seance in seances[c.stage_id]:
            rattrapage = rattrapages[c.pk].get(seance.pk)
            lignes.append(Assiduite(seance, marques[c.pk].get(seance.pk), rattrapage,
                                    marques[c.pk].get(rattrapage.seance_id) if rattrapage else None))
        historiques[c.pk] = lignes
    return historiques


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
