"""Attendance: marking a person at a séance (`presence_marquer`), and resolving the
convocation once every séance of the stage is marked (`convocation_resoudre`): stage effectué,
or absent / partly followed with the antenne's absence policy applied to the orientation."""

from datetime import datetime, timedelta

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from convocations.models import (
    STATUTS_AVEC_MINUTES,
    STATUTS_OUVERTS,
    STATUTS_RESOLUS,
    STATUTS_SIGNES,
    Convocation,
    Presence,
    Rattrapage,
    StatutConvocation,
    StatutPresence,
)
from convocations.presences import assiduite
from convocations.signatures import svg, traits_valides
from stages.dates import date_courte
from stages.models import PolitiqueAbsence, Seance, Stage, StatutStage
from stages.services import RAISON_MAX
from stages.statuts import (
    orientation_a_retourner,
    orientation_remettre_en_attente,
    orientation_stage_effectue,
)

MOTIF_MAX = Presence._meta.get_field("motif_correction").max_length
# How far ahead of the server a tablet's clock may run, and how long a tablet may stay offline.
AVANCE_HORLOGE = timedelta(minutes=5)
RETARD_MAX = timedelta(days=30)


def heure_d_origine(faite_le: datetime | None, maintenant: datetime) -> datetime:
    """When a mark was made: the tablet's time (an offline mark reaches us later), never ahead of
    ours; `maintenant` when the tablet gave none."""
    if faite_le is None:
        return maintenant
    if faite_le > maintenant + AVANCE_HORLOGE:
        raise ValidationError("L'heure de cette action est dans le futur : vérifiez l'heure de la tablette.")
    if faite_le < maintenant - RETARD_MAX:
        raise ValidationError("L'heure de cette action a plus de 30 jours : vérifiez l'heure de la tablette.")
    return min(faite_le, maintenant)



# Sent once a convocation's resolution (effectuée, partielle, absente) is committed, with
# `convocation=`: the warning letter of a no-show (services.avis) connects to it.
convocation_resolue = django.dispatch.Signal()


def seance_commencee(seance: Seance, maintenant: datetime) -> bool:
    """A séance is marked from its start on (a past day, or today from its start time)."""
    local = timezone.localtime(maintenant)
    return seance.date < local.date() or (seance.date == local.date() and seance.debut <= local.time())


def refus_de_marquer(stage: Stage, seance: Seance, maintenant: datetime) -> str:
    """Why nobody may mark this séance now ('' when they may; a closed stage is marked only
    with a reason, see `presence_marquer`)."""
    if stage.statut == StatutStage.ANNULE:
        return "Ce stage est annulé : ses présences ne se marquent pas."
    if not seance_commencee(seance, maintenant):
        return (f"Cette séance commence le {date_courte(seance.date)} à {seance.debut:%H:%M} : "
                "les présences se marquent à partir de son début.")
    return ""


def _minutes_valides(statut: str, minutes: int | None, seance: Seance) -> int:
    if statut not in STATUTS_AVEC_MINUTES:
        return 0
    duree = seance.minutes_de_formation + seance.pauses_minutes
    if minutes is None or not 1 <= minutes <= duree:
        raise ValidationError({"minutes": (
            f"Indiquez les minutes de {'retard' if statut == StatutPresence.RETARD else 'départ anticipé'}, "
            f"entre 1 et {duree}."
        )})
    return minutes


@transaction.atomic
def presence_marquer(*, seance: Seance, convocation: Convocation, statut: str, minutes: int | None = None,
                     par=None, motif: str = "", maintenant: datetime | None = None,
                     faite_le: datetime | None = None) -> Presence:
    """Mark `convocation`'s person at `seance` (a séance of their stage, or one where they make up
    a missed séance, `Rattrapage`). Two tablets marking the same person are taken in turn (the
    convocation's row is locked): the last mark wins, by the time it was made (`faite_le`, an
    offline mark reaching us late does not undo a later one), the history keeps both. A closed
    stage, or a convocation already resolved, is corrected only with `motif`, kept in the
    history; a correction that would change a resolved convocation's outcome (effectuée,
    partielle, absente) is refused, since the orientation has moved on. Resolves the
    convocation when this was its last séance to mark. The presence returned has
    `marque_le` ≠ the mark's time when a later mark was already there (nothing changed)."""
    maintenant = maintenant or timezone.now()
    if statut not in StatutPresence.values:
        raise ValidationError({"statut": "Choisissez une présence de la liste."})
    marque_le = heure_d_origine(faite_le, maintenant)
    convocation = (Convocation.objects.select_for_update(of=("self",))
                   .select_related("stage__antenne", "orientation__personne").get(pk=convocation.pk))
    stage = seance.stage
    if seance.stage_id != convocation.stage_id and not Rattrapage.objects.filter(
            convocation=convocation, seance=seance).exists():
        raise ValidationError("Cette personne n'est pas convoquée au stage de cette séance.")
    if refus := refus_de_marquer(stage, seance, maintenant):
        raise ValidationError(refus)
    motif = motif.strip()
    resolue = convocation.statut in STATUTS_RESOLUS
    if convocation.statut not in STATUTS_OUVERTS and not resolue:
        raise ValidationError(
            f"{convocation.orientation.personne} : la convocation est "
            f"« {convocation.get_statut_display().lower()} », ses présences ne changent plus."
        )
    if stage.statut == StatutStage.CLOS and not motif:
        raise ValidationError({"motif": "Ce stage est clos : indiquez le motif de la correction."})
    if resolue and not motif:
        raise ValidationError({"motif": (
            f"{convocation.orientation.personne} : la convocation est déjà résolue "
            f"(« {convocation.get_statut_display().lower()} ») : indiquez le motif de la correction."
        )})
    minutes = _minutes_valides(statut, minutes, seance)
    presence = Presence.objects.filter(convocation=convocation, seance=seance).first()
    if presence is None:
        presence = Presence(convocation=convocation, seance=seance)
    elif presence.marque_le > marque_le:
        return presence  # a later mark is already there: it stands
    presence.statut, presence.minutes = statut, minutes
    presence.marque_par, presence.marque_le = par, marque_le
    presence.motif_correction = Truncator(motif).chars(MOTIF_MAX)
    raison = f"{presence.libelle}" + (f" — correction : {motif}" if motif else "")
    presence._change_reason = Truncator(raison).chars(RAISON_MAX)
    presence.save()
    if resolue:
        issue = _issue(convocation)
        # A séance added since would leave it unresolved: the mark is kept, nothing else moves.
        if issue is not None and issue != convocation.statut:  # rolled back: nothing saved
            raise ValidationError(
                f"{convocation.orientation.personne} : cette correction changerait l'issue du stage "
                f"(« {convocation.get_statut_display().lower()} » → « {issue.label.lower()} »), déjà "
                "appliquée à l'orientation : rien n'a été enregistré. Voyez avec le secrétariat."
            )
    else:
        _resoudre(convocation)
    return presence


@transaction.atomic
def presence_signer(*, seance: Seance, convocation: Convocation, traits: str, par=None,
                    maintenant: datetime | None = None, faite_le: datetime | None = None) -> Presence:
    """Keep the signature a present person drew on the tablet (`traits`, what the pad sends; an
    empty pad is refused), as SVG with the time it was drawn. Signed again: the new one
    replaces it, the history keeps both. Only once marked present (late, left early), and not
    once the stage is closed."""
    maintenant = maintenant or timezone.now()
    dessin = svg(traits_valides(traits))
    signee_le = heure_d_origine(faite_le, maintenant)
    if refus := refus_de_marquer(seance.stage, seance, maintenant):
        raise ValidationError(refus)
    if seance.stage.statut == StatutStage.CLOS:
        raise ValidationError("Ce stage est clos : les signatures ne se recueillent plus.")
    presence = (Presence.objects.select_for_update(of=("self",))
                .select_related("convocation__orientation__personne")
                .filter(convocation=convocation, seance=seance).first())
    if presence is None or presence.statut not in STATUTS_SIGNES:
        raise ValidationError({"signature": (
            f"{convocation.orientation.personne} : marquez d'abord sa présence, puis faites signer.")})
    presence.signature, presence.signee_le = dessin, signee_le
    presence._change_reason = f"Signature recueillie à {timezone.localtime(signee_le):%H:%M}"
    presence.save()
    return presence


@transaction.atomic
def convocation_resoudre(*, convocation: Convocation) -> bool:
    """Once every séance of its stage is marked, close the convocation: all attended (late or
    left early within the antenne's tolerance) -> effectuée, the orientation « stage
    effectué »; otherwise absente (no séance attended) or partielle, one absence more, and
    the antenne's policy: back to the waiting list at its original rank for a second
    convocation, or « à retourner » to the prescripteur. False while séances remain."""
    convocation = (Convocation.objects.select_for_update(of=("self",))
                   .select_related("stage__antenne", "orientation").get(pk=convocation.pk))
    return _resoudre(convocation)


def _resoudre(convocation: Convocation) -> bool:
    """`convocation_resoudre` on a convocation already locked and read with its stage."""
    if convocation.statut not in STATUTS_OUVERTS:
        return False
    stage, orientation = convocation.stage, convocation.orientation
    antenne = stage.antenne
    seances, suivies = _seances_suivies(convocation)
    if suivies is None:
        return False
    if suivies == seances:
        convocation.statut = StatutConvocation.EFFECTUEE
        _enregistrer(convocation, "Toutes les séances suivies")
        motif = f"Stage effectué du {date_courte(stage.premier_jour)} ({stage.lieu})"
        orientation_stage_effectue(orientation=orientation, motif=motif)
        transaction.on_commit(lambda: convocation_resolue.send(sender=Convocation, convocation=convocation))
        return True
    convocation.statut = StatutConvocation.PARTIELLE if suivies else StatutConvocation.ABSENTE
    pluriel = "s" if suivies > 1 else ""
    texte = (f"{suivies} séance{pluriel} suivie{pluriel} sur {seances}" if suivies
             else "Absente à toutes les séances")
    _enregistrer(convocation, texte)
    # The outcome first: the history keeps 100 characters of the reason.
    motif = f"absence au stage du {date_courte(stage.premier_jour)} ({texte.lower()})"
    if antenne.politique_absence == PolitiqueAbsence.SECONDE_CONVOCATION and orientation.nb_absences == 0:
        orientation_remettre_en_attente(orientation=orientation, absence=True,
                                        motif=f"Seconde convocation après {motif}")
    else:
        orientation_a_retourner(orientation=orientation, motif=f"À retourner au prescripteur après {motif}")
    transaction.on_commit(lambda: convocation_resolue.send(sender=Convocation, convocation=convocation))
    return True


def _seances_suivies(convocation: Convocation) -> tuple[int, int | None]:
    """(séances of the stage, séances attended, here or made up), None attended while the
    mark that decides one is missing (`Assiduite.suivie`)."""
    tolerance = convocation.stage.antenne.tolerance_minutes
    etats = [a.suivie(tolerance) for a in assiduite(convocation)]
    if not etats or None in etats:
        return len(etats), None
    return len(etats), sum(etats)


def _issue(convocation: Convocation) -> StatutConvocation | None:
    """What the marks make of the convocation: effectuée, partielle, absente; None while a
    séance is not marked."""
    seances, suivies = _seances_suivies(convocation)
    if suivies is None:
        return None
    if suivies == seances:
        return StatutConvocation.EFFECTUEE
    return StatutConvocation.PARTIELLE if suivies else StatutConvocation.ABSENTE


def _enregistrer(convocation: Convocation, motif: str) -> None:
    convocation._change_reason = Truncator(motif).chars(RAISON_MAX)
    convocation.save()
