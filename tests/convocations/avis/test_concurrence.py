"""Two staff members sending the same notice, or recording the same accord, at the same
instant (PostgreSQL only: SQLite serialises every writer): one notice, one message, one
prolongation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from commun.models import Envoi
from convocations.models import Avis
from convocations.services.avis import accord_demander, accord_enregistrer, retour_envoyer
from stages.models import Orientation, Statut
from tests.concurrence import en_meme_temps

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"),
    pytest.mark.django_db(transaction=True),
]


def test_deux_retours_simultanes_un_seul_avis(orientation):
    resultats, erreurs = en_meme_temps(lambda: retour_envoyer(orientation=orientation, motif="refus"))
    assert erreurs == []
    assert sorted(cree for _avis, cree in resultats) == [False, True]
    assert Avis.objects.count() == 1 and Envoi.objects.count() == 1
    assert Orientation.objects.get(pk=orientation.pk).statut == Statut.RETOURNEE


def test_deux_accords_simultanes_une_seule_prolongation(orientation):
    nouvelle = orientation.echeance + timedelta(days=60)
    avis, _ = accord_demander(orientation=orientation, nouvelle_echeance=nouvelle)
    resultats, erreurs = en_meme_temps(lambda: accord_enregistrer(avis=avis, accord="Parquet, courriel"))
    assert len(resultats) == 1 and len(erreurs) == 1 and isinstance(erreurs[0], ValidationError)
    assert "déjà enregistré" in erreurs[0].messages[0]
    orientation.refresh_from_db()
    assert orientation.echeance == avis.echeance_proposee
    assert orientation.history.filter(history_change_reason__startswith="Échéance prolongée").count() == 1
