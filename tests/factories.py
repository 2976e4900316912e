"""Small factory functions: one realistic object per call, every field overridable."""

from datetime import date, time
from itertools import count

from django.contrib.auth import get_user_model

from stages.models import (
    Antenne,
    Cadre,
    Membre,
    Orientation,
    Personne,
    Prescripteur,
    Role,
    Seance,
    Stage,
    Statut,
    TypePrescripteur,
)

_numero = count(1)


def creer_antenne(**champs) -> Antenne:
    n = next(_numero)
    valeurs = {"code": f"antenne-{n}", "nom": f"Antenne {n}", "departement": "66"}
    return Antenne.objects.create(**(valeurs | champs))


def creer_utilisateur(role: str = Role.SECRETARIAT, antenne: Antenne | None = None, **champs):
    n = next(_numero)
    user = get_user_model().objects.create_user(
        champs.pop("username", f"user{n}"), password=champs.pop("password", "mot-de-passe-long-1"),
        **champs,
    )
    Membre.objects.create(
        user=user, role=role, antenne=None if role == Role.COORDINATION else antenne
    )
    return user


def creer_prescripteur(antenne: Antenne, **champs) -> Prescripteur:
    n = next(_numero)
    valeurs = {"nom": f"Parquet {n}", "type": TypePrescripteur.PARQUET,
               "email": f"parquet{n}@justice.invalid"}
    return Prescripteur.objects.create(antenne=antenne, **(valeurs | champs))


def creer_personne(antenne: Antenne, **champs) -> Personne:
    n = next(_numero)
    valeurs = {"nom": f"Nom{n}", "prenom": f"Prénom{n}", "sexe": "M",
               "date_naissance": date(1980, 1, 1), "telephone": "+33612345678"}
    return Personne.objects.create(antenne=antenne, **(valeurs | champs))


def creer_orientation(antenne: Antenne, **champs) -> Orientation:
    if "personne" not in champs:
        champs["personne"] = creer_personne(antenne)
    cadre = champs.setdefault("cadre", Cadre.ALTERNATIVE)
    if "prescripteur" not in champs and cadre != Cadre.VOLONTAIRE:
        champs["prescripteur"] = creer_prescripteur(antenne)
    champs.setdefault("date_orientation", date(2026, 9, 1))
    champs.setdefault("date_decision", date(2026, 8, 20))
    orientation = Orientation(antenne=antenne, **champs)
    orientation.echeance_completer()
    orientation.save()
    return orientation


def creer_stage(antenne: Antenne, jours=(date(2026, 12, 14), date(2026, 12, 15)), **champs) -> Stage:
    """A stage of one séance a day, 9 h–17 h with an hour's break (6 hours of training)."""
    valeurs = {"lieu": "Maison des associations", "adresse_lieu": "2 rue de la Paix\n66000 Perpignan",
               "places": antenne.places_defaut, "surreservation": antenne.surreservation_defaut}
    stage = Stage.objects.create(antenne=antenne, premier_jour=min(jours, default=None),
                                 dernier_jour=max(jours, default=None), **(valeurs | champs))
    for jour in jours:
        Seance.objects.create(stage=stage, date=jour, debut=time(9), fin=time(17), pauses_minutes=120)
    return stage


def creer_convocation(orientation: Orientation, stage: Stage, **champs):
    """An open convocation, its orientation marked convoquée (as `orientation_convoquer` does)."""
    from convocations.models import Convocation

    Orientation.objects.filter(pk=orientation.pk).update(statut=Statut.CONVOQUEE)
    orientation.refresh_from_db()
    return Convocation.objects.create(orientation=orientation, stage=stage, **champs)


def dans_l_antenne(antenne) -> dict:
    """The hidden field of a staff form opened in `antenne` (see access.meme_antenne)."""
    from stages.access import CHAMP_ANTENNE

    return {CHAMP_ANTENNE: str(antenne.pk)}


def creer_tarif(antenne: Antenne, *, tranches: dict | None = None, **champs):
    """The antenne's fee setting; `tranches`: {"RSA": 50, ...} its reduced brackets."""
    from paiements.models import Tarif, TrancheReduite

    tarif = Tarif.objects.create(antenne=antenne, **champs)
    for libelle, montant in (tranches or {}).items():
        TrancheReduite.objects.create(tarif=tarif, libelle=libelle, montant=montant)
    return tarif


def creer_paiement(orientation: Orientation, montant, *, par=None, mode="especes", jour=date(2026, 12, 1),
                   **champs):
    """A payment recorded through the service (with its numbered receipt)."""
    from decimal import Decimal

    from paiements.services import paiement_enregistrer

    paiement, _ = paiement_enregistrer(orientation=orientation, date_paiement=jour, montant_=Decimal(montant),
                                       mode=mode, par=par, **champs)
    return paiement
