"""Notices and the échéances dashboard: an antenne with its letterhead, a prescripteur with an
e-mail (one without, for the letters to post), a person convoked to the 14-15 décembre 2026
stage; the real SMTP server."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from stages.models import Cadre, Sexe
from tests.factories import creer_convocation, creer_orientation, creer_personne, creer_prescripteur
from tests.smtp import serveur_smtp  # noqa: F401 (fixture)

PARIS = ZoneInfo("Europe/Paris")
# After the fixture stage's last séance (14-15 décembre 2026, 9 h-17 h).
APRES = datetime(2026, 12, 15, 18, tzinfo=PARIS)
AUJOURD_HUI = date(2026, 12, 16)


@pytest.fixture
def antenne(antenne):
    antenne.adresse = "12 rue des Œillets\n66000 Perpignan"
    antenne.telephone = "04 68 00 00 00"
    antenne.email = "perpignan@cpca.invalid"
    antenne.signataire = "Marie Durand"
    antenne.save()
    return antenne


@pytest.fixture
def prescripteur(antenne):
    return creer_prescripteur(antenne, nom="Parquet de Perpignan", email="parquet@justice.invalid",
                              adresse="Tribunal judiciaire\n1 place Arago\n66000 Perpignan")


@pytest.fixture
def orientation(antenne, prescripteur):
    personne = creer_personne(antenne, nom="Lefèvre", prenom="Gaëlle", sexe=Sexe.FEMME,
                              email="gaelle.lefevre@exemple.invalid", date_naissance=date(1985, 3, 2),
                              adresse="3 avenue de la Gare\n66000 Perpignan")
    return creer_orientation(antenne, personne=personne, prescripteur=prescripteur, cadre=Cadre.ALTERNATIVE,
                             reference="PR-2026-0042")


@pytest.fixture
def convocation(orientation, stage):
    return creer_convocation(orientation, stage)
