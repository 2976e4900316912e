"""Convoquer: the proposal of whom to convoke to a stage (`proposer_convocations`, THE rule)
and the confirmation that creates the convocations (`convocations_creer`)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.text import Truncator

from convocations.models import STATUTS_OUVERTS, Convocation, StatutConvocation
from convocations.selectors import places_prises
from paiements.selectors import avec_soldes
from paiements.services import sommes_dues_au_stage
from stages.dates import date_courte
from stages.models import STATUTS_STAGE_CONVOCABLES, Cadre, Orientation, Sexe, Stage, Statut, TypeStage
from stages.planning import depasse_un_mois
from stages.selectors import ORDRE_LISTE, avec_rang
from stages.services import RAISON_MAX
from stages.statuts import orientation_convoquer

# How many people after the proposed ones the page offers to add out of order.
NB_SUIVANTES = 10
# How many "last chance" people beyond the proposal, and people out of time, are listed.
NB_LISTES_A_PART = 30
MOTIF_MAX = Convocation._meta.get_field("motif_hors_rang").max_length


@dataclass(frozen=True)
class Candidat:
    orientation: Orientation  # with `rang`, its rank in the waiting list, and its personne
    derniere_chance: bool  # the échéance falls before the antenne's next stage ends
    peine_trop_longue: bool  # a peine de stage onto a stage longer than one month

    @property
    def motif_propose(self) -> str:
        """The reason pre-filled when this person is taken ahead of their rank."""
        if self.derniere_chance:
            return (f"Dernière chance avant l'échéance du {date_courte(self.orientation.echeance)} "
                    "(le stage suivant de l'antenne se termine après)")
        return ""


@dataclass
class Proposition:
    stage: Stage
    places_libres: int
    prochain_stage: Stage | None
    # In waiting-list order: the first eligible people up to the free places.
    proposees: list[Candidat] = field(default_factory=list)
    # Eligible, beyond the proposal, whose échéance falls before the next stage: offered
    # ahead of their rank.
    derniere_chance: list[Candidat] = field(default_factory=list)
    # The next eligible people, to add out of order (a reason is then required).
    suivantes: list[Candidat] = field(default_factory=list)
    # Cannot be convoked in time for any planned stage (échéance before this one ends):
    # staff ask the prescripteur for an accord now.
    hors_delais: list[Orientation] = field(default_factory=list)
    nb_hors_delais: int = 0

    @property
    def candidats(self) -> dict[int, Candidat]:
        """Every person the page shows a box for, by orientation id."""
        return {c.orientation.pk: c for c in (*self.proposees, *self.derniere_chance, *self.suivantes)}


def stage_verifier_convocable(stage: Stage, *, aujourd_hui: date) -> None:
    """French refusals for a stage that takes no convocation."""
    if not stage.est_convocable:
        raise ValidationError(f"Ce stage est « {stage.get_statut_display().lower()} » : "
                              "il ne prend plus de convocation.")
    if stage.premier_jour is None or stage.dernier_jour is None:
        raise ValidationError("Ce stage n'a pas encore de séance : ajoutez ses séances avant de convoquer.")
    if stage.premier_jour < aujourd_hui:
        raise ValidationError(f"Ce stage a commencé le {date_courte(stage.premier_jour)} : "
                              "on ne convoque plus à un stage passé ou en cours.")


def prochain_stage(stage: Stage) -> Stage | None:
    """The antenne's next stage of the same kind starting after this one ends."""
    if stage.dernier_jour is None:
        return None
    return (Stage.objects.filter(antenne=stage.antenne_id, type_stage=stage.type_stage,
                                 premier_jour__gt=stage.dernier_jour, dernier_jour__isnull=False)
            .filter(statut__in=STATUTS_STAGE_CONVOCABLES)
            .order_by("premier_jour", "id").first())


def _du_bon_type(stage: Stage) -> Q:
    """A women-only stage takes women; a mixte stage anyone not requiring a women-only one."""
    if stage.type_stage == TypeStage.FEMMES:
        return Q(personne__sexe=Sexe.FEMME)
    return ~Q(type_stage=TypeStage.FEMMES)


def type_convient(stage: Stage, orientation: Orientation) -> bool:
    """`_du_bon_type` for one orientation already read (with its personne)."""
    if stage.type_stage == TypeStage.FEMMES:
        return orientation.personne.sexe == Sexe.FEMME
    return orientation.type_stage != TypeStage.FEMMES


def _accord_a_demander() -> Exists:
    """A report flagged that the prescripteur's accord is to be asked (see reponses)."""
    return Exists(Convocation.objects.filter(
        orientation=OuterRef("pk"), statut=StatutConvocation.REPORTEE, accord_a_demander=True,
    ))


def _en_attente_du_bon_type(stage: Stage) -> QuerySet:
    return (Orientation.objects.filter(antenne=stage.antenne_id, statut=Statut.EN_ATTENTE)
            .filter(_du_bon_type(stage))
            .exclude(Exists(Convocation.objects.filter(orientation=OuterRef("pk"),
                                                       statut__in=STATUTS_OUVERTS))))


def _dans_les_delais(stage: Stage) -> Q:
    return Q(echeance__gte=stage.dernier_jour) | Q(accord_en_cours=True)


def eligibles(stage: Stage) -> QuerySet:
    """Who may be convoked to `stage`, in waiting-list order."""
    return (_en_attente_du_bon_type(stage).annotate(accord_en_cours=_accord_a_demander())
            .filter(_dans_les_delais(stage)).order_by(*ORDRE_LISTE))


def _lire(queryset: QuerySet) -> list[Orientation]:
    # With what each person owes and has paid (paiements), for the proposal's rows.
    return list(avec_rang(avec_soldes(queryset).select_related("personne", "prescripteur")))


def proposer_convocations(*, stage: Stage, aujourd_hui: date) -> Proposition:
    """In waiting-list order, the first eligible orientations up to the stage's capacity less
    its open convocations; who is at their last chance; who cannot make it in time."""
    stage_verifier_convocable(stage, aujourd_hui=aujourd_hui)
    places_libres = max(stage.capacite - places_prises(stage), 0)
    suivant = prochain_stage(stage)
    peine_trop_longue = depasse_un_mois(stage.premier_jour, stage.dernier_jour)

    def candidat(orientation: Orientation) -> Candidat:
        return Candidat(
            orientation=orientation,
            derniere_chance=suivant is not None and orientation.echeance < suivant.dernier_jour,
            peine_trop_longue=peine_trop_longue and orientation.cadre == Cadre.PEINE,
        )

    tete = [candidat(o) for o in _lire(eligibles(stage)[:places_libres + NB_SUIVANTES])]
    proposees, apres = tete[:places_libres], tete[places_libres:]
    derniere_chance = []
    if suivant is not None:
        deja = {c.orientation.pk for c in proposees}
        derniere_chance = [
            candidat(o) for o in _lire(eligibles(stage).filter(echeance__lt=suivant.dernier_jour)
                                       .exclude(pk__in=deja)[:NB_LISTES_A_PART])
        ]
    en_chance = {c.orientation.pk for c in derniere_chance}
    hors_delais = (_en_attente_du_bon_type(stage).annotate(accord_en_cours=_accord_a_demander())
                   .exclude(_dans_les_delais(stage)))
    return Proposition(
        stage=stage, places_libres=places_libres, prochain_stage=suivant,
        proposees=proposees, derniere_chance=derniere_chance,
        suivantes=[c for c in apres if c.orientation.pk not in en_chance],
        hors_delais=_lire(hors_delais.order_by("echeance", "id")[:NB_LISTES_A_PART]),
        nb_hors_delais=hors_delais.count(),
    )


@dataclass(frozen=True)
class Choix:
    """One person ticked on the proposal; `motif`: why out of rank (or a long stage for a peine)."""

    orientation_id: int
    motif: str = ""


def _refus_pour(orientation: Orientation, stage: Stage, *, motif: str, proposee: bool,
                peine_trop_longue: bool) -> str:
    """Why `orientation` may not be convoked to `stage` as chosen, or ""."""
    personne = orientation.personne
    if orientation.statut != Statut.EN_ATTENTE or orientation.a_une_ouverte:
        return f"{personne} est déjà convoqué·e (ou n'est plus en attente) : pas de seconde convocation."
    if orientation.antenne_id != stage.antenne_id:
        return f"{personne} n'est pas dans la liste d'attente de cette antenne."
    if not type_convient(stage, orientation):
        if stage.type_stage == TypeStage.FEMMES:
            return f"{personne} : ce stage non mixte est réservé aux femmes."
        return f"{personne} : son orientation demande un stage non mixte (femmes)."
    if not motif and orientation.echeance < stage.dernier_jour and not orientation.accord_en_cours:
        return (f"{personne} : l'échéance du {date_courte(orientation.echeance)} tombe avant la fin "
                "du stage ; demandez l'accord du prescripteur ou indiquez un motif.")
    if not motif and peine_trop_longue and orientation.cadre == Cadre.PEINE:
        return (f"{personne} : une peine de stage (C. pén. 131-5-1) s'exécute en un mois au plus et "
                "ce stage dure plus d'un mois ; indiquez un motif pour l'y convoquer.")
    if not motif and not proposee:
        return f"{personne} est pris·e hors de son rang : indiquez un motif."
    return ""


@transaction.atomic
def convocations_creer(*, stage: Stage, choix: list[Choix], aujourd_hui: date, par=None,
                       cle: str = "") -> tuple[list[Convocation], bool]:
    """Convoke the chosen people to `stage`: (convocations, created). Under a row lock on the
    stage, so that two staff confirming at once never exceed its capacity; the same `cle`
    (form token) sent again returns the convocations it created, nothing more."""
    stage = Stage.objects.select_for_update().select_related("antenne").get(pk=stage.pk)
    if cle and (deja := list(Convocation.objects.filter(stage=stage, cle_lot=cle))):
        return deja, False
    if not choix:
        raise ValidationError("Cochez au moins une personne à convoquer.")
    stage_verifier_convocable(stage, aujourd_hui=aujourd_hui)
    ids = [c.orientation_id for c in choix]
    if len(set(ids)) != len(ids):
        raise ValidationError("La même personne est cochée deux fois.")
    # Counted under the lock: a confirmation running at the same time waits for this one.
    places_libres = stage.capacite - places_prises(stage)
    if len(choix) > places_libres:
        raise ValidationError(
            f"{len(choix)} personnes cochées pour {max(places_libres, 0)} place"
            f"{'s' if places_libres > 1 else ''} restante{'s' if places_libres > 1 else ''} "
            f"(capacité du stage : {stage.capacite}, sur-réservation comprise)."
        )
    proposees = set(eligibles(stage).values_list("pk", flat=True)[:places_libres])
    orientations = (Orientation.objects.filter(pk__in=ids).select_related("personne")
                    .annotate(accord_en_cours=_accord_a_demander(),
                              a_une_ouverte=Exists(Convocation.objects.filter(
                                  orientation=OuterRef("pk"), statut__in=STATUTS_OUVERTS))))
    par_id = {o.pk: o for o in orientations}
    peine_trop_longue = depasse_un_mois(stage.premier_jour, stage.dernier_jour)
    refus = []
    for c in choix:
        orientation = par_id.get(c.orientation_id)
        if orientation is None:
            refus.append("Une des personnes cochées n'existe plus.")
            continue
        if message := _refus_pour(orientation, stage, motif=c.motif.strip(),
                                  proposee=orientation.pk in proposees,
                                  peine_trop_longue=peine_trop_longue):
            refus.append(message)
    if refus:
        raise ValidationError(refus)
    nombres = _numeros(ids)
    creees = []
    for c in choix:
        orientation = par_id[c.orientation_id]
        motif = Truncator(c.motif.strip()).chars(MOTIF_MAX)
        orientation_convoquer(
            orientation=orientation,
            motif=f"Convoquée au {stage}" + (f" — motif : {motif}" if motif else ""),
        )
        convocation = Convocation(
            orientation=orientation, stage=stage, numero=nombres.get(orientation.pk, 0) + 1,
            motif_hors_rang=motif, cree_par=par, cle_lot=cle,
        )
        convocation._change_reason = Truncator(motif or "Convocation").chars(RAISON_MAX)
        convocation.save()
        creees.append(convocation)
    # What each person owes follows the stage's fee (paiements).
    sommes_dues_au_stage(orientations=[par_id[c.orientation_id] for c in choix], stage=stage)
    return creees, True


def _numeros(ids: list[int]) -> dict[int, int]:
    """How many convocations each orientation already had (the new one is the next number)."""
    return dict(Convocation.objects.filter(orientation__in=ids).values("orientation")
                .annotate(n=Count("pk")).values_list("orientation", "n"))
