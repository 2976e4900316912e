from django.apps import AppConfig


class ConvocationsConfig(AppConfig):
    name = "convocations"
    verbose_name = "Convocations"

    def ready(self):
        # What this app adds to the pages of `stages`, which does not import it.
        from commun.chronologie import ajouter_source
        from commun.encarts import Encart, ajouter_annotation, ajouter_encart
        from convocations.encart import contexte_accueil, contexte_encart, contexte_presences
        from convocations.selectors import evenements_des_convocations, stages_avec_comptes

        ajouter_encart("stage", Encart("convocations/encart_stage.html", contexte_encart, ordre=20))
        ajouter_encart("stage", Encart("convocations/encart_presences.html", contexte_presences, ordre=30))
        ajouter_encart("accueil", Encart("convocations/encart_accueil.html", contexte_accueil, ordre=10))
        ajouter_annotation("stages", stages_avec_comptes)
        ajouter_source("stages.Orientation", evenements_des_convocations)
