"""Antennes (the tenants), their members, prescripteurs, personnes and orientations."""

import re
import unicodedata
from datetime import date, time, timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from stages.dates import DATE_MAX, DATE_MIN, ajouter_mois, date_courte, date_plausible

# Letters NFKD does not split into a base letter and an accent.
LETTRES_LIEES = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th"})


def normaliser(texte: str) -> str:
    """The words of a name in lower case, without accents nor punctuation, each letter of any
    script kept: 'Éloïse-Marie  DURAND' -> 'eloise marie durand', 'Lætitia' -> 'laetitia',
    "d’Artagnan" -> 'd artagnan', 'Андрей' -> 'андреи'. For duplicates and the search."""
    decompose = unicodedata.normalize("NFKD", texte.casefold().translate(LETTRES_LIEES))
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", sans_accents))


# The length of the columns normalised names and their words are stored in.
NORMALISE_MAX = 100


def nom_normalise(texte: str) -> str:
    """`normaliser` within its column: normalising may lengthen a valid name ('ß' gives 'ss',
    'ﷺ' 18 letters), so it is cut, the same way on every path (save, duplicates, import):
    equal names still compare equal."""
    return normaliser(texte)[:NORMALISE_MAX].rstrip()


def mots_cherchables(texte: str) -> list[str]:
    """The words a name is found by: 'Lefèvre-Dupont' -> ['lefevre', 'dupont'], each within
    its column (a search word cut the same way still starts the word)."""
    return [mot[:NORMALISE_MAX] for mot in normaliser(texte).split()]


class FormatStage(models.TextChoices):
    DEUX_JOURS_CONSECUTIFS = "2_jours_consecutifs", "2 jours consécutifs"
    DEUX_JOURS_NON_CONSECUTIFS = "2_jours_non_consecutifs", "2 jours non consécutifs (à une semaine)"
    QUATRE_DEMI_JOURNEES = "4_demi_journees", "4 demi-journées (2 jours, matin et après-midi)"
    SEPT_HEBDOMADAIRES = "7_hebdomadaires", "7 séances hebdomadaires"


class PolitiqueAbsence(models.TextChoices):
    SECONDE_CONVOCATION = "seconde_convocation", "Une seconde convocation, puis retour au prescripteur"
    RETOUR = "retour", "Retour au prescripteur dès la première absence"


class Antenne(models.Model):
    nom = models.CharField("nom", max_length=120)
    code = models.SlugField("code", max_length=20, unique=True)
    departement = models.CharField("département", max_length=3)
    adresse = models.TextField("adresse", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    signataire = models.CharField("signataire des documents", max_length=120, blank=True)
    delai_mois = models.PositiveSmallIntegerField(
        "délai d'exécution par défaut (mois)", default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    places_defaut = models.PositiveSmallIntegerField("places par stage", default=12)
    surreservation_defaut = models.PositiveSmallIntegerField("sur-réservation", default=3)
    # The usual format and hours the new-stage form pre-fills the séances with
    # (`stages.planning.seances_du_format`).
    format_stage = models.CharField(
        "format habituel des stages", max_length=30, choices=FormatStage.choices,
        default=FormatStage.DEUX_JOURS_CONSECUTIFS,
    )
    debut_matin = models.TimeField("début de la matinée", default=time(9))
    fin_matin = models.TimeField("fin de la matinée", default=time(12))
    debut_apres_midi = models.TimeField("début de l'après-midi", default=time(13, 30))
    fin_apres_midi = models.TimeField("fin de l'après-midi", default=time(16, 30))
    entretien_prealable_attendu = models.BooleanField("entretien préalable attendu", default=True)
    # Attendance: a late arrival or early leaving up to this many minutes still counts as present.
    tolerance_minutes = models.PositiveSmallIntegerField(
        "retard ou départ anticipé toléré (minutes)", default=15, validators=[MaxValueValidator(120)],
        help_text="Au-delà, la séance n'est pas comptée comme suivie.",
    )
    politique_absence = models.CharField(
        "après une absence", max_length=30, choices=PolitiqueAbsence.choices,
        default=PolitiqueAbsence.SECONDE_CONVOCATION,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "antenne"
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.departement})"

    def clean(self):
        horaires = [self.debut_matin, self.fin_matin, self.debut_apres_midi, self.fin_apres_midi]
        if None not in horaires and not horaires[0] < horaires[1] <= horaires[2] < horaires[3]:
            raise ValidationError({"fin_apres_midi": (
                "Les horaires habituels se suivent : début puis fin de la matinée, début puis fin "
                "de l'après-midi."
            )})


class Role(models.TextChoices):
    COORDINATION = "coordination", "Coordination"
    RESPONSABLE = "responsable", "Responsable d'antenne"
    SECRETARIAT = "secretariat", "Secrétariat"
    ANIMATEUR = "animateur", "Animateur·rice"


class Membre(models.Model):
    """A user's role in one antenne; coordination reads the figures of every antenne."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membres",
        verbose_name="utilisateur",
    )
    antenne = models.ForeignKey(
        Antenne, on_delete=models.CASCADE, null=True, blank=True, related_name="membres",
        help_text="Vide pour la coordination, qui couvre toutes les antennes.",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre"
        constraints = [
            models.UniqueConstraint(fields=["user", "antenne"], name="membre_unique"),
            models.CheckConstraint(
                condition=Q(role=Role.COORDINATION, antenne__isnull=True)
                | (~Q(role=Role.COORDINATION) & Q(antenne__isnull=False)),
                name="membre_antenne_selon_role",
                violation_error_message=(
                    "La coordination couvre toutes les antennes (laisser l'antenne vide) ; "
                    "les autres rôles exigent une antenne."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.antenne or 'toutes les antennes'}"


class Preference(models.Model):
    """What a user chose last, kept between logins (the session forgets it at logout)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference",
        verbose_name="utilisateur",
    )
    antenne = models.ForeignKey(
        Antenne, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="dernière antenne choisie",
    )

    class Meta:
        verbose_name = "préférence"

    def __str__(self):
        return f"{self.user} — {self.antenne or 'aucune antenne choisie'}"


class TypePrescripteur(models.TextChoices):
    PARQUET = "parquet", "Parquet"
    DELEGUE_PROCUREUR = "delegue", "Délégué du procureur"
    TRIBUNAL = "tribunal", "Tribunal correctionnel"
    TRIBUNAL_JUDICIAIRE = "tribunal_judiciaire", "Tribunal judiciaire"
    JAP = "jap", "Juge de l'application des peines"
    SPIP = "spip", "SPIP (CPIP)"
    JUGE_INSTRUCTION = "instruction", "Juge d'instruction / JLD"
    JAF = "jaf", "Juge aux affaires familiales"
    AUTRE = "autre", "Autre"


class Prescripteur(models.Model):
    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="prescripteurs")
    nom = models.CharField("nom", max_length=150)
    type = models.CharField("type", max_length=20, choices=TypePrescripteur.choices)
    email = models.EmailField("e-mail pour les attestations", blank=True)
    adresse = models.TextField("adresse", blank=True)
    actif = models.BooleanField("actif", default=True)
    # Deactivated: no longer offered for new orientations, kept on existing ones.
    motif_desactivation = models.CharField("motif de la désactivation", max_length=200, blank=True)
    fusionne_dans = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="fusionnes",
        verbose_name="fusionné dans",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "prescripteur"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["antenne", "nom"], name="prescripteur_unique"),
        ]

    def __str__(self):
        return self.nom

    def est_proche_de(self, nom: str) -> bool:
        return noms_proches(self.nom, nom)


# Words that do not tell two prescripteurs apart ("Délégués du procureur de Perpignan").
MOTS_VIDES = frozenset([
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "pour", "sur",
])
# Two words of at least this length this similar (difflib) are the same word mistyped.
MOT_LONG, MOTS_SEMBLABLES = 5, 0.85


def mots_du_nom(nom: str) -> list[str]:
    """The words that tell a prescripteur's name, singular: 'Délégués du procureur -
    Perpignan' -> ['delegue', 'procureur', 'perpignan']."""
    return [
        mot[:-1] if len(mot) > 3 and mot[-1] in "sx" else mot
        for mot in normaliser(nom).split() if mot not in MOTS_VIDES
    ]


def _meme_mot(mot: str, autre: str) -> bool:
    if mot == autre:
        return True
    return (min(len(mot), len(autre)) >= MOT_LONG
            and SequenceMatcher(None, mot, autre).ratio() >= MOTS_SEMBLABLES)


def noms_proches(nom: str, autre: str) -> bool:
    """Two names of the same prescripteur, probably: the words of one are all in the other,
    plural, articles, accents, punctuation and a typo aside ('Délégué du procureur -
    Perpignan' and 'Délégués du procureur de Perpignan'; 'SPIP de Perpignan' and 'SPIP
    antenne de Perpignan'), but not 'JAP de Perpignan' and 'JAF de Perpignan'."""
    mots, autres = mots_du_nom(nom), mots_du_nom(autre)
    if not mots or not autres:
        return False
    court, long_ = sorted((mots, autres), key=len)
    return all(any(_meme_mot(mot, autre) for autre in long_) for mot in court)


class Sexe(models.TextChoices):
    HOMME = "M", "Homme"
    FEMME = "F", "Femme"


class Personne(models.Model):
    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="personnes")
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    AGE_MINIMUM = 13

    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    date_naissance = models.DateField("date de naissance", validators=[date_plausible])
    telephone = models.CharField("téléphone", max_length=20, blank=True, help_text="E.164")
    email = models.EmailField("e-mail", blank=True)
    adresse = models.TextField("adresse postale", blank=True)
    # Accents and case removed, for the duplicate check (personne_doublon_idx); the name
    # search reads `MotDuNom`.
    nom_normalise = models.CharField(max_length=NORMALISE_MAX, editable=False)
    prenom_normalise = models.CharField(max_length=NORMALISE_MAX, editable=False)
    # The import that created her: deleted with it if it fails (`ImportLot`).
    lot = models.ForeignKey("ImportLot", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+", editable=False)
    history = HistoricalRecords(excluded_fields=["lot"])

    class Meta:
        verbose_name = "personne"
        indexes = [
            models.Index(
                fields=["antenne", "nom_normalise", "prenom_normalise", "date_naissance"],
                name="personne_doublon_idx",
            )
        ]

    def __str__(self):
        return f"{self.nom.upper()} {self.prenom}"

    def save(self, *args, **kwargs):
        avant = (self.nom_normalise, self.prenom_normalise)  # empty for a new person
        self.normaliser_noms()
        super().save(*args, **kwargs)
        if (self.nom_normalise, self.prenom_normalise) != avant:
            self.mots.all().delete()
            MotDuNom.indexer([self])

    def normaliser_noms(self) -> None:
        """Also to call before a bulk_create, which skips save()."""
        self.nom_normalise = nom_normalise(self.nom)
        self.prenom_normalise = nom_normalise(self.prenom)

    def clean(self):
        from stages.telephones import NumeroInvalide, en_e164

        erreurs = {}
        aujourd_hui = timezone.localdate()
        if self.date_naissance:
            if self.date_naissance > aujourd_hui:
                erreurs["date_naissance"] = "La date de naissance est dans le futur."
            elif ajouter_mois(self.date_naissance, 12 * self.AGE_MINIMUM) > aujourd_hui:
                erreurs["date_naissance"] = (
                    f"La personne a moins de {self.AGE_MINIMUM} ans : vérifiez la date de naissance."
                )
        if self.telephone:
            try:
                self.telephone = en_e164(self.telephone)
            except NumeroInvalide as erreur:
                erreurs["telephone"] = erreur.message
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def telephone_affiche(self) -> str:
        from stages.telephones import numero_ecrit

        return numero_ecrit(self.telephone)


class MotDuNom(models.Model):
    """One word of a person's nom or prénom: the name search reads a range of this index
    ('mar' <= mot < 'mas') instead of testing every person of the antenne."""

    antenne = models.ForeignKey(Antenne, on_delete=models.CASCADE, related_name="+")
    personne = models.ForeignKey(Personne, on_delete=models.CASCADE, related_name="mots")
    mot = models.CharField(max_length=NORMALISE_MAX)

    class Meta:
        indexes = [models.Index(fields=["antenne", "mot", "personne"], name="mot_recherche_idx")]

    def __str__(self):
        return self.mot

    @classmethod
    def indexer(cls, personnes: list[Personne]) -> None:
        """Write the words of saved persons that have none yet (after a bulk_create)."""
        cls.objects.bulk_create(
            cls(antenne_id=p.antenne_id, personne=p, mot=mot)
            for p in personnes
            for mot in set(mots_cherchables(f"{p.nom} {p.prenom}"))
        )


class Cadre(models.TextChoices):
    ALTERNATIVE = "41-1", "Alternative aux poursuites (CPP 41-1)"
    COMPOSITION = "41-2", "Composition pénale (CPP 41-2)"
    PEINE = "131-5-1", "Peine de stage (C. pén. 131-5-1)"
    SURSIS = "sursis", "Sursis probatoire (C. pén. 132-45)"
    CONTROLE_JUDICIAIRE = "cj", "Contrôle judiciaire (CPP 138)"
    CRPC = "crpc", "CRPC (CPP 495-8)"
    JAF = "jaf", "Ordonnance de protection JAF (C. civ. 515-11)"
    VOLONTAIRE = "volontaire", "Démarche volontaire"


class TypeStage(models.TextChoices):
    MIXTE = "mixte", "Mixte"
    FEMMES = "femmes", "Non mixte (femmes)"


class Statut(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    CONVOQUEE = "convoquee", "Convoquée"
    STAGE_EFFECTUE = "stage_effectue", "Stage effectué"
    TERMINEE = "terminee", "Terminée"
    A_RETOURNER = "a_retourner", "À retourner"
    RETOURNEE = "retournee", "Retournée au prescripteur"
    TRANSFEREE = "transferee", "Transférée"
    ANNULEE = "annulee", "Annulée"


# The status of the orientations an import is still writing: no list shows them (they are
# not in Statut's choices); the lot's end turns them all to EN_ATTENTE in one UPDATE.
EN_IMPORT = "en_import"

STATUTS_OUVERTS = [Statut.EN_ATTENTE, Statut.CONVOQUEE, Statut.A_RETOURNER]
# Closed by staff, so reopened by staff when it was a mistake (`services.orientation_rouvrir`).
STATUTS_REOUVRABLES = [Statut.TRANSFEREE, Statut.ANNULEE]


class EtatEcheance(models.TextChoices):
    OK = "ok", "Dans les délais"
    PROCHE = "proche", "Proche (≤ 60 jours)"
    CRITIQUE = "critique", "Critique (≤ 30 jours)"
    DEPASSEE = "depassee", "Dépassée"

    @property
    def libelle_court(self) -> str:
        """The word of the waiting list's column."""
        return {"ok": "OK", "proche": "Proche", "critique": "Critique"}.get(self.value, self.label)


JOURS_PROCHE, JOURS_CRITIQUE = 60, 30
# An échéance further than this from the date it counts from is most likely a typo
# (20/05/2072 for 20/05/2027): refused unless staff justify it.
ECHEANCE_MAX_MOIS = 24


def etat_echeance(echeance: date, aujourd_hui: date) -> EtatEcheance:
    reste = (echeance - aujourd_hui).days
    if reste < 0:
        return EtatEcheance.DEPASSEE
    if reste <= JOURS_CRITIQUE:
        return EtatEcheance.CRITIQUE
    if reste <= JOURS_PROCHE:
        return EtatEcheance.PROCHE
    return EtatEcheance.OK


def filtre_etat_echeance(etat: str, aujourd_hui: date) -> Q:
    """The same states as `etat_echeance`, as a filter on the `echeance` column."""
    critique = aujourd_hui + timedelta(days=JOURS_CRITIQUE)
    proche = aujourd_hui + timedelta(days=JOURS_PROCHE)
    return {
        EtatEcheance.DEPASSEE: Q(echeance__lt=aujourd_hui),
        EtatEcheance.CRITIQUE: Q(echeance__gte=aujourd_hui, echeance__lte=critique),
        EtatEcheance.PROCHE: Q(echeance__gt=critique, echeance__lte=proche),
        EtatEcheance.OK: Q(echeance__gt=proche),
    }[etat]


class Orientation(models.Model):
    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="orientations")
    personne = models.ForeignKey(Personne, on_delete=models.PROTECT, related_name="orientations")
    prescripteur = models.ForeignKey(
        Prescripteur, on_delete=models.PROTECT, null=True, blank=True,
        related_name="orientations",
    )
    cadre = models.CharField("cadre", max_length=20, choices=Cadre.choices)
    reference = models.CharField("référence du dossier", max_length=50, blank=True)
    date_orientation = models.DateField("date d'orientation", validators=[date_plausible])
    date_decision = models.DateField(
        "date de la décision", null=True, blank=True, validators=[date_plausible]
    )
    date_definitive = models.DateField(
        "date à laquelle la condamnation est définitive", null=True, blank=True,
        validators=[date_plausible],
    )
    # Blank: computed by clean() from the antenne's delay (`echeance_par_defaut`).
    echeance_initiale = models.DateField("échéance initiale", blank=True, validators=[date_plausible])
    echeance = models.DateField("échéance", blank=True, validators=[date_plausible])
    justification_echeance = models.CharField(
        "justification d'une échéance lointaine", max_length=200, blank=True,
        help_text=f"Seulement pour une échéance à plus de {ECHEANCE_MAX_MOIS} mois de la "
        "décision (ou de la condamnation définitive) : pourquoi ce délai.",
    )
    accord_prolongation = models.CharField(
        "accord de prolongation", max_length=200, blank=True,
        help_text="Qui a accordé le report de l'échéance, et quand.",
    )
    urgent = models.BooleanField("urgent", default=False)
    motif_urgence = models.CharField("motif de l'urgence", max_length=200, blank=True)
    type_stage = models.CharField(
        "type de stage requis", max_length=10, choices=TypeStage.choices, default=TypeStage.MIXTE
    )
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    nb_reports = models.PositiveSmallIntegerField("reports", default=0)
    nb_absences = models.PositiveSmallIntegerField("absences", default=0)
    observations = models.TextField(
        "observations", blank=True,
        help_text="Informations pratiques seulement (disponibilités, besoin d'interprète…) : "
        "aucun récit des faits ni des antécédents (données judiciaires, RGPD art. 10).",
    )
    motif_sortie = models.CharField(
        "motif (annulation, transfert)", max_length=300, blank=True
    )
    # A transfer goes to another antenne of the network (which then has its own orientation,
    # `origine` pointing back here) or, outside the network, to a written destination.
    antenne_destination = models.ForeignKey(
        Antenne, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="antenne de destination",
    )
    destination = models.CharField(
        "destination hors du réseau", max_length=80, blank=True,
        help_text="Département ou service hors des antennes du réseau.",
    )
    origine = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferts_recus",
        verbose_name="transférée depuis", editable=False,
    )
    # One key per creation (form token or import row): a double submit or a re-import
    # finds the orientation it already created.
    cle_creation = models.CharField(  # noqa: DJ001 (NULL: unique only when there is a key)
        max_length=80, unique=True, null=True, editable=False
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    # The import that created it (`ImportLot`): hidden (EN_IMPORT) until the lot is finished.
    lot = models.ForeignKey("ImportLot", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="orientations", editable=False)
    history = HistoricalRecords(excluded_fields=["cle_creation", "lot"])

    class Meta:
        verbose_name = "orientation"
        indexes = [
            # The waiting list: an antenne's orientations of one status in rank order.
            models.Index(
                fields=["antenne", "statut", "-urgent", "date_orientation", "id"],
                name="orientation_rang_idx",
            ),
            models.Index(fields=["antenne", "echeance"], name="orientation_echeance_idx"),
            # The échéances dashboard (convocations.echeances): the orientations still to
            # convoke of an antenne, by échéance, without reading the closed ones.
            models.Index(fields=["antenne", "echeance"], name="orientation_a_convoquer_idx",
                         condition=Q(statut__in=["en_attente", "convoquee"])),
            # The home page's counts per antenne, read from the index alone.
            models.Index(
                fields=["statut", "antenne", "urgent", "echeance"],
                name="orientation_attente_idx",
            ),
        ]

    def __str__(self):
        return f"{self.personne} — {self.get_cadre_display()} ({date_courte(self.date_orientation)})"

    @property
    def est_volontaire(self) -> bool:
        return self.cadre == Cadre.VOLONTAIRE

    @property
    def est_prolongee(self) -> bool:
        return self.echeance != self.echeance_initiale

    # The statuses as templates ask for them, from the enum rather than spelled again.
    @property
    def est_en_attente(self) -> bool:
        return self.statut == Statut.EN_ATTENTE

    @property
    def est_ouverte(self) -> bool:
        return self.statut in STATUTS_OUVERTS

    @property
    def est_reouvrable(self) -> bool:
        return self.statut in STATUTS_REOUVRABLES

    @property
    def est_non_mixte(self) -> bool:
        return self.type_stage == TypeStage.FEMMES

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        orientation = super().from_db(db, field_names, values, **kwargs)
        orientation._echeance_enregistree = orientation.__dict__.get("echeance")
        return orientation

    def depart_du_delai(self) -> date | None:
        return depart_du_delai(**{nom: getattr(self, nom) for nom in DATES_DE_L_ECHEANCE})

    def etat_echeance(self, aujourd_hui: date) -> EtatEcheance:
        return etat_echeance(self.echeance, aujourd_hui)

    def echeance_selon_le_delai(self, **corrections) -> date:
        """The antenne's delay from the date the law counts from, with `corrections` (cadre,
        date_orientation, date_decision, date_definitive) in place of the saved values."""
        valeurs = {nom: getattr(self, nom) for nom in DATES_DE_L_ECHEANCE} | corrections
        return echeance_par_defaut(**valeurs, delai_mois=self.antenne.delai_mois)

    def echeance_apres_correction(self, **corrections) -> date | None:
        """The échéance once the dates it counts from are corrected (a typo in the decision
        date): it follows them when it is the antenne's delay, None when it was typed at
        creation or prolonged with the prescripteur's accord, and so stays as it is."""
        if self.est_prolongee or self.echeance != self.echeance_selon_le_delai():
            return None
        return self.echeance_selon_le_delai(**corrections)

    def _dates_lisibles(self) -> bool:
        """No date out of DATE_MIN–DATE_MAX (their validators said so): the month arithmetic
        below would fail on them."""
        return all(
            valeur is None or DATE_MIN <= valeur <= DATE_MAX
            for valeur in (getattr(self, nom) for nom in DATES_DE_L_ECHEANCE[1:])
        )

    def echeance_completer(self) -> None:
        """The one home of the default échéance: left blank, it is the antenne's delay from the
        date the law counts from, and the initial one is the first one set. Called by clean()
        and by whatever builds orientations without it (demo, test factories)."""
        if not self.echeance and self.date_orientation and self.antenne_id:
            self.echeance = self.echeance_selon_le_delai()
        if self.echeance and not self.echeance_initiale:
            self.echeance_initiale = self.echeance

    def clean(self):
        """The rules every entry path shares: forms, import, services."""
        erreurs = {}
        lisibles = self._dates_lisibles()
        if lisibles:
            self.echeance_completer()
        # Only a new or changed échéance: an old one kept as it was blocks no other change.
        nouvelle = self.echeance != getattr(self, "_echeance_enregistree", None)
        if self.echeance and nouvelle and lisibles:
            erreurs |= self._erreurs_echeance_lointaine()
        if self.date_orientation and self.date_orientation > timezone.localdate():
            erreurs["date_orientation"] = "La date d'orientation ne peut pas être dans le futur."
        if self.date_decision and self.date_orientation and self.date_decision > self.date_orientation:
            erreurs["date_decision"] = (
                "La date de la décision ne peut pas être postérieure à la date d'orientation."
            )
        if self.cadre == Cadre.PEINE and not self.date_definitive:
            erreurs["date_definitive"] = (
                "Pour une peine de stage, le délai de six mois court à compter de la date à "
                "laquelle la condamnation est définitive : indiquez cette date."
            )
        if self.date_definitive and self.date_definitive > timezone.localdate():
            erreurs["date_definitive"] = (
                "La condamnation ne peut pas être devenue définitive dans le futur."
            )
        elif self.date_definitive and self.date_decision and self.date_definitive < self.date_decision:
            erreurs["date_definitive"] = (
                "La condamnation ne peut pas devenir définitive avant la décision."
            )
        debut = self.date_definitive or self.date_decision
        if self.echeance and debut and self.echeance < debut:
            erreurs["echeance"] = "L'échéance ne peut pas précéder la date de la décision."
        if self.echeance_initiale and self.echeance and self.echeance_initiale > self.echeance:
            erreurs["echeance_initiale"] = (
                "L'échéance initiale ne peut pas être postérieure à l'échéance (prolongée)."
            )
        if self.cadre == Cadre.VOLONTAIRE and self.prescripteur_id:
            erreurs["prescripteur"] = "Une démarche volontaire n'a pas de prescripteur."
        elif self.cadre and self.cadre != Cadre.VOLONTAIRE and not self.prescripteur_id:
            erreurs["prescripteur"] = "Indiquez le prescripteur de cette mesure judiciaire."
        if self.cadre and self.cadre != Cadre.VOLONTAIRE and not self.date_decision:
            erreurs["date_decision"] = "Indiquez la date de la décision judiciaire."
        if self.urgent and not self.motif_urgence.strip():
            erreurs["motif_urgence"] = "Indiquez le motif de l'urgence (réorientation, parquet…)."
        if self.prescripteur_id and self.antenne_id and self.prescripteur.antenne_id != self.antenne_id:
            erreurs["prescripteur"] = "Ce prescripteur n'appartient pas à votre antenne."
        erreurs |= self._erreurs_destination()
        if erreurs:
            raise ValidationError(erreurs)

    def _erreurs_echeance_lointaine(self) -> dict[str, str]:
        """A typo such as 2072 for 2027 is refused; a real long delay needs a justification."""
        depart = self.depart_du_delai()
        if not depart or self.echeance <= ajouter_mois(depart, ECHEANCE_MAX_MOIS):
            return {}
        if self.justification_echeance.strip():
            return {}
        return {"echeance": (
            f"L'échéance du {date_courte(self.echeance)} est à plus de {ECHEANCE_MAX_MOIS} mois "
            f"du {date_courte(depart)}, date d'où court le délai : vérifiez l'année, ou "
            "justifiez ce délai."
        )}

    def _erreurs_destination(self) -> dict[str, str]:
        """A transfer names where it goes: an antenne of the network, or a place outside it."""
        if self.statut != Statut.TRANSFEREE:
            if self.antenne_destination_id or self.destination:
                return {"destination": "Seul un transfert a une destination."}
            return {}
        if self.antenne_destination_id and self.destination.strip():
            return {"destination": (
                "Choisissez une antenne du réseau ou une destination hors du réseau, pas les deux."
            )}
        if self.antenne_destination_id and self.antenne_destination_id == self.antenne_id:
            return {"antenne_destination": "L'orientation est déjà dans cette antenne."}
        if not self.antenne_destination_id and not self.destination.strip():
            return {"destination": (
                "Indiquez la destination du transfert : une antenne du réseau, ou le "
                "département ou service hors du réseau."
            )}
        return {}

# What the default échéance is computed from (see `echeance_par_defaut`).
DATES_DE_L_ECHEANCE = ("cadre", "date_orientation", "date_decision", "date_definitive")


def echeance_par_defaut(
    *, cadre: str, date_orientation: date, date_decision: date | None,
    date_definitive: date | None, delai_mois: int,
) -> date:
    """Six months (the antenne's delay) from the date the law counts from.

    For a peine de stage (C. pén. 131-5-1) the delay runs from the day the conviction
    became final; otherwise from the decision, or from the orientation for a volontaire.
    """
    depart = depart_du_delai(
        cadre=cadre, date_orientation=date_orientation, date_decision=date_decision,
        date_definitive=date_definitive,
    )
    return ajouter_mois(depart, delai_mois)


def depart_du_delai(
    *, cadre: str, date_orientation: date | None, date_decision: date | None,
    date_definitive: date | None,
) -> date | None:
    """The date the delay counts from (see `echeance_par_defaut`)."""
    if cadre == Cadre.PEINE and date_definitive:
        return date_definitive
    return date_decision or date_orientation


class Consultation(models.Model):
    """A read of personal data: who opened which orientation, listed, searched or exported the
    orientations, or was shown the known persons of an identity, and when.
    Judicial data (RGPD art. 10): access to records is traced, and the trace never changes."""

    class Objet(models.TextChoices):
        FICHE = "fiche", "Fiche de l'orientation"
        MODIFICATION = "modification", "Formulaire de modification"
        EXPORT = "export", "Export de la liste d'attente"
        LISTE = "liste", "Liste d'attente ou recherche"
        DOUBLONS = "doublons", "Personnes déjà connues (doublons possibles)"
        APERCU_IMPORT = "apercu_import", "Aperçu d'un import"

    quand = models.DateTimeField("quand", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name="utilisateur",
    )
    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="+")
    orientation = models.ForeignKey(
        Orientation, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
    )
    objet = models.CharField("objet", max_length=20, choices=Objet.choices)
    # What was asked: the list's filters (each at most 100 characters), the identity looked up.
    detail = models.CharField("détail", max_length=1000, blank=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ["-quand", "-id"]
        indexes = [
            models.Index(fields=["antenne", "-quand"], name="consultation_antenne_idx"),
            models.Index(fields=["orientation", "-quand"], name="consultation_orientation_idx"),
        ]

    def __str__(self):
        return f"{self.get_objet_display()} — {self.user} — {self.quand:%d/%m/%Y %H:%M}"


class ImportLot(models.Model):
    """One confirmed import of a file: written in short batches by the worker (or the
    command), all or nothing: its orientations stay hidden until it is finished, and are
    deleted if it fails or dies (`stages.imports.ecriture`)."""

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHOUE = "echoue", "Échoué"

    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="lancé par",
    )
    nom_fichier = models.CharField("fichier", max_length=255)
    # The file itself, until the import ends (then emptied: the rows hold the data).
    contenu = models.BinaryField(editable=False, default=bytes)
    correspondances = models.JSONField(default=dict, blank=True)  # see analyse._Contexte
    a_reprendre = models.JSONField(default=list, blank=True)  # Difference.nom chosen
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    lignes_total = models.PositiveIntegerField("orientations à créer", default=0)
    lignes_faites = models.PositiveIntegerField("orientations écrites", default=0)
    nb_deja_presentes = models.PositiveIntegerField("déjà présentes", default=0)
    message = models.TextField("message", blank=True)
    erreurs = models.JSONField(default=list, blank=True)  # [[ligne, colonne, message], ...]
    cree_le = models.DateTimeField("lancé le", auto_now_add=True)
    # Written at each batch: a lot en cours whose mark is old has died (`ecriture.ABANDON`).
    maj_le = models.DateTimeField("dernier signe de vie", default=timezone.now)
    fini_le = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        verbose_name = "import"
        indexes = [models.Index(fields=["antenne", "etat"], name="import_lot_etat_idx")]

    def __str__(self):
        return f"{self.nom_fichier} ({self.get_etat_display().lower()})"

    @property
    def est_fini(self) -> bool:
        return self.etat in (self.Etat.TERMINE, self.Etat.ECHOUE)

    @property
    def progression(self) -> str:
        """« 12 400 / 20 000 lignes »."""
        def milliers(nombre: int) -> str:
            return f"{nombre:,}".replace(",", "\u202f")

        return f"{milliers(self.lignes_faites)} / {milliers(self.lignes_total)} lignes"


class StatutStage(models.TextChoices):
    PLANIFIE = "planifie", "Planifié"
    CONVOCATIONS_ENVOYEES = "convocations_envoyees", "Convocations envoyées"
    EN_COURS = "en_cours", "En cours"
    CLOS = "clos", "Clos"
    ANNULE = "annule", "Annulé"


# A cancelled or closed stage takes no more convocations.
STATUTS_STAGE_CONVOCABLES = [StatutStage.PLANIFIE, StatutStage.CONVOCATIONS_ENVOYEES]


class Stage(models.Model):
    """A stage of an antenne: its séances (`Seance`), its places and who runs it. Its
    convocations live in the `convocations` app, which imports this one."""

    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="stages")
    type_stage = models.CharField(
        "type de stage", max_length=10, choices=TypeStage.choices, default=TypeStage.MIXTE
    )
    lieu = models.CharField("lieu", max_length=120)
    adresse_lieu = models.TextField("adresse du lieu", blank=True)
    acces_lieu = models.TextField(
        "accès au lieu", blank=True, help_text="Transports, stationnement, étage, code d'entrée…"
    )
    places = models.PositiveSmallIntegerField(
        "places", validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    surreservation = models.PositiveSmallIntegerField(
        "sur-réservation", default=0, validators=[MaxValueValidator(15)],
        help_text="Convocations au-delà des places, pour compenser les absences habituelles.",
    )
    animateurs = models.ManyToManyField(
        Membre, blank=True, related_name="stages_animes", verbose_name="animateur·rices",
        limit_choices_to={"role": Role.ANIMATEUR},
    )
    # Empty: the antenne's fee (`paiements.Tarif`; the rule is `paiements.selectors.tarif_du_stage`).
    tarif = models.DecimalField(
        "tarif (€)", max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(450)],
        help_text="Laisser vide pour le tarif de l'antenne.",
    )
    statut = models.CharField(
        "statut", max_length=30, choices=StatutStage.choices, default=StatutStage.PLANIFIE
    )
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)
    # Why a day holds more than 6 hours of training (R131-36): warned, recorded, not blocked.
    justification_duree = models.CharField(
        "justification d'une journée de plus de 6 heures", max_length=300, blank=True
    )
    # Kept in step with the séances by `stages.planning` (lists sort and filter on them).
    premier_jour = models.DateField("premier jour", null=True, blank=True, editable=False)
    dernier_jour = models.DateField("dernier jour", null=True, blank=True, editable=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["premier_jour", "dernier_jour"])

    class Meta:
        verbose_name = "stage"
        ordering = ["premier_jour", "id"]
        indexes = [models.Index(fields=["antenne", "premier_jour"], name="stage_calendrier_idx")]

    def __str__(self):
        debut = date_courte(self.premier_jour) if self.premier_jour else "sans séance"
        return f"Stage {self.get_type_stage_display().lower()} du {debut} — {self.lieu}"

    @property
    def capacite(self) -> int:
        """The most people that may be convoked at once: places plus over-booking."""
        return self.places + self.surreservation

    @property
    def est_convocable(self) -> bool:
        return self.statut in STATUTS_STAGE_CONVOCABLES


class Seance(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="seances")
    date = models.DateField("date", validators=[date_plausible])
    debut = models.TimeField("début")
    fin = models.TimeField("fin")
    pauses_minutes = models.PositiveSmallIntegerField(
        "pauses (minutes)", default=0, validators=[MaxValueValidator(240)],
        help_text="Temps de pause compris entre le début et la fin, hors formation.",
    )
    module = models.CharField("module", max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "séance"
        ordering = ["date", "debut", "id"]
        indexes = [models.Index(fields=["date", "stage"], name="seance_jour_idx")]

    def __str__(self):
        return f"{date_courte(self.date)} {self.debut:%H:%M}–{self.fin:%H:%M}"

    @property
    def minutes_de_formation(self) -> int:
        """Effective training: the séance's span less its breaks."""
        debut, fin = (t.hour * 60 + t.minute for t in (self.debut, self.fin))
        return max(fin - debut - self.pauses_minutes, 0)

    def clean(self):
        if self.debut is not None and self.fin is not None:
            if self.fin <= self.debut:
                raise ValidationError({"fin": "La fin de la séance doit être après son début."})
            if self.minutes_de_formation <= 0:
                raise ValidationError({"pauses_minutes": "Les pauses dépassent la durée de la séance."})
