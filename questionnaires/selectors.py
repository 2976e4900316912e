"""The results of the questionnaires: for a stage or a period (an antenne, or every antenne
for coordination), the number of answers against the people present and, per question, the
count of each answer and the free texts. A fixed number of queries whatever the period.

Anonymity: a group of fewer than `SEUIL_ANONYMAT` answers (a stage, or a whole period) shows
its counts only, never its answers: a stage's are then seen only pooled into its period.
Free texts come in the order of their random key, without day or time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Q

from questionnaires.models import NON_RENSEIGNE, Passation, Question, Reponse, TypeQuestion, Valeur
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

    @property
    def assez(self) -> bool:
        return self.nb_reponses >= SEUIL_ANONYMAT


def _cle(question: Question) -> tuple[str, str]:
    """Questions pooled across versions and antennes: the same kind and wording."""
    return question.type, " ".join(question.libelle.split()).casefold()


def _resultats(reponses: Q, passations: Q, valeurs: Q, *, par_antenne: bool, textes_max: int | None
               ) -> Resultats:
    comptes = list(Reponse.objects.filter(reponses).order_by()
                   .values("stage_id", "stage__antenne_id", "questionnaire_id").annotate(n=Count("id")))
    presents = dict(Passation.objects.filter(passations).order_by().values("stage_id")
                    .annotate(m=Max("nb_presents")).values_list("stage_id", "m"))
    par_version: dict[int, int] = defaultdict(int)
    par_stage: dict[int, int] = defaultdict(int)
    antenne_du_stage: dict[int, int] = {}
    for ligne in comptes:
        par_version[ligne["questionnaire_id"]] += ligne["n"]
        par_stage[ligne["stage_id"]] += ligne["n"]
        antenne_du_stage[ligne["stage_id"]] = ligne["stage__antenne_id"]
    nb_reponses = sum(par_stage.values())
    nb_presents = sum(presents.get(stage_id, 0) for stage_id in par_stage)
    resultats = Resultats(nb_reponses, nb_presents, [], _lignes(par_stage, presents, antenne_du_stage,
                                                                 par_antenne=par_antenne))
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
    a_choix = [pk for pk, g in groupe_de.items() if not g.est_texte]
    for question_id, valeur, n in (Valeur.objects.filter(valeurs, question_id__in=a_choix).order_by()
                                   .values("question_id", "valeur").annotate(n=Count("id"))
                                   .values_list("question_id", "valeur", "n")):
        comptes_ = groupe_de[question_id].comptes
        comptes_[valeur] = comptes_.get(valeur, 0) + n
        if groupe_de[question_id].type != TypeQuestion.CHOIX_MULTIPLE:
            groupe_de[question_id].nb_repondues += n
    distincts = [pk for pk, g in groupe_de.items()
                 if g.type in (TypeQuestion.CHOIX_MULTIPLE, TypeQuestion.TEXTE)]
    if distincts:
        for question_id, n in (Valeur.objects.filter(valeurs, question_id__in=distincts).order_by()
                               .values("question_id").annotate(n=Count("reponse_id", distinct=True))
                               .values_list("question_id", "n")):
            groupe_de[question_id].nb_repondues += n
    textes = [pk for pk, g in groupe_de.items() if g.est_texte]
    if textes:
        lignes = Valeur.objects.filter(valeurs, question_id__in=textes).order_by("id")
        for question_id, texte in lignes.values_list("question_id", "valeur")[:textes_max]:
            groupe_de[question_id].textes.append(texte)
    resultats.questions = list(groupes.values())
    return resultats


def _lignes(par_stage: dict[int, int], presents: dict[int, int], antenne_du_stage: dict[int, int],
            *, par_antenne: bool) -> list[LigneGroupe]:
    if par_antenne:
        reponses, presents_ = defaultdict(int), defaultdict(int)
        for stage_id, n in par_stage.items():
            reponses[antenne_du_stage[stage_id]] += n
            presents_[antenne_du_stage[stage_id]] += presents.get(stage_id, 0)
        noms = dict(Antenne.objects.filter(pk__in=reponses).values_list("pk", "nom"))
        return sorted((LigneGroupe(noms[pk], n, presents_[pk]) for pk, n in reponses.items()),
                      key=lambda ligne: ligne.libelle)
    stages = Stage.objects.filter(pk__in=par_stage).order_by("premier_jour", "id")
    return [LigneGroupe(str(stage), par_stage[stage.pk], presents.get(stage.pk, 0), stage.pk)
            for stage in stages]


def resultats_du_stage(*, stage: Stage, textes_max: int | None = TEXTES_MONTRES) -> Resultats:
    par_stage = Q(stage=stage)
    return _resultats(par_stage, par_stage, par_stage, par_antenne=False, textes_max=textes_max)


def resultats_de_la_periode(*, du: date, au: date, antenne: Antenne | None,
                            textes_max: int | None = TEXTES_MONTRES) -> Resultats:
    """The answers of the days `du`..`au` of `antenne` (None: every antenne, for coordination),
    its rows per stage (per antenne for every antenne)."""
    periode = Q(jour__range=(du, au))
    du_lieu = periode & Q(stage__antenne=antenne) if antenne else periode
    # Valeur rows are narrowed to the antenne by their questions (its questionnaires').
    return _resultats(du_lieu, du_lieu, periode, par_antenne=antenne is None, textes_max=textes_max)
