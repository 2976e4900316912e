"""Writes on orientations: creation, deadline extension, urgency, exits.

Every change of personal data is saved through simple-history: the web request's user is
recorded by its middleware, and the reason given by staff goes in `_change_reason`.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field, Model
from django.utils.text import Truncator
from simple_history.utils import bulk_update_with_history

from stages.dates import date_courte
from stages.historique import valeur_affichee
from stages.identite import meme_orientation
from stages.models import (
    STATUTS_OUVERTS,
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
# The reason of an extension lives only in the history: the form keeps it within the column.
MOTIF_PROLONGATION_MAX = RAISON_MAX - len(PREFIXE_PROLONGATION)


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


def _enregistrer(objet, motif: str = "") -> None:
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
    if cle_creation:
        deja = Orientation.objects.filter(cle_creation=cle_creation).first()
        if deja:
            return deja, False
    orientation.cle_creation = cle_creation or None
    try:
        with transaction.atomic():
            if personne.pk is None:
                _enregistrer(personne, "Création")
            else:
                # Her row locked: two entries of the same fiche at once are checked in turn.
                Personne.objects.select_for_update().filter(pk=personne.pk).first()
                if deja := meme_orientation(orientation, personne):
                    raise OrientationEnDouble(deja)
            orientation.personne = personne
            orientation.antenne = personne.antenne
            if not orientation.echeance:
                orientation.echeance = orientation.echeance_selon_le_delai()
            # Given by an import of a list where it had been prolonged.
            orientation.echeance_initiale = orientation.echeance_initiale or orientation.echeance
            _enregistrer(orientation, "Création")
    except (IntegrityError, ValidationError):
        # Two identical submits raced past the check above: the other one won (seen by the
        # unique index, or by full_clean's unique check when it committed just before), and
        # this one's new person is rolled back with it.
        if cle_creation and (gagnante := Orientation.objects.filter(cle_creation=cle_creation).first()):
            return gagnante, False
        raise
    return orientation, True


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
            _enregistrer(objet, "Modification")
    return orientation


@transaction.atomic
def personne_corriger(*, personne: Personne, valeurs: dict, motif: str) -> Personne:
    """Some of a person's values replaced (taken from an imported file), with their history."""
    personne = Personne.objects.select_for_update().get(pk=personne.pk)
    for nom, valeur in valeurs.items():
        setattr(personne, nom, valeur)
    _enregistrer(personne, motif)
    return personne


@transaction.atomic
def echeance_prolonger(
    *, orientation: Orientation, nouvelle_echeance: date, motif: str, accord: str,
) -> Orientation:
    """A later deadline, only with the prescripteur's agreement and a reason (kept in history)."""
    orientation = _verrouiller_ouverte(orientation)
    if nouvelle_echeance <= orientation.echeance:
        raise ValidationError(
            {"nouvelle_echeance": "La nouvelle échéance doit être postérieure à l'actuelle "
             f"({date_courte(orientation.echeance)})."}
        )
    orientation.echeance = nouvelle_echeance
    orientation.accord_prolongation = accord
    _enregistrer(orientation, f"{PREFIXE_PROLONGATION}{motif}")
    return orientation


@transaction.atomic
def orientation_marquer_urgente(
    *, orientation: Orientation, urgent: bool, motif: str = "",
) -> Orientation:
    orientation = _verrouiller_ouverte(orientation)
    orientation.urgent = urgent
    orientation.motif_urgence = motif if urgent else ""
    _enregistrer(orientation, f"Urgence : {motif}" if urgent else "Urgence levée")
    return orientation


@transaction.atomic
def orientation_sortir(
    *, orientation: Orientation, statut: Statut, motif: str,
) -> Orientation:
    """Transfer to another département or cancel (with the parquet's agreement): never delete."""
    if statut not in (Statut.TRANSFEREE, Statut.ANNULEE):
        raise ValueError(statut)
    orientation = _verrouiller_ouverte(orientation)
    orientation.statut = statut
    orientation.motif_sortie = motif
    _enregistrer(orientation, f"{statut.label} : {motif}")
    return orientation


@transaction.atomic
def prescripteur_creer(*, antenne: Antenne, prescripteur: Prescripteur) -> Prescripteur:
    prescripteur.antenne = antenne
    _enregistrer(prescripteur, "Création")
    return prescripteur


@transaction.atomic
def prescripteur_modifier(*, prescripteur: Prescripteur) -> Prescripteur:
    """Name, kind, e-mail, address as corrected in the form."""
    _enregistrer(prescripteur, "Modification")
    return prescripteur


@transaction.atomic
def prescripteur_desactiver(*, prescripteur: Prescripteur, motif: str) -> Prescripteur:
    """No longer offered for new orientations; existing orientations keep it."""
    prescripteur = Prescripteur.objects.select_for_update().get(pk=prescripteur.pk)
    if not prescripteur.actif:
        raise ValidationError("Ce prescripteur est déjà désactivé.")
    prescripteur.actif, prescripteur.motif_desactivation = False, motif
    _enregistrer(prescripteur, f"Désactivation : {motif}")
    return prescripteur


@transaction.atomic
def prescripteur_reactiver(*, prescripteur: Prescripteur) -> Prescripteur:
    """Offered again for new orientations (a merged one no longer points to the kept one)."""
    prescripteur = Prescripteur.objects.select_for_update().get(pk=prescripteur.pk)
    if prescripteur.actif:
        raise ValidationError("Ce prescripteur est déjà actif.")
    prescripteur.actif, prescripteur.motif_desactivation = True, ""
    prescripteur.fusionne_dans = None
    _enregistrer(prescripteur, "Réactivation")
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
    _enregistrer(doublon, raison)
    # A record without change on the kept side, which names the other.
    _enregistrer(conserve, f"Fusion de « {doublon} » : {motif}")
    return len(orientations)


def tracer_consultation(
    request, objet: Consultation.Objet, *, orientation: Orientation | None = None, detail: str = "",
) -> None:
    """Keep who read which personal data of the antenne in force, and when: one row per
    request that shows some (RGPD art. 10, access to records is traced). Not atomic on
    purpose: a single INSERT, in the request's own transaction if any."""
    Consultation.objects.create(
        user=request.user, antenne=request.acces.antenne, orientation=orientation, objet=objet,
        detail=Truncator(detail).chars(Consultation._meta.get_field("detail").max_length),
    )
