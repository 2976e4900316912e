"""Writes on orientations: creation, deadline extension and correction, urgency, exits
(cancellation, transfer within the network or outside it) and reopening.

Every change of personal data is saved through simple-history: the web request's user is
recorded by its middleware, and the reason given by staff goes in `_change_reason`.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.utils.text import Truncator
from simple_history.utils import bulk_update_with_history

from commun.chronologie import MOTIF_CREATION
from commun.idempotence import creer_une_fois
from stages.dates import date_courte
from stages.historique import valeur_affichee
from stages.identite import meme_orientation, memes_personnes
from stages.models import (
    STATUTS_OUVERTS,
    STATUTS_REOUVRABLES,
    Antenne,
    Consultation,
    Orientation,
    Personne,
    Prescripteur,
    Statut,
)

# simple-history keeps the reason in a 100-character column (longer raises a DataError on
# PostgreSQL); the full text of urgency and exit reasons stays in the orientation's own fields.
RAISON_MAX = Orientation.history.model._meta.get_field("history_change_reason").max_length
PREFIXE_PROLONGATION = "Échéance prolongée : "
PREFIXE_CORRECTION = "Échéance corrigée : "
PREFIXE_REOUVERTURE = "Rouverte : "
# These reasons live only in the history: the forms keep them within the column.
MOTIF_PROLONGATION_MAX = RAISON_MAX - len(PREFIXE_PROLONGATION)
MOTIF_CORRECTION_MAX = RAISON_MAX - len(PREFIXE_CORRECTION)
MOTIF_REOUVERTURE_MAX = RAISON_MAX - len(PREFIXE_REOUVERTURE)


class OrientationEnDouble(ValidationError):
    """The person has this orientation already (`identite.meme_orientation`)."""

    def __init__(self, orientation: Orientation):
        reference = f", référence « {orientation.reference} »" if orientation.reference else ""
        super().__init__(
            f"Cette personne a déjà cette orientation ({orientation.get_cadre_display()}, "
            f"orientée le {date_courte(orientation.date_orientation)}{reference}) : elle n'a "
            "pas été créée une seconde fois."
        )
        self.orientation = orientation


def enregistrer_avec_motif(objet, motif: str = "") -> None:
    """Validate and save `objet`, its history record carrying `motif` (cut to the column)."""
    objet._change_reason = Truncator(motif).chars(RAISON_MAX)
    objet.full_clean()
    objet.save()


@transaction.atomic
def orientation_creer(
    *, personne: Personne, orientation: Orientation, cle_creation: str | None = None,
) -> tuple[Orientation, bool]:
    """Save a new orientation (and its person if new); returns (orientation, created).

    The échéance defaults to the antenne's delay from the date the law counts from. A second
    call with the same `cle_creation` (double submit, re-import) returns the first orientation;
    the same orientation of the same person otherwise (the fiche typed again) raises
    OrientationEnDouble, whatever the path.
    """
    def creer() -> Orientation:
        if personne.pk is None:
            enregistrer_avec_motif(personne, MOTIF_CREATION)
        else:
            # Her row locked: two entries of the same fiche at once are checked in turn.
            Personne.objects.select_for_update().filter(pk=personne.pk).first()
            if deja := meme_orientation(orientation, personne):
                raise OrientationEnDouble(deja)
        orientation.personne = personne
        orientation.antenne = personne.antenne
        # Its clean() computes a blank échéance and, unless an import of a list where it
        # had been prolonged gives it, the initial échéance.
        enregistrer_avec_motif(orientation, MOTIF_CREATION)
        return orientation

    orientation.cle_creation = cle_creation or None
    if not cle_creation:
        return creer(), True
    # Two identical submits racing: the loser's new person is rolled back with its savepoint.
    return creer_une_fois(Orientation, cle={"cle_creation": cle_creation}, creer=creer)


def _verrouiller_ouverte(orientation: Orientation) -> Orientation:
    """Lock the row so that two staff members acting at once apply their changes in turn."""
    fraiche = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if fraiche.statut not in STATUTS_OUVERTS:
        raise ValidationError(
            f"Cette orientation est « {fraiche.get_statut_display().lower()} » : "
            "elle ne peut plus être modifiée."
        )
    return fraiche


@dataclass(frozen=True)
class Saisie:
    """A field staff changed in an edit form: the value shown when the form was opened
    (as the model stores it) and the one typed."""

    vue: object
    nouvelle: object


CONFLIT = "modifie_entre_temps"


def _comparable(valeur):
    if isinstance(valeur, Model):
        return valeur.pk
    if isinstance(valeur, str):  # browsers send textarea line breaks as CRLF
        return valeur.replace("\r\n", "\n").strip()
    return valeur


def _affichee(champ: Field, valeur) -> str:
    prescripteurs = Prescripteur.objects.in_bulk([valeur]) if champ.is_relation and valeur else {}
    return valeur_affichee(champ, valeur, prescripteurs)


def _conflits(objet, saisies: dict[str, Saisie]) -> dict[str, ValidationError]:
    """Fields staff changed that a colleague also changed, to another value, since the form
    was opened."""
    conflits = {}
    for nom, saisie in saisies.items():
        champ = objet._meta.get_field(nom)
        enregistree = champ.value_from_object(objet)
        if _comparable(enregistree) not in (_comparable(saisie.vue), _comparable(saisie.nouvelle)):
            conflits[nom] = ValidationError(
                "Modifié entre-temps par un collègue : la valeur enregistrée est maintenant "
                "« %(affichee)s ». Vérifiez, puis enregistrez à nouveau pour garder la vôtre.",
                code=CONFLIT,
                params={"affichee": _affichee(champ, enregistree), "enregistree": enregistree},
            )
    return conflits


@transaction.atomic
def orientation_modifier(
    *, orientation: Orientation, champs_orientation: dict[str, Saisie],
    champs_personne: dict[str, Saisie],
) -> Orientation:
    """Staff corrections of the orientation and its person, applied together.

    Only the fields staff changed are applied, on the locked rows: a colleague's change of
    another field made meanwhile (an extended deadline, a new phone number) is kept, and a
    change of the same field is refused rather than silently overwritten. An object left
    unchanged writes no history. The échéance changes here only when it follows corrected
    dates (`Orientation.echeance_apres_correction`); otherwise see `echeance_prolonger`.
    """
    orientation = _verrouiller_ouverte(orientation)
    personne = Personne.objects.select_for_update().get(pk=orientation.personne_id)
    a_appliquer = ((personne, champs_personne), (orientation, champs_orientation))
    if conflits := {
        nom: erreur for objet, saisies in a_appliquer
        for nom, erreur in _conflits(objet, saisies).items()
    }:
        raise ValidationError(conflits)
    for objet, saisies in a_appliquer:
        if saisies:
            for nom, saisie in saisies.items():
                setattr(objet, nom, saisie.nouvelle)
            enregistrer_avec_motif(objet, "Modification")
    return orientation


def _enregistrer_echeance(
    orientation: Orientation, echeance: date, justification: str, motif: str,
) -> Orientation:
    """A new échéance; the model refuses one too far from the date it counts from unless
    justified, and its refusal is shown next to the échéance typed."""
    orientation.echeance = echeance
    orientation.justification_echeance = justification
    try:
        enregistrer_avec_motif(orientation, motif)
    except ValidationError as erreur:
        champs = getattr(erreur, "error_dict", {})
        if "echeance" in champs:
            champs["nouvelle_echeance"] = champs.pop("echeance")
        raise
    return orientation


@transaction.atomic
def personne_corriger(*, personne: Personne, valeurs: dict, motif: str) -> Personne:
    """Some of a person's values replaced (taken from an imported file), with their history."""
    personne = Personne.objects.select_for_update().get(pk=personne.pk)
    for nom, valeur in valeurs.items():
        setattr(personne, nom, valeur)
    enregistrer_avec_motif(personne, motif)
    return personne


@transaction.atomic
def echeance_prolonger(
    *, orientation: Orientation, nouvelle_echeance: date, motif: str, accord: str,
    justification_echeance: str = "",
) -> Orientation:
    """A later deadline, only with the prescripteur's agreement and a reason (kept in history)."""
    orientation = _verrouiller_ouverte(orientation)
    if nouvelle_echeance <= orientation.echeance:
        raise ValidationError(
            {"nouvelle_echeance": "La nouvelle échéance doit être postérieure à l'actuelle "
             f"({date_courte(orientation.echeance)})."}
        )
    orientation.accord_prolongation = accord
    motif = f"{PREFIXE_PROLONGATION}{motif}"
    return _enregistrer_echeance(orientation, nouvelle_echeance, justification_echeance, motif)


@transaction.atomic
def echeance_corriger(
    *, orientation: Orientation, nouvelle_echeance: date, motif: str,
    justification_echeance: str = "",
) -> Orientation:
    """A mistyped échéance put right, earlier or later, with a reason kept in the history.

    Never prolonged, the échéance was typed so at creation: the initial one is corrected
    with it. Once prolonged, only the prolongation is corrected.
    """
    orientation = _verrouiller_ouverte(orientation)
    if nouvelle_echeance == orientation.echeance:
        raise ValidationError({"nouvelle_echeance": "C'est déjà l'échéance enregistrée."})
    if not orientation.est_prolongee:
        orientation.echeance_initiale = nouvelle_echeance
    motif = f"{PREFIXE_CORRECTION}{motif}"
    return _enregistrer_echeance(orientation, nouvelle_echeance, justification_echeance, motif)


@transaction.atomic
def orientation_marquer_urgente(
    *, orientation: Orientation, urgent: bool, motif: str = "",
) -> Orientation:
    orientation = _verrouiller_ouverte(orientation)
    orientation.urgent = urgent
    orientation.motif_urgence = motif if urgent else ""
    enregistrer_avec_motif(orientation, f"Urgence : {motif}" if urgent else "Urgence levée")
    return orientation


@transaction.atomic
def orientation_sortir(
    *, orientation: Orientation, statut: Statut, motif: str,
    antenne_destination: Antenne | None = None, destination: str = "",
) -> Orientation:
    """Cancel (with the parquet's agreement) or transfer: never delete. A transfer to an
    antenne of the network gives that antenne its own orientation (`_transferer`); one
    outside the network names its destination and only closes this one."""
    if statut not in STATUTS_REOUVRABLES:
        raise ValueError(statut)
    orientation = _verrouiller_ouverte(orientation)
    orientation.statut = statut
    orientation.motif_sortie = motif
    orientation.antenne_destination = antenne_destination
    orientation.destination = destination
    vers = f" vers {antenne_destination.nom}" if antenne_destination else (
        f" vers {destination}" if destination else "")
    enregistrer_avec_motif(orientation, f"{statut.label}{vers} : {motif}")
    if antenne_destination:
        _transferer(orientation, antenne_destination, motif)
    return orientation


def _transferer(origine: Orientation, antenne: Antenne, motif: str) -> Orientation:
    """The receiving antenne's own orientation: the same person there (or a copy), the same
    prescripteur there (or a copy), the original date d'orientation (so its rank) and échéance."""
    source = origine.personne
    personne = memes_personnes(
        antenne=antenne, nom=source.nom, prenom=source.prenom,
        date_naissance=source.date_naissance,
    ).order_by("pk").first()
    raison = f"Transférée depuis {origine.antenne.nom} : {motif}"
    if personne is None:
        # Names normalised anew by save(), which then indexes the copy's words.
        personne = _copie(source, antenne=antenne, nom_normalise="", prenom_normalise="")
        enregistrer_avec_motif(personne, raison)
    prescripteur = None
    if origine.prescripteur:
        prescripteur = (
            Prescripteur.objects.filter(antenne=antenne, nom=origine.prescripteur.nom).first()
            or _copie(origine.prescripteur, antenne=antenne)
        )
        if prescripteur.pk is None:
            enregistrer_avec_motif(prescripteur, raison)
    recue = _copie(
        origine, antenne=antenne, personne=personne, prescripteur=prescripteur,
        statut=Statut.EN_ATTENTE, motif_sortie="", antenne_destination=None, destination="",
        origine=origine, cle_creation=None,
    )
    enregistrer_avec_motif(recue, raison)
    return recue


def _copie(objet: Model, **champs) -> Model:
    """An unsaved copy of `objet` with `champs` changed (a new row once saved)."""
    copie = type(objet)(**{
        champ.attname: getattr(objet, champ.attname)
        for champ in objet._meta.concrete_fields if not champ.primary_key
    })
    for nom, valeur in champs.items():
        setattr(copie, nom, valeur)
    return copie


@transaction.atomic
def orientation_rouvrir(*, orientation: Orientation, motif: str) -> Orientation:
    """Undo a transfer or a cancellation made by mistake: back on the waiting list at its
    original rank (its date d'orientation never changed). The orientation a transfer gave
    another antenne of the network is cancelled with it, unless that antenne has already
    convoked the person."""
    orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if orientation.statut not in STATUTS_REOUVRABLES:
        raise ValidationError(
            f"Cette orientation est « {orientation.get_statut_display().lower()} » : seule "
            "une orientation transférée ou annulée peut être rouverte."
        )
    raison = f"{PREFIXE_REOUVERTURE}{motif}"
    if orientation.antenne_destination_id:
        recue = (
            Orientation.objects.select_for_update()
            .filter(origine=orientation, statut__in=STATUTS_OUVERTS).order_by("-pk").first()
        )
        if recue and recue.statut != Statut.EN_ATTENTE:
            raise ValidationError(
                f"L'antenne {orientation.antenne_destination.nom} a déjà convoqué la personne "
                "transférée : l'orientation ne peut plus être rouverte ici."
            )
        if recue:
            recue.statut = Statut.ANNULEE
            recue.motif_sortie = f"Transfert annulé par {orientation.antenne.nom} : {motif}"
            enregistrer_avec_motif(recue, recue.motif_sortie)
    orientation.statut = Statut.EN_ATTENTE
    orientation.motif_sortie = orientation.destination = ""
    orientation.antenne_destination = None
    enregistrer_avec_motif(orientation, raison)
    return orientation


@transaction.atomic
def prescripteur_creer(*, antenne: Antenne, prescripteur: Prescripteur) -> Prescripteur:
    prescripteur.antenne = antenne
    enregistrer_avec_motif(prescripteur, MOTIF_CREATION)
    return prescripteur


@transaction.atomic
def prescripteur_modifier(*, prescripteur: Prescripteur) -> Prescripteur:
    """Name, kind, e-mail, address as corrected in the form."""
    enregistrer_avec_motif(prescripteur, "Modification")
    return prescripteur


@transaction.atomic
def prescripteur_desactiver(*, prescripteur: Prescripteur, motif: str) -> Prescripteur:
    """No longer offered for new orientations; existing orientations keep it."""
    prescripteur = Prescripteur.objects.select_for_update().get(pk=prescripteur.pk)
    if not prescripteur.actif:
        raise ValidationError("Ce prescripteur est déjà désactivé.")
    prescripteur.actif, prescripteur.motif_desactivation = False, motif
    enregistrer_avec_motif(prescripteur, f"Désactivation : {motif}")
    return prescripteur


@transaction.atomic
def prescripteur_reactiver(*, prescripteur: Prescripteur) -> Prescripteur:
    """Offered again for new orientations (a merged one no longer points to the kept one)."""
    prescripteur = Prescripteur.objects.select_for_update().get(pk=prescripteur.pk)
    if prescripteur.actif:
        raise ValidationError("Ce prescripteur est déjà actif.")
    prescripteur.actif, prescripteur.motif_desactivation = True, ""
    prescripteur.fusionne_dans = None
    enregistrer_avec_motif(prescripteur, "Réactivation")
    return prescripteur


@transaction.atomic
def prescripteur_fusionner(
    *, conserve: Prescripteur, doublon: Prescripteur, motif: str,
) -> int:
    """Two records of the same prescripteur: every orientation of `doublon` moves to
    `conserve`, and `doublon` is deactivated (never deleted). Each side and each moved
    orientation keeps the reason in its history. Returns the number of orientations moved."""
    # Both rows locked in a fixed order: two merges of the same pair never deadlock.
    verrouilles = Prescripteur.objects.select_for_update().in_bulk([conserve.pk, doublon.pk])
    conserve, doublon = verrouilles[conserve.pk], verrouilles.get(doublon.pk, doublon)
    if conserve.pk == doublon.pk:
        raise ValidationError({"autre": "Choisissez deux prescripteurs différents."})
    if conserve.antenne_id != doublon.antenne_id:
        raise ValidationError({"autre": "Ce prescripteur n'appartient pas à votre antenne."})
    if not conserve.actif:
        raise ValidationError({"conserve": (
            f"« {conserve} » est désactivé : réactivez-le d'abord, ou conservez l'autre."
        )})
    if doublon.fusionne_dans_id:
        raise ValidationError({"autre": f"« {doublon} » a déjà été fusionné dans un autre."})
    # The history column is short: the names are in each record's change, the full reason
    # in the doublon's `motif_desactivation`.
    raison = Truncator(f"Fusion : {motif}").chars(RAISON_MAX)
    orientations = list(Orientation.objects.select_for_update().filter(prescripteur=doublon))
    for orientation in orientations:
        orientation.prescripteur = conserve
    # The web request's user is recorded by simple-history's middleware, as for save().
    bulk_update_with_history(
        orientations, Orientation, ["prescripteur"], default_change_reason=raison,
    )
    doublon.actif, doublon.motif_desactivation = False, motif
    doublon.fusionne_dans = conserve
    enregistrer_avec_motif(doublon, raison)
    # A record without change on the kept side, which names the other.
    enregistrer_avec_motif(conserve, f"Fusion de « {doublon} » : {motif}")
    return len(orientations)


def tracer_consultation(
    request, objet: Consultation.Objet, *, orientation: Orientation | None = None, detail: str = "",
) -> None:
    """Keep who read which personal data of the antenne in force, and when: one row per
    request that shows some (RGPD art. 10, access to records is traced). Not atomic on
    purpose: a single INSERT, in the request's own transaction if any."""
    # The detail echoes what was typed: a NUL byte, which PostgreSQL refuses in text, is
    # shown as the replacement character rather than breaking the request.
    detail = detail.replace("\x00", "\ufffd")
    Consultation.objects.create(
        user=request.user, antenne=request.acces.antenne, orientation=orientation, objet=objet,
        detail=Truncator(detail).chars(Consultation._meta.get_field("detail").max_length),
    )
