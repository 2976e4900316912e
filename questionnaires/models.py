"""The satisfaction questionnaire: an antenne's questionnaire in versions, its questions, the
tablet kiosk opened for a stage (`Passation`) and the anonymous answers.

Anonymity (DOMAIN.md, « The satisfaction questionnaire in use »): an answer (`Reponse`) and
its values (`Valeur`) hold the stage, the questionnaire's version and the day, nothing else:
no person, no convocation, no time, no passation. Their keys are random UUIDs (never an
auto-increment), and every list of them is sorted on that key: the order of the answers says
nothing of the order in which people signed the attendance sheet.
"""

import uuid

from django.conf import settings
from django.db import models

from stages.models import Antenne, Stage


class TypeQuestion(models.TextChoices):
    ECHELLE = "echelle", "Échelle d'accord (4 niveaux)"
    CHOIX_UNIQUE = "choix_unique", "Choix unique"
    CHOIX_MULTIPLE = "choix_multiple", "Choix multiple"
    OUI_NON = "oui_non", "Oui / non"
    TEXTE = "texte", "Texte libre"


ECHELLE = ["Tout à fait d'accord", "Plutôt d'accord", "Plutôt pas d'accord", "Pas du tout d'accord"]
OUI_NON = ["Oui", "Non"]
NON_RENSEIGNE = "Non renseigné"
TYPES_A_CHOIX = {TypeQuestion.CHOIX_UNIQUE, TypeQuestion.CHOIX_MULTIPLE}
LONGUEUR_TEXTE = 500  # a free text's limit unless the question says otherwise
LONGUEUR_TEXTE_MAX = 2000


class Questionnaire(models.Model):
    """One version of an antenne's questionnaire. The kiosk uses the antenne's current one
    (`actuel`); a questionnaire that has answers is never changed: a change makes the next
    version (`questionnaires.services.questionnaire_modifier`) and the old answers keep
    their own questions."""

    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="questionnaires")
    titre = models.CharField("titre", max_length=120)
    version = models.PositiveSmallIntegerField("version", default=1)
    actuel = models.BooleanField("en service", default=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "questionnaire"
        ordering = ["antenne", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["antenne", "version"], name="questionnaire_version_unique"),
            models.UniqueConstraint(fields=["antenne"], condition=models.Q(actuel=True),
                                    name="un_questionnaire_actuel_par_antenne"),
        ]

    def __str__(self):
        return f"{self.titre} (version {self.version})"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    libelle = models.CharField("question", max_length=300)
    type = models.CharField("type", max_length=20, choices=TypeQuestion.choices)
    # Single or multiple choice: one choice a line.
    choix = models.TextField("choix proposés", blank=True, help_text="Un choix par ligne.")
    obligatoire = models.BooleanField("obligatoire", default=False)
    longueur_max = models.PositiveSmallIntegerField("longueur maximale (caractères)", default=LONGUEUR_TEXTE)

    class Meta:
        verbose_name = "question"
        ordering = ["ordre", "id"]

    def __str__(self):
        return self.libelle

    @property
    def options(self) -> list[str]:
        """The answers offered, in order (none for a free text)."""
        if self.type == TypeQuestion.ECHELLE:
            return ECHELLE
        if self.type == TypeQuestion.OUI_NON:
            return OUI_NON
        if self.type in TYPES_A_CHOIX:
            return choix_de(self.choix)
        return []


def choix_de(texte: str) -> list[str]:
    """The choices typed one a line, blank lines and repeats dropped."""
    vus: list[str] = []
    for ligne in texte.splitlines():
        if (choix := ligne.strip()) and choix not in vus:
            vus.append(choix)
    return vus


class Passation(models.Model):
    """The kiosk opened by staff for a stage, valid on its day only and for `nb_presents`
    answers. It counts the answers (`nb_reponses`) but is never linked to them."""

    jeton = models.CharField(max_length=64, unique=True, editable=False)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="passations")
    jour = models.DateField("jour")
    nb_presents = models.PositiveSmallIntegerField("personnes présentes")
    nb_reponses = models.PositiveSmallIntegerField("réponses reçues", default=0)
    ouverte_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="ouverte par")
    ouverte_le = models.DateTimeField("ouverte le", auto_now_add=True)
    fermee_le = models.DateTimeField("fermée le", null=True, blank=True)
    # Opened again the same day (`services.passation_ouvrir`): the later kiosk's count of people
    # present is the one the results add up.
    remplacee = models.BooleanField("remplacée", default=False)

    class Meta:
        verbose_name = "kiosque"
        indexes = [models.Index(fields=["stage", "jour"], name="passation_stage_jour_idx"),
                   models.Index(fields=["jour"], name="passation_jour_idx")]

    def __str__(self):
        return f"Kiosque du {self.jour:%d/%m/%Y} — {self.stage_id}"

    @property
    def restantes(self) -> int:
        return max(self.nb_presents - self.nb_reponses, 0)


class Reponse(models.Model):
    """One participant's answer: the stage, the version, the day. No time, no person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="reponses")
    jour = models.DateField("jour")

    class Meta:
        verbose_name = "réponse"
        ordering = ["id"]  # random: see the module's docstring
        indexes = [models.Index(fields=["stage"], name="reponse_stage_idx"),
                   models.Index(fields=["jour"], name="reponse_jour_idx")]

    def __str__(self):
        return f"Réponse du {self.jour:%d/%m/%Y}"


class Valeur(models.Model):
    """One answer to one question (a choice's label or the text typed; a multiple choice has
    one row per choice ticked). The stage and the day are repeated from the answer so that
    the results read one table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="valeurs")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="valeurs")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    jour = models.DateField("jour")
    valeur = models.TextField("réponse")

    class Meta:
        verbose_name = "réponse à une question"
        ordering = ["id"]
        indexes = [models.Index(fields=["jour", "question"], name="valeur_jour_question_idx"),
                   models.Index(fields=["stage", "question"], name="valeur_stage_question_idx")]

    def __str__(self):
        return self.valeur[:60]


# --- Counts kept by the submission, that the results of a period read ----------------------
# A month is the period's unit: a year of 30 antennes is a few thousand rows instead of every
# value. `valeur` "" counts the answers that answered the question at all.
REPONDU = ""


class Decompte(models.Model):
    """How many answers gave `valeur` to `question` in the month `mois` (its first day)."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    mois = models.DateField("mois")
    valeur = models.TextField("réponse", blank=True)
    nombre = models.PositiveIntegerField("nombre", default=0)

    class Meta:
        verbose_name = "décompte des réponses"
        constraints = [models.UniqueConstraint(fields=["question", "mois", "valeur"], name="decompte_unique")]
        indexes = [models.Index(fields=["mois", "question"], name="decompte_mois_idx")]

    def __str__(self):
        return f"{self.valeur or 'réponses'} : {self.nombre}"


class DecompteStage(models.Model):
    """How many answers a stage received in a month, to a version of the questionnaire."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    mois = models.DateField("mois")
    nombre = models.PositiveIntegerField("réponses", default=0)

    class Meta:
        verbose_name = "décompte des réponses d'un stage"
        constraints = [models.UniqueConstraint(fields=["stage", "questionnaire", "mois"],
                                               name="decompte_stage_unique")]
        indexes = [models.Index(fields=["mois"], name="decompte_stage_mois_idx")]

    def __str__(self):
        return f"{self.stage_id} : {self.nombre}"
