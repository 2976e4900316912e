"""Two staff members issuing attestations at the same instant (PostgreSQL only: SQLite
serialises every writer). The counter's row lock gives them contiguous numbers; without it
both read the same last number, and one issue fails on the unique number (or a number is
lost)."""

import time

import pytest
from django.db import connection

from convocations.models import Attestation, CompteurAttestation
from convocations.services import attestations
from convocations.services.attestations import attestation_emettre
from tests.concurrence import en_meme_temps
from tests.convocations.attestations.conftest import EMISE, convoquer, marquer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)


def _emettre_en_meme_temps(stage, fois=2):
    convocations = [marquer(convoquer(stage, nom=f"Simultanée{i}")) for i in range(fois)]

    def emettre():
        return attestation_emettre(convocation=convocations.pop(), maintenant=EMISE)[0]

    return en_meme_temps(emettre, fois)


@pytest.mark.django_db(transaction=True)
def test_deux_emissions_simultanees_ont_des_numeros_contigus(stage):
    deja = attestation_emettre(convocation=marquer(convoquer(stage, nom="Première")), maintenant=EMISE)[0]

    resultats, erreurs = _emettre_en_meme_temps(stage, fois=4)

    assert erreurs == []
    assert deja.rang == 1
    assert sorted(a.rang for a in resultats) == [2, 3, 4, 5]
    assert sorted(Attestation.objects.values_list("numero", flat=True)) == [
        f"2026-PER-{n:04d}" for n in range(1, 6)]
    assert CompteurAttestation.objects.get().dernier == 5


@pytest.mark.django_db(transaction=True)
def test_double_clic_simultane_une_seule_attestation(stage):
    convocation = marquer(convoquer(stage))

    resultats, erreurs = en_meme_temps(lambda: attestation_emettre(convocation=convocation, maintenant=EMISE))

    assert erreurs == []
    assert sorted(cree for _a, cree in resultats) == [False, True]
    assert Attestation.objects.count() == 1 and CompteurAttestation.objects.get().dernier == 1


@pytest.mark.django_db(transaction=True)
def test_sans_le_verrou_les_numeros_se_chevauchent(stage, monkeypatch):
    """The same race with the counter read without its lock: the test above would fail."""

    def compteur_sans_verrou(antenne, annee):
        compteur, _ = CompteurAttestation.objects.get_or_create(antenne=antenne, annee=annee)
        time.sleep(0.3)  # both read the same last number before either writes
        return compteur

    CompteurAttestation.objects.create(antenne=stage.antenne, annee=2026)
    monkeypatch.setattr(attestations, "_compteur_verrouille", compteur_sans_verrou)

    resultats, erreurs = _emettre_en_meme_temps(stage)

    assert len(erreurs) == 1 and len(resultats) == 1
    assert "attestation_numero_unique" in str(erreurs[0]) or "existe déjà" in str(erreurs[0])
