"""Answers recorded through the kiosk's service, as the tablet would."""

import secrets
import uuid

from django.utils import timezone

from questionnaires.models import Passation
from questionnaires.services import Saisie, questionnaire_actuel, reponse_enregistrer


def repondre(stage, par, reponses: list[dict[int, list[str]]], jour=None) -> Passation:
    """One answer per item of `reponses`: question's rank (0-based) -> values."""
    jour = jour or timezone.localdate()
    questionnaire = questionnaire_actuel(antenne=stage.antenne)
    questions = list(questionnaire.questions.all())
    passation = Passation.objects.create(
        jeton=secrets.token_urlsafe(16), stage=stage, jour=jour, nb_presents=len(reponses),
        questionnaire=questionnaire, ouverte_par=par)
    for valeurs in reponses:
        saisie = Saisie(jeton=uuid.uuid4(), valeurs={questions[rang]: v for rang, v in valeurs.items()})
        reponse_enregistrer(passation=passation, saisie=saisie, aujourd_hui=jour)
    return passation
