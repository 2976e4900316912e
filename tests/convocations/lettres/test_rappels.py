"""Reminders 7 days and 1 day before the first séance."""

import logging
from datetime import date

import pytest

from commun.models import Envoi
from convocations import rappels
from convocations.models import CanalRappel, Rappel, StatutConvocation
from stages.planification import PLANIFICATIONS
from tests.convocations.envoi import convoquer

# The fixture's stage starts on Monday 14 December 2026.


@pytest.mark.parametrize(
    ("premier_jour", "departement", "jours_avant", "attendu"),
    [
        (date(2026, 12, 14), "66", 7, date(2026, 12, 7)),  # a Monday: unchanged
        (date(2026, 12, 14), "66", 1, date(2026, 12, 12)),  # Sunday 13 -> Saturday 12
        (date(2026, 11, 12), "66", 1, date(2026, 11, 10)),  # 11 novembre (Armistice) -> 10
        (date(2026, 12, 27), "67", 1, date(2026, 12, 24)),  # Alsace: 26 Saint-Étienne, 25 Noël
        (date(2026, 12, 27), "66", 1, date(2026, 12, 26)),  # elsewhere the 26th is a working day
        (date(2026, 5, 23), "972", 1, date(2026, 5, 21)),  # Martinique: 22 May, abolition of slavery
        (date(2026, 5, 23), "66", 1, date(2026, 5, 22)),
    ],
)
def test_date_du_rappel_avant_dimanche_et_ferie_du_departement(
    premier_jour, departement, jours_avant, attendu
):
    assert rappels.date_du_rappel(premier_jour, jours_avant, departement) == attendu


@pytest.fixture
def convoques(stage):
    stage.antenne.departement = "66"
    stage.antenne.save()
    return {
        "courriel": convoquer(stage, nom="Avecmail", email="avec@exemple.invalid"),
        "sms": convoquer(stage, nom="Sansmail"),
        "reportee": convoquer(stage, nom="Reportee", email="reportee@exemple.invalid"),
        "annulee": convoquer(stage, nom="Annulee", email="annulee@exemple.invalid"),
    }


def _fermer(convoques):
    for cle, statut in (("reportee", StatutConvocation.REPORTEE), ("annulee", StatutConvocation.ANNULEE)):
        convoques[cle].statut = statut
        convoques[cle].save()


def test_rappel_j7_une_seule_fois_jamais_aux_convocations_fermees(convoques, serveur_smtp, caplog):
    _fermer(convoques)
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 6)) == 0  # too early

    with caplog.at_level(logging.INFO, logger="convocations.sms"):
        faits = rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 7))
    # Courriel + SMS for the first (phone from the factory), SMS for the second.
    assert faits == 3
    (message,) = serveur_smtp.messages
    assert message["To"] == "avec@exemple.invalid"
    assert message["Subject"] == "Rappel : stage de responsabilisation du lundi 14 décembre 2026"
    assert "commence le lundi 14 décembre 2026 à 9 h 30, Maison des associations" in message.get_content()
    sms = [r.getMessage() for r in caplog.records if r.name == "convocations.sms"]
    assert len(sms) == 2 and all("+33612345678" in s for s in sms)
    assert set(Rappel.objects.values_list("canal", flat=True)) == {CanalRappel.COURRIEL, CanalRappel.SMS}

    # The job runs again (hourly, the next days): nothing new until the day-before reminder.
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 7)) == 0
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 9)) == 0
    assert len(serveur_smtp.messages) == 1
    fermees = [convoques["reportee"], convoques["annulee"]]
    assert not Rappel.objects.filter(convocation__in=fermees).exists()
    assert not Envoi.objects.filter(
        destinataire__in=["reportee@exemple.invalid", "annulee@exemple.invalid"]
    ).exists()


def test_rappel_la_veille_avance_au_samedi(convoques, serveur_smtp):
    # Sunday 13 December: the day-before reminder goes on Saturday 12.
    # Four open convocations here: three by e-mail and SMS, one by SMS only.
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 12)) == 7
    assert "commence demain à 9 h 30" in serveur_smtp.messages[0].get_content()
    assert set(Rappel.objects.values_list("jours_avant", flat=True)) == {1}
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 13)) == 0
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 14)) == 0  # the stage has begun


def test_sms_du_fournisseur_en_panne_retente_au_passage_suivant(convoques, settings, serveur_smtp):
    _fermer(convoques)
    settings.SMS_BACKEND = "tests.convocations.test_rappels.SMSEnPanne"
    rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 7))
    assert not Rappel.objects.filter(canal=CanalRappel.SMS).exists()

    settings.SMS_BACKEND = "convocations.sms.JournalSMS"
    assert rappels.rappels_envoyer(aujourd_hui=date(2026, 12, 7)) == 2
    assert Rappel.objects.filter(canal=CanalRappel.SMS).count() == 2


class SMSEnPanne:
    def envoyer(self, numero, texte):
        raise ConnectionError("fournisseur injoignable")


def test_la_tache_est_planifiee():
    fonctions = {p.fonction for p in PLANIFICATIONS}
    assert {"convocations.rappels.rappels_envoyer", "commun.envois.envoyer_en_attente"} <= fonctions
