from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires de satisfaction"

    def ready(self):
        # The stage page's section (stages does not import this app).
        from commun.encarts import Encart, ajouter_encart
        from questionnaires.encart import contexte_stage

        ajouter_encart("stage", Encart("questionnaires/encart_stage.html", contexte_stage, ordre=60))
