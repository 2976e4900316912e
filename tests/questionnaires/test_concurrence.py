"""Two submissions at the same instant (PostgreSQL only: SQLite serialises every writer): a
double tap records one answer and counts it once; the last expected answer is taken once."""

import secrets
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from questionnaires.models import Decompte, DecompteStage, Passation, Reponse
from questionnaires.services import (
    DejaEnregistree,
    KiosqueRefus,
    Saisie,
    questionnaire_actuel,
    reponse_enregistrer,
)
from tests.concurrence import en_meme_temps
from tests.factories import creer_stage, creer_utilisateur

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)


def _kiosque(antenne, nb_presents: int) -> Passation:
    return Passation.objects.create(
        jeton=secrets.token_urlsafe(16), stage=creer_stage(antenne), jour=timezone.localdate(),
        nb_presents=nb_presents, questionnaire=questionnaire_actuel(antenne=antenne),
        ouverte_par=creer_utilisateur(antenne=antenne))


@pytest.mark.django_db(transaction=True)
def test_double_appui_en_meme_temps_une_reponse(antenne):
    passation = _kiosque(antenne, 5)
    question = passation.questionnaire.questions.first()
    saisie = Saisie(jeton=uuid.uuid4(), valeurs={question: ["Oui"]})

    resultats, erreurs = en_meme_temps(
        lambda: reponse_enregistrer(passation=passation, saisie=saisie, aujourd_hui=timezone.localdate()))

    assert len(resultats) == 1 and [type(e) for e in erreurs] == [DejaEnregistree]
    assert Reponse.objects.count() == 1
    passation.refresh_from_db()
    assert passation.nb_reponses == 1
    assert DecompteStage.objects.get().nombre == 1
    assert sorted(Decompte.objects.values_list("valeur", "nombre")) == [("", 1), ("Oui", 1)]


@pytest.mark.django_db(transaction=True)
def test_la_derniere_reponse_attendue_prise_une_fois(antenne):
    passation = _kiosque(antenne, 1)
    question = passation.questionnaire.questions.first()

    def repondre():
        saisie = Saisie(jeton=uuid.uuid4(), valeurs={question: ["Oui"]})
        reponse_enregistrer(passation=passation, saisie=saisie, aujourd_hui=timezone.localdate())

    resultats, erreurs = en_meme_temps(repondre, fois=3)

    assert len(resultats) == 1 and [type(e) for e in erreurs] == [KiosqueRefus, KiosqueRefus]
    assert Reponse.objects.count() == 1
    assert Decompte.objects.get(valeur="Oui").nombre == 1
