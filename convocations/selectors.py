"""Reads of the convocations app: a stage's convocations (its page's section), the counts
the stages list shows, and the convocations' part of an orientation's timeline."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from commun.chronologie import Changement, Evenement, auteur
from convocations.models import STATUTS_OUVERTS, Convocation, Entretien, StatutConvocation
from stages.dates import date_courte
from stages.models import Orientation, Stage


def _compte(**filtre) -> Coalesce:
    lignes = (Convocation.objects.filter(stage=OuterRef("pk"), **filtre).order_by()
              .values("stage").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(lignes, output_field=IntegerField()), 0)


def stages_avec_comptes(stages: QuerySet) -> QuerySet:
    """The stages list's counts: open convocations (convoqués) and confirmed ones. Each is a
    subquery, so that other apps' annotations never multiply its rows."""
    return stages.annotate(
        nb_convoques=_compte(statut__in=STATUTS_OUVERTS),
        nb_confirmes=_compte(statut=StatutConvocation.CONFIRMEE),
    )


@dataclass(frozen=True)
class LigneConvocation:
    convocation: Convocation
    entretiens: list[Entretien]

    @property
    def joint(self) -> bool:
        return any(e.joint for e in self.entretiens)

    @property
    def dernier_entretien(self) -> Entretien | None:
        return self.entretiens[-1] if self.entretiens else None


def convocations_du_stage(stage: Stage) -> list[LigneConvocation]:
    """Every convocation of the stage, the open ones first, each with its entretiens: two
    queries whatever their number."""
    convocations = (
        Convocation.objects.filter(stage=stage)
        .select_related("orientation__personne", "orientation__prescripteur")
        .prefetch_related(Prefetch("entretiens", queryset=Entretien.objects.select_related("fait_par")))
        .order_by("orientation__personne__nom_normalise", "orientation__personne__prenom_normalise", "id")
    )
    lignes = [LigneConvocation(c, list(c.entretiens.all())) for c in convocations]
    return sorted(lignes, key=lambda ligne: not ligne.convocation.est_ouverte)


# --- Timeline of an orientation ---------------------------------------------------------

def _valeur(champ, valeur) -> str:
    if valeur is None or valeur == "":
        return "—"
    if champ.choices:
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return str(valeur)


CHAMPS_SUIVIS = ["statut", "motif", "accord_a_demander"]


def evenements_des_convocations(orientation: Orientation) -> list[Evenement]:
    """The history of the orientation's convocations and of their entretiens préalables: two
    queries whatever their number."""
    enregistrements = (Convocation.history.filter(orientation_id=orientation.pk)
                       .select_related("history_user", "stage").order_by("id", "history_date", "history_id"))
    evenements, precedent = [], None
    for enregistrement in enregistrements:
        if precedent is not None and precedent.id != enregistrement.id:
            precedent = None
        stage = enregistrement.stage
        sujet = f"Convocation au stage du {date_courte(stage.premier_jour)}" if stage else "Convocation"
        evenement = Evenement(
            quand=enregistrement.history_date, qui=auteur(enregistrement), sujet=sujet,
            creation=enregistrement.history_type == "+", motif=enregistrement.history_change_reason or "",
        )
        if precedent is not None:
            for change in enregistrement.diff_against(precedent, included_fields=CHAMPS_SUIVIS).changes:
                champ = Convocation._meta.get_field(change.field)
                evenement.changements.append(Changement(
                    champ=str(champ.verbose_name).capitalize(),
                    avant=_valeur(champ, change.old), apres=_valeur(champ, change.new),
                ))
        evenements.append(evenement)
        precedent = enregistrement
    entretiens = (Entretien.history.filter(convocation__orientation=orientation.pk, history_type="+")
                  .select_related("history_user"))
    for entretien in entretiens:
        evenements.append(Evenement(
            quand=entretien.history_date, qui=auteur(entretien), sujet="Entretien préalable",
            creation=True,
            motif=(f"{date_courte(entretien.date)}, {entretien.get_mode_display().lower()} : "
                   f"{'personne jointe' if entretien.joint else 'non jointe'}"
                   + (f" — {entretien.note}" if entretien.note else "")),
        ))
    return evenements
