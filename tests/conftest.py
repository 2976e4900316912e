import pytest

from stages.models import Role
from tests.factories import creer_antenne, creer_utilisateur


@pytest.fixture
def antenne(db):
    return creer_antenne(code="perpignan", nom="Antenne de Perpignan")


@pytest.fixture
def autre_antenne(db):
    return creer_antenne(code="mende", nom="Antenne de Mende", departement="48")


@pytest.fixture
def secretariat(antenne):
    return creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie")


@pytest.fixture
def client_secretariat(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def temoin_a(antenne):
    """An orientation of antenne A whose personal data no other antenne may ever see."""
    from tests.factories import creer_orientation, creer_personne

    personne = creer_personne(antenne, nom="Témoin", prenom="Zébulon",
                              email="zebulon.temoin@exemple.invalid")
    return creer_orientation(antenne, personne=personne, reference="ZT-48172-TEMOIN")


@pytest.fixture
def donnees_personnelles_a(temoin_a):
    """The strings that betray a leak of antenne A (compare case-insensitively)."""
    personne = temoin_a.personne
    return [personne.nom, personne.prenom, personne.email, temoin_a.reference]
