"""Planning stages: create, edit, set their séances, cancel; the rules on séances (R131-36:
6 hours of training a day, warned and recorded; at most one month; Sundays and public
holidays of the antenne's département flagged) and the formats that pre-fill a new stage.

Signals, for the apps above `stages` (which `stages` never imports):

- `seances_modifiees` (sender=Stage, stage=<Stage>): sent after the commit of any change of
  a stage's séances (added, moved, removed), so that the convocations app sends the updated
  calendar files and an e-mail to the people convoked;
- `stage_annule` (sender=Stage, stage=<Stage>): sent after the commit of a cancellation;
- `places_prises` (sender=Stage, stage=<Stage>): asked before the places of a stage change;
  each receiver answers how many places are taken (the convocations app: its open
  convocations), and a capacity below the largest answer is refused.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from stages.dates import ajouter_mois, date_courte
from stages.models import (
    STATUTS_STAGE_CONVOCABLES,
    Antenne,
    FormatStage,
    Membre,
    Role,
    Seance,
    Stage,
    StatutStage,
)
from stages.services import enregistrer_avec_motif

seances_modifiees = Signal()
stage_annule = Signal()
places_prises = Signal()

# R131-36 du Code pénal: « la durée journalière de formation effective ne peut excéder six heures ».
MINUTES_PAR_JOUR_MAX = 6 * 60
STATUTS_FIGES = {StatutStage.ANNULE, StatutStage.CLOS}
# Stage fields staff edit (the séances, the status and its reason have their own services).
CHAMPS_DU_STAGE = ["type_stage", "lieu", "adresse_lieu", "acces_lieu", "places", "surreservation", "tarif"]


# --- Public holidays ------------------------------------------------------------------------

def subdivision_feries(departement: str) -> str | None:
    """The `holidays` subdivision of a département: Alsace (67, 68) and Moselle (57) keep
    Vendredi saint and Saint-Étienne; each overseas département its abolition of slavery."""
    if departement in ("67", "68"):
        return "6AE"
    if departement in holidays.France.subdivisions:
        return departement
    return None


@lru_cache(maxsize=256)
def _feries(subdivision: str | None, annee: int) -> dict[date, str]:
    return dict(holidays.France(subdiv=subdivision, years=annee, language="fr"))


def jour_ferie(jour: date, departement: str) -> str:
    """The name of the public holiday `jour` is in the département, or ''."""
    return _feries(subdivision_feries(departement), jour.year).get(jour, "")


def signalement_du_jour(jour: date, departement: str) -> str:
    """« dimanche », « jour férié (Noël) », or '' for a working day."""
    ferie = jour_ferie(jour, departement)
    if ferie:
        return f"jour férié ({ferie})"
    return "dimanche" if jour.weekday() == 6 else ""


def jour_ouvre_suivant(jour: date, departement: str) -> date:
    """The next day after `jour` that is neither a Sunday nor a public holiday."""
    suivant = jour + timedelta(days=1)
    while signalement_du_jour(suivant, departement):
        suivant += timedelta(days=1)
    return suivant


# --- Séances as typed, and their rules -------------------------------------------------------

@dataclass
class SeanceSaisie:
    """A séance as staff typed it; `id` names an existing séance of the stage."""

    date: date
    debut: time
    fin: time
    pauses_minutes: int = 0
    module: str = ""
    id: int | None = None

    @property
    def minutes_de_formation(self) -> int:
        return Seance(debut=self.debut, fin=self.fin, pauses_minutes=self.pauses_minutes).minutes_de_formation


def heures(minutes: int) -> str:
    """360 -> '6 h', 405 -> '6 h 45'."""
    return f"{minutes // 60} h" + (f" {minutes % 60:02d}" if minutes % 60 else "")


def minutes_par_jour(seances) -> dict[date, int]:
    par_jour: dict[date, int] = defaultdict(int)
    for seance in seances:
        par_jour[seance.date] += seance.minutes_de_formation
    return dict(par_jour)


def jours_trop_longs(seances) -> dict[date, int]:
    """The days of more than 6 hours of effective training, with their minutes."""
    return {jour: minutes for jour, minutes in sorted(minutes_par_jour(seances).items())
            if minutes > MINUTES_PAR_JOUR_MAX}


def depasse_un_mois(premier_jour: date | None, dernier_jour: date | None) -> bool:
    """A stage lasts at most one month (C. pén. 131-5-1 for a peine de stage)."""
    return bool(premier_jour and dernier_jour and dernier_jour >= ajouter_mois(premier_jour, 1))


@dataclass
class Refus:
    """What is wrong with a list of séances: per séance (its index in the list) and field,
    and for the whole (field name or None)."""

    par_seance: dict[int, dict[str | None, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    general: dict[str | None, list[str]] = field(default_factory=lambda: defaultdict(list))

    def seance(self, index: int, champ: str | None, message: str) -> None:
        self.par_seance[index].setdefault(champ, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.par_seance or self.general)


class SeancesRefusees(ValidationError):
    def __init__(self, refus: Refus):
        messages = [m for erreurs in refus.general.values() for m in erreurs] + [
            m for champs in refus.par_seance.values() for erreurs in champs.values() for m in erreurs
        ]
        super().__init__(messages)
        self.refus = refus


def verifier_seances(seances: list[SeanceSaisie], justification_duree: str) -> Refus:
    """The rules of a stage's séances, each message in French next to what it is about."""
    refus = Refus()
    if not seances:
        refus.general[None].append("Un stage compte au moins une séance : ajoutez-en une.")
        return refus
    for index, seance in enumerate(seances):
        try:
            Seance(stage_id=0, date=seance.date, debut=seance.debut, fin=seance.fin,
                   pauses_minutes=seance.pauses_minutes, module=seance.module).full_clean(exclude=["stage"])
        except ValidationError as erreur:
            for champ, erreurs in erreur.message_dict.items():
                for message in erreurs:
                    refus.seance(index, None if champ == "__all__" else champ, message)
    valides = [(i, s) for i, s in enumerate(seances) if i not in refus.par_seance]
    for position, (index, seance) in enumerate(valides):
        for _autre_index, autre in valides[:position]:
            if autre.date == seance.date and autre.debut < seance.fin and seance.debut < autre.fin:
                refus.seance(index, "debut", (
                    f"Cette séance chevauche celle du {date_courte(autre.date)} de "
                    f"{autre.debut:%H:%M} à {autre.fin:%H:%M}."
                ))
                break
    trop_longs = jours_trop_longs(s for _i, s in valides)
    if trop_longs and not justification_duree.strip():
        jours = ", ".join(f"le {date_courte(jour)} ({heures(minutes)})"
                          for jour, minutes in trop_longs.items())
        refus.general["justification_duree"].append(
            f"Plus de 6 heures de formation effective dans la journée {jours} : l'article R131-36 "
            "du Code pénal les limite à 6 heures. Raccourcissez la journée, ajoutez des pauses, "
            "ou indiquez ici pourquoi (gardé dans l'historique du stage)."
        )
    return refus


# --- Formats: the séances a new stage is pre-filled with -------------------------------------

def seances_du_format(*, antenne: Antenne, format_stage: str, premier_jour: date) -> list[SeanceSaisie]:
    """The séances of `format_stage` from `premier_jour`, at the antenne's usual hours. The
    following days skip Sundays and public holidays; a full day runs from the morning's
    start to the afternoon's end, the lunch break counted as a pause."""
    dep = antenne.departement
    pause_midi = _minutes(antenne.debut_apres_midi) - _minutes(antenne.fin_matin)

    def journee(jour: date) -> SeanceSaisie:
        return SeanceSaisie(date=jour, debut=antenne.debut_matin, fin=antenne.fin_apres_midi,
                            pauses_minutes=max(pause_midi, 0))

    if format_stage == FormatStage.DEUX_JOURS_CONSECUTIFS:
        return [journee(premier_jour), journee(jour_ouvre_suivant(premier_jour, dep))]
    if format_stage == FormatStage.DEUX_JOURS_NON_CONSECUTIFS:
        return [journee(premier_jour), journee(premier_jour + timedelta(days=7))]
    if format_stage == FormatStage.QUATRE_DEMI_JOURNEES:
        return [
            SeanceSaisie(date=jour, debut=debut, fin=fin)
            for jour in (premier_jour, jour_ouvre_suivant(premier_jour, dep))
            for debut, fin in ((antenne.debut_matin, antenne.fin_matin),
                               (antenne.debut_apres_midi, antenne.fin_apres_midi))
        ]
    if format_stage == FormatStage.SEPT_HEBDOMADAIRES:
        return [SeanceSaisie(date=premier_jour + timedelta(weeks=semaine), debut=antenne.debut_apres_midi,
                             fin=antenne.fin_apres_midi) for semaine in range(7)]
    raise ValueError(f"Format de stage inconnu : {format_stage}")


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


# --- Services --------------------------------------------------------------------------------

def _verifier_animateurs(antenne: Antenne, animateurs) -> list[Membre]:
    animateurs = list(animateurs)
    if any(m.antenne_id != antenne.pk or m.role != Role.ANIMATEUR for m in animateurs):
        raise ValidationError({"animateurs": "Choisissez des animateur·rices de l'antenne."})
    return animateurs


def _ecrire_seances(stage: Stage, seances: list[SeanceSaisie], motif: str) -> bool:
    """The stage's séances become exactly `seances`; True when anything changed."""
    existantes = {s.pk: s for s in stage.seances.all()}
    inconnues = {s.id for s in seances if s.id is not None} - set(existantes)
    if inconnues:
        raise ValidationError("Une séance modifiée n'appartient pas à ce stage : rechargez la page.")
    change = False
    gardees = set()
    for saisie in seances:
        seance = existantes.get(saisie.id) if saisie.id else Seance(stage=stage)
        valeurs = {"date": saisie.date, "debut": saisie.debut, "fin": saisie.fin,
                   "pauses_minutes": saisie.pauses_minutes, "module": saisie.module}
        if seance.pk:
            gardees.add(seance.pk)
            if all(getattr(seance, nom) == valeur for nom, valeur in valeurs.items()):
                continue
        for nom, valeur in valeurs.items():
            setattr(seance, nom, valeur)
        enregistrer_avec_motif(seance, motif)
        change = True
    for pk, seance in existantes.items():
        if pk not in gardees:
            seance._change_reason = motif
            seance.delete()
            change = True
    jours = [s.date for s in seances]
    stage.premier_jour, stage.dernier_jour = min(jours), max(jours)
    Stage.objects.filter(pk=stage.pk).update(premier_jour=stage.premier_jour, dernier_jour=stage.dernier_jour)
    return change


def _refuser_si_invalides(seances: list[SeanceSaisie], justification_duree: str) -> None:
    refus = verifier_seances(seances, justification_duree)
    if refus:
        raise SeancesRefusees(refus)


def _trier(seances) -> list[SeanceSaisie]:
    return sorted(seances, key=lambda s: (s.date, s.debut))


@transaction.atomic
def stage_creer(*, antenne: Antenne, stage: Stage, seances: list[SeanceSaisie], animateurs=(),
                justification_duree: str = "") -> Stage:
    """`stage` (unsaved, its fields typed) created in `antenne` with its séances."""
    _refuser_si_invalides(seances, justification_duree)
    seances = _trier(seances)
    stage.antenne = antenne
    stage.statut = StatutStage.PLANIFIE
    stage.justification_duree = justification_duree.strip() if jours_trop_longs(seances) else ""
    stage.premier_jour, stage.dernier_jour = seances[0].date, seances[-1].date
    animateurs = _verifier_animateurs(antenne, animateurs)
    motif = "Création" + (f" ; journée de plus de 6 h : {stage.justification_duree}"
                          if stage.justification_duree else "")
    enregistrer_avec_motif(stage, motif)
    stage.animateurs.set(animateurs)
    _ecrire_seances(stage, [SeanceSaisie(**{**vars(s), "id": None}) for s in seances], "Création du stage")
    return stage


def _verrouiller(stage: Stage) -> Stage:
    verrouille = Stage.objects.select_for_update().select_related("antenne").get(pk=stage.pk)
    if verrouille.statut in STATUTS_FIGES:
        raise ValidationError(
            f"Ce stage est {verrouille.get_statut_display().lower()} : il ne se modifie plus."
        )
    return verrouille


def _refuser_si_sous_les_places_prises(stage: Stage) -> None:
    prises = max((n for _, n in places_prises.send(sender=Stage, stage=stage)), default=0)
    if stage.capacite < prises:
        raise ValidationError({"places": (
            f"{prises} personnes sont déjà convoquées : places et sur-réservation ensemble ne "
            f"peuvent pas descendre sous {prises} (aujourd'hui {stage.capacite}). Annulez ou "
            f"reportez d'abord des convocations."
        )})


@transaction.atomic
def stage_modifier(*, stage: Stage, champs: dict, animateurs=None, motif: str = "Modification") -> Stage:
    """The stage's own fields (`CHAMPS_DU_STAGE`) and, if given, its animateurs."""
    verrouille = _verrouiller(stage)
    inconnus = set(champs) - set(CHAMPS_DU_STAGE)
    if inconnus:
        raise ValueError(f"Champs non modifiables ici : {', '.join(sorted(inconnus))}")
    for nom, valeur in champs.items():
        setattr(verrouille, nom, valeur)
    _refuser_si_sous_les_places_prises(verrouille)
    enregistrer_avec_motif(verrouille, motif)
    if animateurs is not None:
        verrouille.animateurs.set(_verifier_animateurs(verrouille.antenne, animateurs))
    return verrouille


@transaction.atomic
def seances_enregistrer(*, stage: Stage, seances: list[SeanceSaisie], justification_duree: str = "") -> Stage:
    """The stage's séances become `seances` (ids: kept and edited; without: added; the
    others removed). First and last day follow; a day over 6 hours needs
    `justification_duree`, kept on the stage and in its history. Sends `seances_modifiees`
    after the commit when anything changed."""
    verrouille = _verrouiller(stage)
    _refuser_si_invalides(seances, justification_duree)
    seances = _trier(seances)
    justification = justification_duree.strip() if jours_trop_longs(seances) else ""
    change = _ecrire_seances(verrouille, seances, "Séances modifiées")
    if justification != verrouille.justification_duree:
        verrouille.justification_duree = justification
        enregistrer_avec_motif(verrouille, f"Journée de plus de 6 h : {justification}" if justification
                               else "Plus de journée de plus de 6 h")
    if change:
        transaction.on_commit(lambda: seances_modifiees.send(sender=Stage, stage=verrouille))
    return verrouille


@transaction.atomic
def stage_annuler(*, stage: Stage, motif: str) -> Stage:
    """Cancelled with its reason (on the stage and in its history), never deleted."""
    motif = motif.strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de l'annulation."})
    verrouille = _verrouiller(stage)
    verrouille.statut = StatutStage.ANNULE
    verrouille.motif_annulation = motif
    enregistrer_avec_motif(verrouille, f"Annulé : {motif}")
    transaction.on_commit(lambda: stage_annule.send(sender=Stage, stage=verrouille))
    return verrouille


# Attendance can still be marked for a week after the last séance before the stage closes
# (later corrections need a reason, `convocations.services.presences`).
JOURS_AVANT_CLOTURE = 7


def stages_suivre_le_calendrier(*, aujourd_hui: date | None = None) -> int:
    """The daily job: a stage whose first séance has come is « en cours », one whose last
    séance is a week past is « clos »; each change is in the stage's history. Returns the
    number of stages changed."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    etapes = [
        (Stage.objects.filter(statut__in=STATUTS_STAGE_CONVOCABLES, premier_jour__lte=aujourd_hui),
         StatutStage.EN_COURS, "Stage commencé"),
        (Stage.objects.filter(statut=StatutStage.EN_COURS,
                              dernier_jour__lt=aujourd_hui - timedelta(days=JOURS_AVANT_CLOTURE)),
         StatutStage.CLOS, "Stage clos (une semaine après sa dernière séance)"),
    ]
    changes = 0
    for stages, statut, motif in etapes:
        for stage in stages:
            with transaction.atomic():
                # Locked, then checked again: staff may have cancelled it meanwhile.
                verrouille = Stage.objects.select_for_update().get(pk=stage.pk)
                if verrouille.statut != stage.statut:
                    continue
                verrouille.statut = statut
                enregistrer_avec_motif(verrouille, motif)
            changes += 1
    return changes


# --- What the stage page warns about ---------------------------------------------------------

def avertissements(stage: Stage, seances: list[Seance]) -> list[str]:
    """The warnings of the stage page (the séances given, already read)."""
    messages = []
    for jour, minutes in jours_trop_longs(seances).items():
        messages.append(
            f"Le {date_courte(jour)} compte {heures(minutes)} de formation effective, plus que les "
            f"6 heures de l'article R131-36 du Code pénal. Justification : "
            f"{stage.justification_duree or 'non renseignée'}."
        )
    if depasse_un_mois(stage.premier_jour, stage.dernier_jour):
        messages.append(
            "Les séances s'étendent sur plus d'un mois : une peine de stage (article 131-5-1 du "
            "Code pénal) dure au plus un mois ; y convoquer une telle orientation demande un motif."
        )
    departement = stage.antenne.departement
    for seance in seances:
        if signalement := signalement_du_jour(seance.date, departement):
            messages.append(f"La séance du {date_courte(seance.date)} tombe un {signalement}.")
    return messages
