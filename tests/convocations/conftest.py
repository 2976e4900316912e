from datetime import date, time

import pytest

from stages.models import Cadre, Prescripteur, Sexe
from tests.factories import (
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_stage,
)
from tests.smtp import serveur_smtp  # noqa: F401 (fixture)


@pytest.fixture
def stage(antenne):
    antenne.adresse = "12 rue des Œillets\n66000 Perpignan"
    antenne.telephone = "04 68 00 00 00"
    antenne.email = "perpignan@cpca.invalid"
    antenne.signataire = "Marie Durand"
    antenne.tarif_defaut = 1200
    antenne.save()
    stage = creer_stage(
        antenne, jours=(date(2026, 12, 14), date(2026, 12, 15)), acces_lieu="Bus 2, arrêt « Cœur de ville »"
    )
    premiere = stage.seances.first()
    premiere.debut, premiere.fin, premiere.pauses_minutes = time(9, 30), time(17), 90
    premiere.save()
    return stage


def convoquer(
    stage,
    *,
    email="",
    nom="Lefèvre",
    prenom="Gaëlle",
    sexe=Sexe.FEMME,
    cadre=Cadre.ALTERNATIVE,
    reference="PR-2026-0042",
):
    antenne = stage.antenne
    personne = creer_personne(
        antenne,
        nom=nom,
        prenom=prenom,
        sexe=sexe,
        email=email,
        adresse="3 avenue de la Gare\nRésidence les Pins\n66000 Perpignan",
    )
    champs = {"personne": personne, "cadre": cadre, "reference": reference}
    if cadre != Cadre.VOLONTAIRE:
        champs["prescripteur"] = Prescripteur.objects.filter(
            antenne=antenne, nom="Parquet de Perpignan"
        ).first() or creer_prescripteur(antenne, nom="Parquet de Perpignan")
    return creer_convocation(creer_orientation(antenne, **champs), stage)


@pytest.fixture
def convocation(stage):
    return convoquer(stage, email="gaelle.lefevre@exemple.invalid")
