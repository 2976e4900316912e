"""Reads of the convocations app: a stage's convocations (its page's section), the counts
the stages list shows, and the convocations' part of an orientation's timeline."""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from commun.chronologie import AUTEUR_INCONNU, Changement, Evenement
from convocations.models import (
    STATUTS_AVEC_MINUTES,
    STATUTS_OUVERTS,
    Attestation,
    Convocation,
    Entretien,
    ModeEntretien,
    NatureEntretien,
    Presence,
    StatutConvocation,
    StatutPresence,
)
from stages.dates import date_courte
from stages.models import Antenne, Orientation, Stage, Statut


def places_prises(stage: Stage) -> int:
    """The places of a stage its open convocations take: the stage's capacity less this is
    what may still be convoked, and its places may not go below it."""
    return Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS).count()


def sur_places_prises(sender, stage: Stage, **kwargs) -> int:
    """Receiver of `stages.planning.places_prises`."""
    return places_prises(stage)


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


COLONNES_DES_LIGNES = (
    "stage_id", "numero", "statut", "motif", "motif_hors_rang", "accord_a_demander",
    "orientation__personne__nom", "orientation__personne__prenom",
)


def convocations_du_stage(stage: Stage) -> list[LigneConvocation]:
    """Every convocation of the stage, the open ones first, each with its entretiens: two
    queries whatever their number."""
    convocations = (
        Convocation.objects.filter(stage=stage)
        .select_related("orientation__personne")
        # What the rows show: a stage may list 200 of them (the page's budget).
        .only(*COLONNES_DES_LIGNES)
        .prefetch_related(Prefetch("entretiens", queryset=Entretien.objects.filter(
            nature=NatureEntretien.PREALABLE).select_related("fait_par")))
        .order_by("orientation__personne__nom_normalise", "orientation__personne__prenom_normalise", "id")
    )
    lignes = [LigneConvocation(c, list(c.entretiens.all())) for c in convocations]
    return sorted(lignes, key=lambda ligne: not ligne.convocation.est_ouverte)


# --- Timeline of an orientation ---------------------------------------------------------

# The changes of a convocation the timeline shows, and the columns one query reads them in
# along with the entretiens (see `_historique`).
CHAMPS_SUIVIS = {"etat": "statut", "texte": "motif", "drapeau": "accord_a_demander"}
_COLONNES = ("genre", "objet", "history_date", "history_id", "history_type", "history_change_reason",
             "etat", "texte", "drapeau", "jour", "mode_entretien",
             "history_user__username", "history_user__first_name", "history_user__last_name")


def _historique(orientation: Orientation) -> list[tuple]:
    """The history records of the orientation's convocations and the creations of their
    entretiens, in one query (a UNION): the orientation page's budget allows one more."""
    texte = CharField()
    convocations = Convocation.history.filter(orientation_id=orientation.pk).annotate(
        genre=Value("convocation", texte), objet=F("id"), etat=F("statut"), texte=F("motif"),
        drapeau=F("accord_a_demander"), jour=F("stage__premier_jour"), mode_entretien=Value("", texte),
    )
    entretiens = Entretien.history.filter(convocation__orientation=orientation.pk, history_type="+").annotate(
        genre=Value("entretien", texte), objet=F("id"), etat=F("nature"), texte=F("note"),
        drapeau=F("joint"), jour=F("date"), mode_entretien=F("mode"),
    )
    # The attestations issued, cancelled, handed over or posted: their reason says which.
    attestations = Attestation.history.filter(convocation__orientation=orientation.pk).annotate(
        genre=Value("attestation", texte), objet=F("id"), etat=Value("", texte), texte=F("numero"),
        drapeau=Value(False, BooleanField()), jour=F("convocation__stage__dernier_jour"),
        mode_entretien=Value("", texte),
    )
    lignes = convocations.order_by().values_list(*_COLONNES).union(
        entretiens.order_by().values_list(*_COLONNES), attestations.order_by().values_list(*_COLONNES),
        all=True)
    return sorted(lignes, key=lambda ligne: (ligne[0], ligne[1], ligne[2], ligne[3]))


def _auteur(username, prenom, nom) -> str:
    if username is None:
        return AUTEUR_INCONNU
    return f"{prenom} {nom}".strip() or username


def _valeur(champ: str, valeur) -> str:
    if valeur is None or valeur == "":
        return "—"
    if champ == "statut":
        return str(StatutConvocation(valeur).label)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return str(valeur)


def evenements_des_convocations(orientation: Orientation) -> list[Evenement]:
    """The history of the orientation's convocations, of their entretiens (préalable, bilan)
    and of their attestations."""
    evenements, precedent = [], None
    for ligne in _historique(orientation):
        valeurs = dict(zip(_COLONNES, ligne, strict=True))
        qui = _auteur(valeurs["history_user__username"], valeurs["history_user__first_name"],
                      valeurs["history_user__last_name"])
        if valeurs["genre"] == "attestation":
            evenements.append(Evenement(
                quand=valeurs["history_date"], qui=qui, creation=valeurs["history_type"] == "+",
                sujet=f"Attestation de stage n° {valeurs['texte']}",
                motif=valeurs["history_change_reason"] or "",
            ))
            continue
        if valeurs["genre"] == "entretien":
            mode = ModeEntretien(valeurs["mode_entretien"]).label.lower()
            evenements.append(Evenement(
                quand=valeurs["history_date"], qui=qui, creation=True,
                sujet=NatureEntretien(valeurs["etat"] or NatureEntretien.PREALABLE).label,
                motif=(f"{date_courte(valeurs['jour'])}, {mode} : "
                       f"{'personne jointe' if valeurs['drapeau'] else 'non jointe'}"
                       + (f" — {valeurs['texte']}" if valeurs["texte"] else "")),
            ))
            continue
        jour = valeurs["jour"]
        evenement = Evenement(
            quand=valeurs["history_date"], qui=qui,
            sujet=f"Convocation au stage du {date_courte(jour)}" if jour else "Convocation",
            creation=valeurs["history_type"] == "+", motif=valeurs["history_change_reason"] or "",
        )
        if precedent is not None and precedent["objet"] == valeurs["objet"]:
            for colonne, nom in CHAMPS_SUIVIS.items():
                if precedent[colonne] != valeurs[colonne]:
                    evenement.changements.append(Changement(
                        champ=str(Convocation._meta.get_field(nom).verbose_name).capitalize(),
                        avant=_valeur(nom, precedent[colonne]), apres=_valeur(nom, valeurs[colonne]),
                    ))
        evenements.append(evenement)
        precedent = valeurs
    return evenements


def nb_presents_du_jour(stage: Stage, jour) -> int:
    """How many people were marked there (present, late or leaving early) at one of the
    stage's séances of `jour`: what the questionnaire's kiosk proposes. One query."""
    return (Presence.objects.filter(seance__stage=stage, seance__date=jour,
                                    statut__in=[StatutPresence.PRESENT, *STATUTS_AVEC_MINUTES])
            .values("convocation_id").distinct().count())


# --- Attestations -----------------------------------------------------------------------------


def attestations_a_envoyer(antenne: Antenne) -> QuerySet[Convocation]:
    """The antenne's convocations « stage effectué » whose orientation is not yet « terminée »:
    the attestation to issue, or to send (the deadline dashboard lists them)."""
    return (Convocation.objects.filter(stage__antenne=antenne, statut=StatutConvocation.EFFECTUEE,
                                       orientation__statut=Statut.STAGE_EFFECTUE)
            .select_related("orientation__personne", "orientation__prescripteur", "stage")
            .order_by("stage__dernier_jour", "pk"))
