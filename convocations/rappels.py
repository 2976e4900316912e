"""Reminders before a stage: 7 days and 1 day before the first séance, by e-mail (through
the outbox) and by SMS (convocations.sms), to the open convocations only. A reminder due on
a Sunday or a public holiday of the antenne's département goes the working day before.

`rappels_envoyer` is the scheduled job (stages.planification): run as often as wanted, it
sends each reminder once (idempotency keys, `Rappel` rows).
"""

import logging
from datetime import date, timedelta
from functools import cache

import holidays
from django.db.models import Prefetch
from django.utils import timezone

from commun.envois import envoyer
from commun.idempotence import creer_une_fois
from commun.models import Envoi
from convocations import documents
from convocations.models import STATUTS_OUVERTS, CanalRappel, Convocation, Rappel
from convocations.sms import sms_envoyer
from stages.dates import date_longue
from stages.models import STATUTS_STAGE_CONVOCABLES, Seance, Stage

logger = logging.getLogger(__name__)

JOURS_AVANT = (7, 1)
NATURE_RAPPEL = "rappel"
# How far ahead the job looks: 7 days, plus the days a reminder may be moved back.
HORIZON = timedelta(days=14)
DIMANCHE = 6


def subdivision(departement: str) -> str | None:
    """The `holidays` subdivision of a département: Alsace (67, 68) and Moselle (57) have
    Vendredi saint and Saint-Étienne, each overseas département its own days."""
    departement = (departement or "").strip().upper()
    if departement in ("67", "68"):
        return "6AE"
    return departement if departement in holidays.France.subdivisions else None


@cache
def _feries(departement: str, annee: int) -> holidays.HolidayBase:
    return holidays.country_holidays(
        "FR", subdiv=subdivision(departement), years=[annee - 1, annee], language="fr"
    )


def est_ferie_ou_dimanche(jour: date, departement: str) -> bool:
    return jour.weekday() == DIMANCHE or jour in _feries(departement, jour.year)


def date_du_rappel(premier_jour: date, jours_avant: int, departement: str) -> date:
    """`jours_avant` days before, moved back to the working day before a Sunday or holiday."""
    jour = premier_jour - timedelta(days=jours_avant)
    while est_ferie_ou_dimanche(jour, departement):
        jour -= timedelta(days=1)
    return jour


def rappel_du_jour(premier_jour: date, departement: str, aujourd_hui: date) -> int | None:
    """The reminder due today or overdue (7 or 1), the later one winning: a job down for a
    week sends the day-before reminder, not both."""
    dus = [
        n for n in JOURS_AVANT if date_du_rappel(premier_jour, n, departement) <= aujourd_hui < premier_jour
    ]
    return min(dus) if dus else None


def texte_rappel(convocation: Convocation, seances, jours_avant: int) -> str:
    stage = convocation.stage
    premiere = seances[0]
    quand = "demain" if jours_avant == 1 else f"le {date_longue(premiere.date)}"
    return (
        f"Rappel : votre stage de responsabilisation commence {quand} à {documents.heure(premiere.debut)}, "
        f"{stage.lieu}. Présence obligatoire, pièce d'identité. Report ou question : "
        f"{stage.antenne.telephone or stage.antenne.email or stage.antenne.nom}."
    ).replace("\u00a0", " ")


def _rappeler(convocation: Convocation, seances, jours_avant: int) -> int:
    stage, personne = convocation.stage, convocation.orientation.personne
    premier_jour = seances[0].date
    texte = texte_rappel(convocation, seances, jours_avant)
    faits = 0
    if personne.email:
        envoi, cree = Envoi.objects.preparer(
            cle=f"{NATURE_RAPPEL}:{convocation.pk}:{jours_avant}:{premier_jour.isoformat()}",
            nature=NATURE_RAPPEL,
            destinataire=personne.email,
            objet=convocation,
            sujet=f"Rappel : stage de responsabilisation du {date_longue(premier_jour)}",
            corps="\n".join(
                [
                    f"Bonjour {personne.prenom} {personne.nom},",
                    "",
                    texte,
                    "",
                    *[f"- {documents.horaire_seance(s)}" for s in seances],
                    "",
                    "Cordialement,",
                    stage.antenne.nom,
                ]
            ),
        )
        if cree:
            creer_une_fois(
                Rappel,
                cle={
                    "convocation": convocation,
                    "jours_avant": jours_avant,
                    "canal": CanalRappel.COURRIEL,
                    "premiere_seance": premier_jour,
                },
                creer=lambda: Rappel.objects.create(
                    convocation=convocation,
                    jours_avant=jours_avant,
                    canal=CanalRappel.COURRIEL,
                    premiere_seance=premier_jour,
                    texte=envoi.corps,
                ),
            )
            envoyer(envoi.pk)
            faits += 1
    if personne.telephone:

        def creer_sms() -> Rappel:
            rappel = Rappel.objects.create(
                convocation=convocation,
                jours_avant=jours_avant,
                canal=CanalRappel.SMS,
                premiere_seance=premier_jour,
                texte=texte,
            )
            # Inside the row's transaction: a provider's failure leaves no row, the next run retries.
            sms_envoyer(numero=personne.telephone, texte=texte)
            return rappel

        _rappel, cree = creer_une_fois(
            Rappel,
            cle={
                "convocation": convocation,
                "jours_avant": jours_avant,
                "canal": CanalRappel.SMS,
                "premiere_seance": premier_jour,
            },
            creer=creer_sms,
        )
        faits += cree
    return faits


def rappels_envoyer(*, aujourd_hui: date | None = None) -> int:
    """The scheduled job: the reminders due today (or overdue), each sent once; their number."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    stages = (
        Stage.objects.filter(
            statut__in=STATUTS_STAGE_CONVOCABLES,
            premier_jour__gt=aujourd_hui,
            premier_jour__lte=aujourd_hui + HORIZON,
        )
        .select_related("antenne")
        .prefetch_related(Prefetch("seances", queryset=Seance.objects.order_by("date", "debut")))
    )
    faits = 0
    for stage in stages:
        seances = list(stage.seances.all())
        if not seances:
            continue
        jours_avant = rappel_du_jour(seances[0].date, stage.antenne.departement, aujourd_hui)
        if jours_avant is None:
            continue
        convocations = Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS).select_related(
            "orientation__personne"
        )
        for convocation in convocations:
            convocation.stage = stage
            try:
                faits += _rappeler(convocation, seances, jours_avant)
            except Exception:  # one person's failure does not stop the others' reminders
                logger.exception("Rappel de la convocation %s impossible", convocation.pk)
    return faits
