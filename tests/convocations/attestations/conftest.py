from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from convocations.services.presences import presence_marquer
from stages.models import Prescripteur, Sexe
from tests.factories import (
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_stage,
)
from tests.smtp import serveur_smtp  # noqa: F401 (fixture)

PARIS = ZoneInfo("Europe/Paris")
# After the last séance of the default stage (14-15 décembre 2026).
APRES = datetime(2026, 12, 15, 18, tzinfo=PARIS)
# When the attestations are issued (their number carries the year).
EMISE = datetime(2026, 12, 15, 17, 30, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def dossier_attestations(settings, tmp_path):
    """The issued PDFs go to a temporary private folder."""
    settings.ATTESTATIONS_DIR = tmp_path / "prive" / "attestations"
    return settings.ATTESTATIONS_DIR


@pytest.fixture
def antenne(db):
    from tests.factories import creer_antenne

    return creer_antenne(code="perpignan", nom="Antenne de Perpignan", signataire="Marie Durand",
                         adresse="12 rue des Œillets\n66000 Perpignan", telephone="04 68 00 00 00")


@pytest.fixture
def stage(antenne):
    return creer_stage(antenne)


def convoquer(stage, *, nom="Lefèvre", prenom="Gaëlle", email_prescripteur="parquet@justice.invalid",
              adresse_prescripteur="", prescripteur=True, reference="PR-2026-0042"):
    antenne = stage.antenne
    personne = creer_personne(antenne, nom=nom, prenom=prenom, sexe=Sexe.FEMME,
                              date_naissance=date(1985, 3, 9))
    champs = {"personne": personne, "reference": reference}
    if prescripteur:
        nom_prescripteur = "Parquet de Perpignan" if email_prescripteur else "SPIP des Pyrénées-Orientales"
        existant = Prescripteur.objects.filter(antenne=antenne, nom=nom_prescripteur).first()
        champs["prescripteur"] = existant or creer_prescripteur(
            antenne, nom=nom_prescripteur, email=email_prescripteur, adresse=adresse_prescripteur)
    else:
        champs["cadre"] = "volontaire"
    return creer_convocation(creer_orientation(antenne, **champs), stage)


def marquer(convocation, statuts=("present", "present"), minutes=None):
    """Mark each séance of the convocation's stage, in order."""
    for seance, statut in zip(convocation.stage.seances.all(), statuts, strict=False):
        presence_marquer(seance=seance, convocation=convocation, statut=statut, minutes=minutes,
                         maintenant=APRES)
    convocation.refresh_from_db()
    return convocation


@pytest.fixture
def effectuee(stage):
    """A convocation whose person attended both séances."""
    return marquer(convoquer(stage))
