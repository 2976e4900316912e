"""Every write of the questionnaires: the antenne's questionnaire (created with the six
questions of the default one, changed into a new version once it has answers), the kiosk
(opened, one more answer, closed) and the answers it takes."""

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from commun.idempotence import creer_une_fois
from questionnaires.models import (
    LONGUEUR_TEXTE,
    REPONDU,
    Decompte,
    DecompteStage,
    Passation,
    Question,
    Questionnaire,
    Reponse,
    TypeQuestion,
    Valeur,
)
from stages.models import Antenne, Stage

TITRE_DEFAUT = "Questionnaire de satisfaction"
# DOMAIN.md, « The satisfaction questionnaire in use »: (libellé, type, choix).
QUESTIONS_DEFAUT = [
    ("Les séances étaient-elles animées et vivantes ?", TypeQuestion.ECHELLE, ""),
    ("Les sujets ont-ils été abordés clairement ?", TypeQuestion.ECHELLE, ""),
    ("Les échanges avec les autres participants ont-ils été enrichissants ?", TypeQuestion.ECHELLE, ""),
    ("Quel module avez-vous préféré ?", TypeQuestion.CHOIX_MULTIPLE,
     "Cadre de loi\nIdentifier les violences vs conflits\n"
     "Identifier les stéréotypes hommes-femmes\nLe Parent"),
    ("Pensez-vous avoir modifié votre vision des violences intrafamiliales ?", TypeQuestion.OUI_NON, ""),
    ("Pensez-vous avoir trouvé des moyens de résolution des conflits ?", TypeQuestion.OUI_NON, ""),
]


@dataclass(frozen=True)
class QuestionSaisie:
    """A question as the staff screen sends it."""

    libelle: str
    type: str
    choix: str = ""
    obligatoire: bool = False
    longueur_max: int = LONGUEUR_TEXTE


def _creer_version(antenne: Antenne, titre: str, version: int,
                   questions: list[QuestionSaisie]) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(antenne=antenne, titre=titre, version=version, actuel=True)
    Question.objects.bulk_create([
        Question(questionnaire=questionnaire, ordre=rang, libelle=q.libelle, type=q.type, choix=q.choix,
                 obligatoire=q.obligatoire, longueur_max=q.longueur_max)
        for rang, q in enumerate(questions, start=1)
    ])
    return questionnaire


def questionnaire_actuel(*, antenne: Antenne) -> Questionnaire:
    """The antenne's questionnaire in service; the default one the first time it is asked
    for (two requests at once create it once: the unique constraint on the antenne's
    current questionnaire)."""
    defaut = [QuestionSaisie(libelle, type_, choix) for libelle, type_, choix in QUESTIONS_DEFAUT]
    questionnaire, _ = creer_une_fois(
        Questionnaire, cle={"antenne": antenne, "actuel": True},
        creer=lambda: _creer_version(antenne, TITRE_DEFAUT, 1, defaut),
    )
    return questionnaire


@transaction.atomic
def questionnaire_modifier(*, questionnaire: Questionnaire, titre: str,
                           questions: list[QuestionSaisie]) -> Questionnaire:
    """The questionnaire with `titre` and `questions` in this order. Without answers it is
    changed in place; with answers it is kept as it is and the next version replaces it at
    the kiosk (its answers stay readable with their own questions)."""
    # The version in use, whatever the page showed: a second click on « Enregistrer » finds
    # the version the first one made (and changes it in place) instead of replacing it twice.
    questionnaire = Questionnaire.objects.select_for_update().get(antenne_id=questionnaire.antenne_id,
                                                                 actuel=True)
    if not questionnaire.reponses.exists():
        questionnaire.titre = titre
        questionnaire.save(update_fields=["titre"])
        questionnaire.questions.all().delete()
        Question.objects.bulk_create([
            Question(questionnaire=questionnaire, ordre=rang, libelle=q.libelle, type=q.type, choix=q.choix,
                     obligatoire=q.obligatoire, longueur_max=q.longueur_max)
            for rang, q in enumerate(questions, start=1)
        ])
        return questionnaire
    Questionnaire.objects.filter(pk=questionnaire.pk).update(actuel=False)
    derniere = (Questionnaire.objects.filter(antenne_id=questionnaire.antenne_id)
                .order_by("-version").values_list("version", flat=True).first())
    return _creer_version(questionnaire.antenne, titre, derniere + 1, questions)


# --- The kiosk ----------------------------------------------------------------------------

class KiosqueRefus(Exception):
    """Why the kiosk takes no more answers, in French."""


def etat_du_kiosque(passation: Passation, aujourd_hui: date) -> str | None:
    """None while the kiosk takes answers; otherwise what it says instead."""
    if passation.fermee_le is not None:
        return "Ce kiosque est fermé."
    if passation.jour != aujourd_hui:
        return "Ce kiosque a expiré : il ne valait que le jour de son ouverture."
    if passation.nb_reponses >= passation.nb_presents:
        return (f"Les {passation.nb_presents} réponses attendues ont été reçues : le questionnaire "
                "est terminé. Merci !")
    return None


@transaction.atomic
def passation_ouvrir(*, stage: Stage, nb_presents: int, par, aujourd_hui: date) -> Passation:
    """The kiosk of `stage` for today. Opened again the same day (a tablet changed, a session
    ended), it goes on counting: the answers already received today count against the
    people present, and the earlier kiosks of the day are closed."""
    Stage.objects.select_for_update().filter(pk=stage.pk).first()  # one opening at a time
    Passation.objects.filter(stage=stage, fermee_le__isnull=True).update(fermee_le=timezone.now())
    Passation.objects.filter(stage=stage, jour=aujourd_hui).update(remplacee=True)
    return Passation.objects.create(
        jeton=secrets.token_urlsafe(32), stage=stage, jour=aujourd_hui, nb_presents=nb_presents,
        questionnaire=questionnaire_actuel(antenne=stage.antenne), ouverte_par=par,
        nb_reponses=Reponse.objects.filter(stage=stage, jour=aujourd_hui).count(),
    )


def passation_ajouter_une_reponse(*, passation: Passation, aujourd_hui: date) -> bool:
    """One more answer expected, while the kiosk is open today."""
    return bool(Passation.objects.filter(pk=passation.pk, fermee_le__isnull=True, jour=aujourd_hui)
                .update(nb_presents=F("nb_presents") + 1))


def passation_fermer(*, passation: Passation) -> None:
    Passation.objects.filter(pk=passation.pk, fermee_le__isnull=True).update(fermee_le=timezone.now())


def _ajouter(table: str, cle: list[str], lignes: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO UPDATE: one statement adds 1 to each row (created at 1), safe
    when two tablets answer at once (SQLite ≥ 3.24 and PostgreSQL alike; the ORM's upsert
    can only overwrite, not add)."""
    colonnes = [*cle, "nombre"]
    valeurs = ", ".join(["(" + ", ".join(["%s"] * len(colonnes)) + ")"] * len(lignes))
    with connection.cursor() as curseur:
        curseur.execute(
            f"INSERT INTO {table} ({', '.join(colonnes)}) VALUES {valeurs} "  # noqa: S608 (our names)
            f"ON CONFLICT ({', '.join(cle)}) DO UPDATE SET nombre = {table}.nombre + excluded.nombre",
            [valeur for ligne in lignes for valeur in (*ligne, 1)],
        )


def _compter(passation: Passation, valeurs: dict[Question, list[str]], jour: date) -> None:
    """The month's counts that the results of a period read (`models.Decompte`)."""
    mois = connection.ops.adapt_datefield_value(jour.replace(day=1))
    _ajouter(DecompteStage._meta.db_table, ["stage_id", "questionnaire_id", "mois"],
             [(passation.stage_id, passation.questionnaire_id, mois)])
    lignes = [(question.pk, mois, valeur) for question, liste in valeurs.items()
              for valeur in [REPONDU, *liste] if question.type != TypeQuestion.TEXTE or valeur == REPONDU]
    if lignes:
        _ajouter(Decompte._meta.db_table, ["question_id", "mois", "valeur"], lignes)


class DejaEnregistree(Exception):
    """The same answer sent twice (a double tap, a replay): it counts once."""


@dataclass
class Saisie:
    """What a participant answered: question -> the values (one, several, or none)."""

    jeton: uuid.UUID
    valeurs: dict[Question, list[str]] = field(default_factory=dict)


def reponse_enregistrer(*, passation: Passation, saisie: Saisie, aujourd_hui: date) -> None:
    """Records one answer of the kiosk, once: its key is the form's one-time token, so a
    double tap or a replay hits the primary key (DejaEnregistree), and the count of answers
    goes up in the same transaction only while it is below the people present
    (KiosqueRefus otherwise). Nothing is saved on a refusal."""
    try:
        with transaction.atomic():
            reponse = Reponse.objects.create(id=saisie.jeton, stage_id=passation.stage_id,
                                             questionnaire_id=passation.questionnaire_id, jour=aujourd_hui)
            comptee = (Passation.objects
                       .filter(pk=passation.pk, fermee_le__isnull=True, jour=aujourd_hui,
                               nb_reponses__lt=F("nb_presents"))
                       .update(nb_reponses=F("nb_reponses") + 1))
            if not comptee:
                passation.refresh_from_db()
                raise KiosqueRefus(etat_du_kiosque(passation, aujourd_hui) or "Ce kiosque est fermé.")
            valeurs = {question: list(dict.fromkeys(v)) for question, v in saisie.valeurs.items() if v}
            Valeur.objects.bulk_create([
                Valeur(reponse=reponse, question=question, stage_id=passation.stage_id, jour=aujourd_hui,
                       valeur=valeur)
                for question, liste in valeurs.items() for valeur in liste
            ])
            _compter(passation, valeurs, aujourd_hui)
    except IntegrityError as erreur:
        if Reponse.objects.filter(pk=saisie.jeton).exists():
            raise DejaEnregistree from erreur
        raise
