"""The stage of the letter, calendar and sending tests: an antenne with its letterhead, a
2-day stage (9 h 30–17 h, then 9 h–17 h), and a convoked person with an e-mail."""

from datetime import date, time
from decimal import Decimal

import pytest

from paiements.models import Tarif
from tests.convocations.envoi import convoquer
from tests.factories import creer_stage
from tests.smtp import serveur_smtp  # noqa: F401 (fixture)


@pytest.fixture
def stage(antenne):
    antenne.adresse = "12 rue des Œillets\n66000 Perpignan"
    antenne.telephone = "04 68 00 00 00"
    antenne.email = "perpignan@cpca.invalid"
    antenne.signataire = "Marie Durand"
    antenne.save()
    # Within the legal ceiling, and with a thousands-free amount the letter writes "420,00 €".
    Tarif.objects.create(antenne=antenne, standard=Decimal("420"))
    stage = creer_stage(
        antenne, jours=(date(2026, 12, 14), date(2026, 12, 15)), acces_lieu="Bus 2, arrêt « Cœur de ville »"
    )
    premiere = stage.seances.first()
    premiere.debut, premiere.fin, premiere.pauses_minutes = time(9, 30), time(17), 90
    premiere.save()
    return stage


@pytest.fixture
def convocation(stage):
    return convoquer(stage, email="gaelle.lefevre@exemple.invalid")
