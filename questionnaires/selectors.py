"""The results of the questionnaires: for a stage or a period (an antenne, or every antenne
for coordination), the number of answers against the people present and, per question, the
count of each answer and the free texts. A fixed number of queries whatever the period.

Anonymity: a group of fewer than `SEUIL_ANONYMAT` answers (a stage, or a whole period) shows
its counts only, never its answers: a stage's are then seen only pooled into its period.
Free texts come in the order of their random key, without day or time.
"""

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from questionnaires.models import (
    NON_RENSEIGNE,
    REPONDU,
    Decompte,
    DecompteStage,
    Passation,
    Question,
    Reponse,
    TypeQuestion,
    Valeur,
)
from stages.models import Antenne, Stage

SEUIL_ANONYMAT = 5
TEXTES_MONTRES = 300  # free texts shown per page of results (all of them in the export)


@dataclass(frozen=True)
class Barre:
    libelle: str
    nombre: int
    part: float  # percent of the answers concerned


@dataclass
class ResultatQuestion:
    libelle: str
    type: str
    nb_concernees: int = 0  # answers whose version asked this question
    nb_repondues: int = 0
    comptes: dict[str, int] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    textes: list[str] = field(default_factory=list)

    @property
    def est_texte(self) -> bool:
        return self.type == TypeQuestion.TEXTE

    @property
    def barres(self) -> list[Barre]:
        if self.est_texte:
            return []
        lignes = [(libelle, self.comptes.get(libelle, 0)) for libelle in self.options]
        if non_renseigne := self.nb_concernees - self.nb_repondues:
            lignes.append((NON_RENSEIGNE, non_renseigne))
        total = self.nb_concernees or 1
        return [Barre(libelle, nombre, 100 * nombre / total) for libelle, nombre in lignes]


@dataclass(frozen=True)
class LigneGroupe:
    """A row of the period's table: a stage (antenne staff) or an antenne (coordination)."""

    libelle: str
    nb_reponses: int
    nb_presents: int
    stage_id: int | None = None

    @property
    def assez(self) -> bool:
        return self.nb_reponses >= SEUIL_ANONYMAT


@dataclass
class Resultats:
    nb_reponses: int
    nb_presents: int
    questions: list[ResultatQuestion]
    lignes: list[LigneGroupe] = field(default_factory=list)
    # Answers of the groups (stages, antennes) under the threshold: shown only pooled with
    # other such answers, else the detail of the whole less the groups shown on their own
    # would give theirs.
    nb_isolees: int = 0

    @property
    def petits_groupes_isoles(self) -> bool:
        return 0 < self.nb_isolees < SEUIL_ANONYMAT

    @property
    def assez(self) -> bool:
        return self.nb_reponses >= SEUIL_ANONYMAT and not self.petits_groupes_isoles


def _cle(question: Question) -> tuple[str, str]:
    """Questions pooled across versions and antennes: the same kind and wording."""
    return question.type, " ".join(question.libelle.split()).casefold()


def _resultats(comptes: list[tuple[int, int, int]], presents: dict[int, int], decomptes, textes, *,
               par_antenne: bool) -> Resultats:
    """`comptes`: (groupe, version, answers), the groupe a stage's id, or an antenne's for
    every antenne; `presents`: groupe -> people present; `decomptes(ids)`: (question_id,
    valeur, n) of those questions, `REPONDU` counting the answers that answered;
    `textes(ids)`: (question_id, texte) in random order."""
    par_version: dict[int, int] = defaultdict(int)
    par_groupe: dict[int, int] = defaultdict(int)
    for groupe, version, n in comptes:
        par_version[version] += n
        par_groupe[groupe] += n
    nb_presents = sum(presents.get(groupe, 0) for groupe in par_groupe)
    resultats = Resultats(sum(par_groupe.values()), nb_presents, [],
                          _lignes(par_groupe, presents, par_antenne=par_antenne),
                          nb_isolees=sum(n for n in par_groupe.values() if n < SEUIL_ANONYMAT))
    if not resultats.assez:
        return resultats

    groupes: dict[tuple[str, str], ResultatQuestion] = {}
    groupe_de: dict[int, ResultatQuestion] = {}
    for question in (Question.objects.filter(questionnaire_id__in=par_version)
                     .order_by("ordre", "-questionnaire__version", "id")):
        groupe = groupes.setdefault(_cle(question), ResultatQuestion(question.libelle, question.type))
        groupe.nb_concernees += par_version[question.questionnaire_id]
        groupe.options += [o for o in question.options if o not in groupe.options]
        groupe_de[question.pk] = groupe
    for question_id, valeur, n in decomptes(list(groupe_de)):
        groupe = groupe_de[question_id]
        if valeur == REPONDU:
            groupe.nb_repondues += n
        else:
            groupe.comptes[valeur] = groupe.comptes.get(valeur, 0) + n
    if ids_textes := [pk for pk, groupe in groupe_de.items() if groupe.est_texte]:
        for question_id, texte in textes(ids_textes):
            groupe_de[question_id].textes.append(texte)
    resultats.questions = list(groupes.values())
    return resultats


def _lignes(par_groupe: dict[int, int], presents: dict[int, int], *, par_antenne: bool) -> list[LigneGroupe]:
    if par_antenne:
        noms = dict(Antenne.objects.filter(pk__in=par_groupe).values_list("pk", "nom"))
        return sorted((LigneGroupe(noms[pk], n, presents.get(pk, 0)) for pk, n in par_groupe.items()),
                      key=lambda ligne: ligne.libelle)
    stages = Stage.objects.filter(pk__in=par_groupe).select_related(None).order_by("premier_jour", "id")
    return [LigneGroupe(str(stage), par_groupe[stage.pk], presents.get(stage.pk, 0), stage.pk)
            for stage in stages.only("id", "premier_jour", "lieu", "type_stage")]


def _presents(passations: QuerySet[Passation], groupe: str) -> dict[int, int]:
    """People present per groupe: the kiosks' counts, a kiosk opened again the same day
    counting once (the later one)."""
    return dict(passations.filter(remplacee=False).order_by().values(groupe)
                .annotate(n=Sum("nb_presents")).values_list(groupe, "n"))


def _textes(valeurs: QuerySet[Valeur], textes_max: int | None):
    return lambda ids: (valeurs.filter(question_id__in=ids).order_by("id")
                        .values_list("question_id", "valeur")[:textes_max])


def resultats_du_stage(*, stage: Stage, textes_max: int | None = TEXTES_MONTRES) -> Resultats:
    """Read from the stage's values (a few hundred rows at most)."""
    comptes = list(Reponse.objects.filter(stage=stage).order_by().values("stage_id", "questionnaire_id")
                   .annotate(n=Count("id")).values_list("stage_id", "questionnaire_id", "n"))
    presents = _presents(Passation.objects.filter(stage=stage), "stage_id")
    valeurs = Valeur.objects.filter(stage=stage).order_by()

    def decomptes(ids):
        choix = valeurs.filter(question_id__in=ids).exclude(question__type=TypeQuestion.TEXTE)
        repondues = (valeurs.filter(question_id__in=ids).values("question_id")
                     .annotate(n=Count("reponse_id", distinct=True)).values_list("question_id", "n"))
        return [*choix.values("question_id", "valeur").annotate(n=Count("id"))
                .values_list("question_id", "valeur", "n"),
                *((question_id, REPONDU, n) for question_id, n in repondues)]

    return _resultats(comptes, presents, decomptes, _textes(valeurs, textes_max), par_antenne=False)


def mois_de(jour: date) -> date:
    return jour.replace(day=1)


def fin_du_mois(jour: date) -> date:
    return jour.replace(day=monthrange(jour.year, jour.month)[1])


def resultats_de_la_periode(*, du: date, au: date, antenne: Antenne | None,
                            textes_max: int | None = TEXTES_MONTRES) -> Resultats:
    """The answers of the months `du`..`au` (whole months) of `antenne` (None: every antenne,
    for coordination), with its rows per stage (per antenne for every antenne). Read from the
    month's counts (`models.Decompte`), not from every value."""
    mois = Q(mois__range=(mois_de(du), mois_de(au)))
    jours = Q(jour__range=(mois_de(du), fin_du_mois(au)))
    lieu = Q(stage__antenne=antenne) if antenne else Q()
    groupe = "stage__antenne_id" if antenne is None else "stage_id"
    comptes = list(DecompteStage.objects.filter(mois, lieu).order_by().values(groupe, "questionnaire_id")
                   .annotate(n=Sum("nombre")).values_list(groupe, "questionnaire_id", "n"))
    presents = _presents(Passation.objects.filter(jours, lieu), groupe)

    # The counts and values are narrowed to the antenne by their questions (its questionnaires').
    def decomptes(ids):
        return (Decompte.objects.filter(mois, question_id__in=ids).order_by().values("question_id", "valeur")
                .annotate(n=Sum("nombre")).values_list("question_id", "valeur", "n"))

    return _resultats(comptes, presents, decomptes, _textes(Valeur.objects.filter(jours), textes_max),
                      par_antenne=antenne is None)
