"""The questionnaires' demo (`charger`, which `manage.py donnees_demo` calls after the stages'
and the convocations'): on every closed stage, answers to the antenne's default questionnaire,
recorded through the kiosk's service as the tablet would, on the stage's last day."""

import secrets
import uuid

from django.db import transaction

from questionnaires.models import Passation
from questionnaires.services import Saisie, questionnaire_actuel, reponse_enregistrer
from stages.models import Membre, Stage, StatutStage
from stages.templatetags.affichage import compte

# In turn, per participant: (rank of the answer to each scale question, modules, oui/non).
REPONSES_DEMO = [
    ((0, 0, 1), ["Cadre de loi", "Le Parent"], ("Oui", "Oui")),
    ((1, 0, 0), ["Identifier les violences vs conflits"], ("Oui", "Non")),
    ((0, 1, 1), ["Le Parent"], ("Oui", "Oui")),
    ((2, 1, 3), [], ("Non", "Non")),
    ((0, 0, 0), ["Identifier les stéréotypes hommes-femmes", "Cadre de loi"], ("Oui", "Oui")),
    ((1, 2, 1), ["Cadre de loi"], ("Non", "Oui")),
    ((0, 1, 0), ["Le Parent"], ("Oui", "Oui")),
]


@transaction.atomic
def reponses_demo(stages: list[Stage]) -> int:
    nombre = 0
    for rang_stage, stage in enumerate(stages):
        membre = (stage.animateurs.select_related("user").first()
                  or Membre.objects.filter(antenne=stage.antenne).select_related("user").first())
        if membre is None or stage.dernier_jour is None:
            continue
        questionnaire = questionnaire_actuel(antenne=stage.antenne)
        questions = list(questionnaire.questions.all())
        participants = [REPONSES_DEMO[(rang_stage + n) % len(REPONSES_DEMO)]
                        for n in range(5 + rang_stage % 3)]
        passation = Passation.objects.create(
            jeton=secrets.token_urlsafe(32), stage=stage, questionnaire=questionnaire,
            jour=stage.dernier_jour, nb_presents=len(participants) + 1, ouverte_par=membre.user)
        for echelle, modules, oui_non in participants:
            valeurs = {}
            for question, reponse in zip(questions, [*echelle, modules, *oui_non], strict=False):
                if isinstance(reponse, int):
                    valeurs[question] = [question.options[reponse]]
                elif isinstance(reponse, list):
                    valeurs[question] = reponse
                else:
                    valeurs[question] = [reponse]
            reponse_enregistrer(passation=passation, saisie=Saisie(jeton=uuid.uuid4(), valeurs=valeurs),
                                aujourd_hui=stage.dernier_jour)
            nombre += 1
        Passation.objects.filter(pk=passation.pk).update(fermee_le=passation.ouverte_le)
    return nombre


def charger() -> str:
    stages = list(Stage.objects.filter(statut=StatutStage.CLOS).select_related("antenne")
                  .order_by("premier_jour", "id"))
    nombre = reponses_demo(stages)
    return (f"{compte(nombre, 'réponse')} au questionnaire sur "
            f"{compte(len(stages), 'stage clos', 'stages clos')}")
