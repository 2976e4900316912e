"""Convocations of orientations to stages, and what staff record about them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from stages.models import Orientation, Seance, Stage


class StatutConvocation(models.TextChoices):
    CONVOQUEE = "convoquee", "Convoquée"
    CONFIRMEE = "confirmee", "Confirmée"
    REPORTEE = "reportee", "Reportée"
    ANNULEE = "annulee", "Annulée"
    # Resolved by the attendance once every séance is marked (`services.presences`).
    EFFECTUEE = "effectuee", "Stage effectué"
    PARTIELLE = "partielle", "Stage suivi en partie"
    ABSENTE = "absente", "Absente"


# An open convocation holds a place on its stage; an orientation has at most one.
STATUTS_OUVERTS = [StatutConvocation.CONVOQUEE, StatutConvocation.CONFIRMEE]


class Convocation(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.PROTECT, related_name="convocations")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="convocations")
    numero = models.PositiveSmallIntegerField("convocation n°", default=1)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutConvocation.choices, default=StatutConvocation.CONVOQUEE
    )
    # Why this person was taken ahead of their rank, or added out of the proposal.
    motif_hors_rang = models.CharField("motif hors rang", max_length=300, blank=True)
    # Why it was postponed or cancelled.
    motif = models.CharField("motif", max_length=300, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="créée par",
    )
    # Set by a report when the échéance passes before the antenne's next stage: the
    # prescripteur's accord is to be asked, and the orientation stays convocable meanwhile.
    accord_a_demander = models.BooleanField("accord à demander", default=False)
    # The form token (or key) of the confirmation that created it: a double submit finds it.
    cle_lot = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    # Bumped whenever a séance moves: the calendar file sent then replaces the earlier one.
    sequence_ics = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["cle_lot"])

    class Meta:
        verbose_name = "convocation"
        constraints = [
            models.UniqueConstraint(
                fields=["orientation"], condition=Q(statut__in=STATUTS_OUVERTS),
                name="une_convocation_ouverte_par_orientation",
                violation_error_message="Cette personne a déjà une convocation en cours.",
            ),
        ]
        indexes = [models.Index(fields=["stage", "statut"], name="convocation_stage_idx")]

    def __str__(self):
        return f"{self.orientation.personne} — {self.stage}"

    @property
    def est_ouverte(self) -> bool:
        return self.statut in STATUTS_OUVERTS


class NatureEntretien(models.TextChoices):
    PREALABLE = "prealable", "Entretien préalable"
    BILAN = "bilan", "Entretien bilan"


class ModeEntretien(models.TextChoices):
    TELEPHONE = "telephone", "Par téléphone"
    PRESENTIEL = "presentiel", "En personne"


class Entretien(models.Model):
    """An entretien préalable: staff call (or meet) the person before the stage to present it
    and check they will come. Several attempts per convocation; reached or not."""

    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="entretiens")
    date = models.DateField("date")
    fait_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="fait par",
    )
    # Préalable (before the stage) or bilan (after it, where the antenne runs one).
    nature = models.CharField("nature", max_length=10, choices=NatureEntretien.choices,
                              default=NatureEntretien.PREALABLE)
    mode = models.CharField("mode", max_length=12, choices=ModeEntretien.choices,
                            default=ModeEntretien.TELEPHONE)
    joint = models.BooleanField("personne jointe", default=False)
    note = models.CharField(
        "note", max_length=300, blank=True,
        help_text="Pratique seulement (disponibilité, besoin d'interprète…) : aucun récit des faits.",
    )
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "entretien préalable"
        verbose_name_plural = "entretiens préalables"
        ordering = ["date", "id"]

    def __str__(self):
        return f"Entretien du {self.date:%d/%m/%Y} — {self.convocation}"


# The letter's wording, the calendar feed, the sending batches, the reminders.


class ModeleLettre(models.Model):
    """The convocation letter's paragraphs of one antenne, with placeholders ({prenom},
    {premiere_seance}…) filled in for each person (see convocations.documents.VARIABLES).
    An antenne without a row gets the defaults of convocations.documents."""

    antenne = models.OneToOneField("stages.Antenne", on_delete=models.CASCADE, related_name="modele_lettre")
    introduction = models.TextField("introduction")
    paiement = models.TextField("paiement", help_text="Quand le stage est payant.")
    gratuit = models.TextField("gratuité", help_text="Quand le stage est gratuit (volontaire, tarif nul).")
    a_apporter = models.TextField("à apporter")
    absence = models.TextField("en cas d'absence")
    report = models.TextField("demander un report")
    contact = models.TextField("contact")
    formule = models.TextField("formule de politesse")
    qualite_signataire = models.CharField("qualité du signataire", max_length=120, blank=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "modèle de lettre de convocation"
        verbose_name_plural = "modèles de lettre de convocation"

    def __str__(self):
        return f"Lettre de convocation — {self.antenne.nom}"


class FluxCalendrier(models.Model):
    """The secret address of a stage's calendar feed (animateurs subscribe to it): a new
    token revokes the old address."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="flux_calendrier")
    jeton = models.CharField("jeton", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le", auto_now=True)

    class Meta:
        verbose_name = "flux d'agenda d'un stage"
        verbose_name_plural = "flux d'agenda des stages"

    def __str__(self):
        return f"Flux d'agenda — {self.stage}"


class LotEnvoi(models.Model):
    """One "Envoyer les convocations" of a stage, run by the worker: its progress for the
    page that polls."""

    class Nature(models.TextChoices):
        CONVOCATIONS = "convocations", "Convocations"
        ATTESTATIONS = "attestations", "Attestations"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente du travail de fond"
        EN_COURS = "en_cours", "Envoi en cours"
        TERMINE = "termine", "Envoi terminé"
        ECHOUE = "echoue", "Envoi interrompu"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="lots_envoi")
    # What the batch sends: the stage's convocations, or its attestations to the prescripteurs.
    nature = models.CharField("nature", max_length=20, choices=Nature.choices, default=Nature.CONVOCATIONS)
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name="demandé par")
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    total = models.PositiveIntegerField("convocations", default=0)
    faits = models.PositiveIntegerField("traitées", default=0)
    courriels = models.PositiveIntegerField("courriels envoyés", default=0)
    a_poster = models.PositiveIntegerField("lettres à poster", default=0)
    echecs = models.PositiveIntegerField("échecs", default=0)
    message = models.TextField("message", blank=True)
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    fini_le = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi des convocations"
        verbose_name_plural = "envois des convocations"
        ordering = ["-cree_le", "-id"]

    def __str__(self):
        return f"{self.titre} — {self.stage} ({self.get_etat_display()})"

    @property
    def titre(self) -> str:
        return f"Envoi des {self.get_nature_display().lower()}"

    @property
    def est_fini(self) -> bool:
        return self.etat in (self.Etat.TERMINE, self.Etat.ECHOUE)


class CanalRappel(models.TextChoices):
    COURRIEL = "courriel", "Courriel"
    SMS = "sms", "SMS"


class Rappel(models.Model):
    """A reminder sent (or handed to the SMS backend) before the stage: one per convocation,
    delay and channel, whatever the number of runs of the job."""

    convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="rappels")
    jours_avant = models.PositiveSmallIntegerField("jours avant la première séance")
    canal = models.CharField("canal", max_length=10, choices=CanalRappel.choices)
    premiere_seance = models.DateField("première séance visée")
    texte = models.TextField("texte")
    cree_le = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel"
        constraints = [
            models.UniqueConstraint(fields=["convocation", "jours_avant", "canal", "premiere_seance"],
                                    name="rappel_unique"),
        ]

    def __str__(self):
        return f"Rappel J-{self.jours_avant} ({self.get_canal_display()}) — {self.convocation}"


# What the attendance resolves a convocation to (it is then closed).
STATUTS_RESOLUS = [StatutConvocation.EFFECTUEE, StatutConvocation.PARTIELLE, StatutConvocation.ABSENTE]


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent·e"
    RETARD = "retard", "En retard"
    DEPART = "depart", "Parti·e avant la fin"
    EXCUSE = "excuse", "Absent·e excusé·e"
    ABSENT = "absent", "Absent·e"


# The marks that carry a number of minutes (late, or left early).
STATUTS_AVEC_MINUTES = [StatutPresence.RETARD, StatutPresence.DEPART]


class Presence(models.Model):
    """One person's attendance at one séance, as the animateur (or the office) marked it. Marked
    again (another tablet, a correction): the row changes, its history keeps every mark."""

    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="presences")
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="presences")
    statut = models.CharField("présence", max_length=10, choices=StatutPresence.choices)
    minutes = models.PositiveSmallIntegerField("minutes de retard ou d'avance", default=0)
    marque_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="marquée par",
    )
    marque_le = models.DateTimeField("marquée le")
    # Why a mark changed after the stage was closed.
    motif_correction = models.CharField("motif de la correction", max_length=300, blank=True)
    # Drawn with a finger on the tablet (convocations.signatures builds the SVG from the strokes).
    signature = models.TextField("signature (SVG)", blank=True)
    signee_le = models.DateTimeField("signée le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "présence"
        constraints = [
            models.UniqueConstraint(fields=["convocation", "seance"], name="une_presence_par_seance"),
        ]
        indexes = [models.Index(fields=["seance", "statut"], name="presence_seance_idx")]

    def __str__(self):
        return f"{self.get_statut_display()} — {self.seance}"

    def compte_present(self, tolerance_minutes: int) -> bool:
        """Present, or late / left early within the antenne's tolerance."""
        if self.statut == StatutPresence.PRESENT:
            return True
        return self.statut in STATUTS_AVEC_MINUTES and self.minutes <= tolerance_minutes

    @property
    def libelle(self) -> str:
        if self.statut in STATUTS_AVEC_MINUTES:
            return f"{self.get_statut_display()} ({self.minutes} min)"
        return self.get_statut_display()


# --- Attestations de stage ------------------------------------------------------------------


class ReglageAttestations(models.Model):
    """What an antenne sets for its attestations: who signs them, and whether it runs an
    entretien bilan after the stage. An antenne without a row: its signatory, no bilan."""

    antenne = models.OneToOneField("stages.Antenne", on_delete=models.CASCADE,
                                   related_name="reglage_attestations")
    signataire = models.CharField("signataire", max_length=120, blank=True,
                                  help_text="Vide : le signataire des documents de l'antenne.")
    qualite_signataire = models.CharField("qualité du signataire", max_length=120, blank=True)
    entretien_bilan = models.BooleanField("entretien bilan après le stage", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réglage des attestations"
        verbose_name_plural = "réglages des attestations"

    def __str__(self):
        return f"Attestations — {self.antenne.nom}"


class CompteurAttestation(models.Model):
    """The last number issued by an antenne in a year: locked (select_for_update) while an
    attestation takes the next one, so two issued at once get contiguous numbers."""

    antenne = models.ForeignKey("stages.Antenne", on_delete=models.PROTECT, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    dernier = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur d'attestations"
        verbose_name_plural = "compteurs d'attestations"
        constraints = [
            models.UniqueConstraint(fields=["antenne", "annee"], name="compteur_attestation_unique"),
        ]

    def __str__(self):
        return f"{self.antenne} {self.annee} : {self.dernier}"


class Attestation(models.Model):
    """An attestation de stage as issued: numbered without gaps per antenne and year, its PDF
    rendered once and stored privately (settings.ATTESTATIONS_DIR) with its SHA-256. Never
    changed nor deleted: a correction issues a new attestation that cancels this one."""

    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="attestations")
    antenne = models.ForeignKey("stages.Antenne", on_delete=models.PROTECT, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    rang = models.PositiveIntegerField("rang dans l'année")
    numero = models.CharField("numéro", max_length=30)
    emise_le = models.DateTimeField("émise le")
    emise_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="émise par")
    fichier = models.CharField("fichier", max_length=255, editable=False)
    sha256 = models.CharField("SHA-256 du PDF", max_length=64, editable=False)
    # Printed on the PDF: the SHA-256 of the attested facts (a file cannot print its own hash).
    empreinte = models.CharField("empreinte du contenu", max_length=64, editable=False)
    # What the attestation states, as issued (convocations.attestations.ContenuAttestation):
    # the cover letter and a check of the empreinte read it, not today's rows.
    contenu = models.JSONField("contenu", editable=False)
    heures = models.DecimalField("heures suivies", max_digits=5, decimal_places=2)
    remplace = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="remplacee_par", verbose_name="annule et remplace")
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)
    remise_le = models.DateTimeField("remise à la personne le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "attestation de stage"
        verbose_name_plural = "attestations de stage"
        ordering = ["-annee", "-rang"]
        constraints = [
            models.UniqueConstraint(fields=["antenne", "annee", "rang"], name="attestation_numero_unique"),
            models.UniqueConstraint(fields=["convocation"], condition=Q(annulee_le__isnull=True),
                                    name="une_attestation_valide_par_convocation",
                                    violation_error_message="Cette personne a déjà une attestation."),
        ]

    def __str__(self):
        return f"Attestation n° {self.numero}"

    @property
    def est_annulee(self) -> bool:
        return self.annulee_le is not None
# The marks that say the person was there: only they are signed.
STATUTS_SIGNES = [StatutPresence.PRESENT, StatutPresence.RETARD, StatutPresence.DEPART]


class NatureAction(models.TextChoices):
    MARQUE = "marque", "Marque de présence"
    SIGNATURE = "signature", "Signature"


class ActionTablette(models.Model):
    """A mark or a signature made on a tablet, under the key the browser drew for it, with the
    time it was made there (offline, it reaches the server later). Sent twice (the network
    dropped before the answer, a replay), it counts once: the key is unique."""

    cle = models.CharField("clé", max_length=64, unique=True)
    nature = models.CharField("nature", max_length=10, choices=NatureAction.choices)
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="actions_tablette")
    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="actions_tablette")
    faite_le = models.DateTimeField("faite le (tablette)")
    recue_le = models.DateTimeField("reçue le", auto_now_add=True)
    hors_ligne = models.BooleanField("faite hors ligne", default=False)
    # False: a later mark of the same person was already recorded; this one is kept here only.
    appliquee = models.BooleanField("appliquée", default=True)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+", verbose_name="par")

    class Meta:
        verbose_name = "action sur tablette"
        verbose_name_plural = "actions sur tablette"
        ordering = ["faite_le", "pk"]

    def __str__(self):
        return f"{self.get_nature_display()} {self.cle}"


class Rattrapage(models.Model):
    """A séance missed on a stage over several weeks, made up at a séance of the same module of
    another stage of the antenne: the person is listed (and marked) there, and that mark counts
    for the missed séance when the convocation is resolved."""

    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="rattrapages")
    seance_manquee = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="+",
                                       verbose_name="séance manquée")
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="rattrapages",
                               verbose_name="séance de rattrapage")
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="programmé par")
    cree_le = models.DateTimeField("programmé le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rattrapage"
        constraints = [
            models.UniqueConstraint(fields=["convocation", "seance_manquee"], name="un_rattrapage_par_seance",
                                    violation_error_message="Cette séance a déjà un rattrapage."),
            models.UniqueConstraint(fields=["convocation", "seance"], name="un_rattrapage_par_seance_suivie",
                                    violation_error_message="Cette personne rattrape déjà une séance ici."),
        ]

    def __str__(self):
        return f"Rattrapage du {self.seance_manquee} au {self.seance}"
# --- Notices: the warning to a no-show, and the notices to prescripteurs (services.avis) ---


class NatureAvis(models.TextChoices):
    AVERTISSEMENT = "avertissement", "Lettre d'avertissement"
    NON_REALISATION = "non_realisation", "Avis de non-réalisation"
    DEMANDE_ACCORD = "demande_accord", "Demande d'accord de prolongation"
    RETOUR = "retour", "Retour au prescripteur"


class MotifNonRealisation(models.TextChoices):
    ABSENCES = "absences", "Absences au stage"
    REFUS = "refus", "Refus de la personne"
    INJOIGNABLE = "injoignable", "Personne injoignable"
    DEMENAGEMENT = "demenagement", "Personne partie (déménagement)"


class Avis(models.Model):
    """A letter about an orientation (PDF, by e-mail through the outbox or to post): the
    warning to a person who missed their stage, or a notice to the prescripteur. One row per
    idempotency key: sent twice (a double click, a task run again), it is one notice."""

    orientation = models.ForeignKey(Orientation, on_delete=models.PROTECT, related_name="avis")
    antenne = models.ForeignKey("stages.Antenne", on_delete=models.PROTECT, related_name="+")
    nature = models.CharField("nature", max_length=20, choices=NatureAvis.choices)
    motif = models.CharField("motif", max_length=20, choices=MotifNonRealisation.choices, blank=True)
    precisions = models.CharField(
        "précisions", max_length=300, blank=True,
        help_text="Pratique seulement (dates des appels, courrier revenu…) : aucun récit des faits.",
    )
    # The missed stage, for a warning.
    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="avis")
    # A demande d'accord: the échéance when asked, the date proposed, and the answer.
    echeance_actuelle = models.DateField("échéance au moment de l'avis", null=True, blank=True)
    echeance_proposee = models.DateField("nouvelle échéance proposée", null=True, blank=True)
    accord_le = models.DateField("accord reçu le", null=True, blank=True)
    accord = models.CharField("accord", max_length=200, blank=True,
                              help_text="Qui a donné l'accord, et comment.")
    envoi = models.OneToOneField("commun.Envoi", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    cle = models.CharField("clé d'idempotence", max_length=200, unique=True, editable=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name="créé par")
    history = HistoricalRecords(excluded_fields=["cle"])

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["antenne", "nature", "accord_le"], name="avis_antenne_idx"),
            models.Index(fields=["orientation", "nature"], name="avis_orientation_idx"),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} — {self.orientation.personne}"

    @property
    def attend_un_accord(self) -> bool:
        """Asked for the échéance the orientation still has (as `echeances._accord_en_attente`):
        once it moved, by this accord or a prolongation, the request is over."""
        return (self.nature == NatureAvis.DEMANDE_ACCORD and self.accord_le is None
                and self.echeance_actuelle == self.orientation.echeance)


class Signalement(models.Model):
    """One line of the échéances dashboard already told to the antenne's staff by the daily
    digest (`echeances.recapitulatif_quotidien`): it is never told twice."""

    antenne = models.ForeignKey("stages.Antenne", on_delete=models.CASCADE, related_name="+")
    cle = models.CharField("ligne", max_length=120)
    signale_le = models.DateField("signalée le")

    class Meta:
        verbose_name = "ligne signalée"
        verbose_name_plural = "lignes signalées"
        constraints = [models.UniqueConstraint(fields=["antenne", "cle"], name="signalement_unique")]

    def __str__(self):
        return f"{self.cle} ({self.signale_le:%d/%m/%Y})"
