"""Rattrapage: on a stage over several weeks, a séance missed is made up at a séance of the same
module (same title, or same rank when the séances have none) of another stage of the antenne.
The person is then listed at that séance, marked there, and the mark counts for the missed one
(`services.presences._seances_suivies`)."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator

from commun.idempotence import creer_une_fois
from convocations.models import STATUTS_OUVERTS, Convocation, Presence, Rattrapage
from stages.dates import date_courte
from stages.models import Seance, StatutStage
from stages.services import RAISON_MAX


def _rangs(stages) -> dict[int, int]:
    """Each séance's rank in its stage (0 for the first), for the stages `stages`."""
    par_stage = defaultdict(list)
    for pk, stage_id in Seance.objects.filter(stage__in=stages).values_list("pk", "stage_id"):
        par_stage[stage_id].append(pk)  # Seance.Meta.ordering: date, start
    return {pk: rang for pks in par_stage.values() for rang, pk in enumerate(pks)}


def seances_de_rattrapage(convocation: Convocation, seance_manquee: Seance) -> list[Seance]:
    """The séances where `seance_manquee` may be made up: other stages of the antenne (not
    cancelled), from the missed séance's day on, same module; same rank when it has none."""
    candidates = (Seance.objects.filter(stage__antenne=convocation.stage.antenne_id,
                                        date__gte=seance_manquee.date)
                  .exclude(stage=convocation.stage_id).exclude(stage__statut=StatutStage.ANNULE)
                  .select_related("stage").order_by("date", "debut", "pk"))
    module = seance_manquee.module.strip()
    if module:
        return list(candidates.filter(module__iexact=module))
    candidates = list(candidates.filter(module=""))
    rangs = _rangs({seance_manquee.stage_id, *(s.stage_id for s in candidates)})
    return [s for s in candidates if rangs[s.pk] == rangs[seance_manquee.pk]]


@transaction.atomic
def rattrapage_programmer(*, convocation: Convocation, seance_manquee: Seance, seance: Seance,
                          par=None) -> Rattrapage:
    """Make up `seance_manquee` (of the convocation's stage) at `seance`; refused in French when
    it is not a séance of the same module of another stage of the antenne, when the séance was
    attended, or once the convocation is resolved. Asked twice: one rattrapage."""
    convocation = (Convocation.objects.select_for_update(of=("self",))
                   .select_related("stage", "orientation__personne").get(pk=convocation.pk))
    personne = convocation.orientation.personne
    if seance_manquee.stage_id != convocation.stage_id:
        raise ValidationError({"seance_manquee": "Choisissez une séance du stage de cette personne."})
    if convocation.statut not in STATUTS_OUVERTS:
        raise ValidationError(
            f"{personne} : la convocation est « {convocation.get_statut_display().lower()} » : "
            "un rattrapage ne se programme plus.")
    presence = Presence.objects.filter(convocation=convocation, seance=seance_manquee).first()
    if presence is not None and presence.compte_present(convocation.stage.antenne.tolerance_minutes):
        raise ValidationError({"seance_manquee": (
            f"{personne} a suivi la séance du {date_courte(seance_manquee.date)} : rien à rattraper.")})
    if seance.pk not in {s.pk for s in seances_de_rattrapage(convocation, seance_manquee)}:
        raise ValidationError({"seance": (
            "Choisissez une séance du même module d'un autre stage de l'antenne, à partir du "
            f"{date_courte(seance_manquee.date)}.")})

    def creer() -> Rattrapage:
        rattrapage = Rattrapage(convocation=convocation, seance_manquee=seance_manquee, seance=seance,
                                cree_par=par)
        rattrapage.full_clean()
        rattrapage._change_reason = Truncator(
            f"Rattrapage de la séance du {date_courte(seance_manquee.date)} le {date_courte(seance.date)}"
        ).chars(RAISON_MAX)
        rattrapage.save()
        return rattrapage

    cle = {"convocation": convocation, "seance_manquee": seance_manquee}
    rattrapage, _ = creer_une_fois(Rattrapage, cle=cle, creer=creer)
    if rattrapage.seance_id != seance.pk:
        raise ValidationError({"seance_manquee": (
            f"La séance du {date_courte(seance_manquee.date)} a déjà un rattrapage, le "
            f"{date_courte(rattrapage.seance.date)}.")})
    return rattrapage


def choix_de_rattrapage(convocation: Convocation) -> list[tuple[Seance, Seance]]:
    """(missed séance, séance where to make it up) for every séance of the convocation's stage
    not attended (absent, excused, late beyond tolerance, or not marked) and not yet made up."""
    tolerance = convocation.stage.antenne.tolerance_minutes
    marques = {p.seance_id: p for p in convocation.presences.defer("signature")}
    deja = set(convocation.rattrapages.values_list("seance_manquee_id", flat=True))
    paires = []
    for manquee in convocation.stage.seances.all():
        presence = marques.get(manquee.pk)
        if manquee.pk in deja or (presence is not None and presence.compte_present(tolerance)):
            continue
        paires += [(manquee, seance) for seance in seances_de_rattrapage(convocation, manquee)]
    return paires
