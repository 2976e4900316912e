from django.apps import AppConfig


class ConvocationsConfig(AppConfig):
    name = "convocations"
    verbose_name = "Convocations"

    def ready(self):
        from commun.encarts import Encart, ajouter_encart
        from convocations.views.envois import contexte_encart

        # The stage page (stages) shows sending without importing this app.
        ajouter_encart("stage", Encart("convocations/encart_envois.html", contexte_encart, ordre=40))
