from django.apps import AppConfig


class PaiementsConfig(AppConfig):
    name = "paiements"
    verbose_name = "Paiements"

    def ready(self):
        # What this app adds to the pages of `stages`, which does not import it.
        from commun.encarts import Encart, ajouter_annotation, ajouter_encart
        from paiements.encarts import contexte_orientation, contexte_stage
        from paiements.selectors import avec_paiements, avec_solde_de_la_fiche

        ajouter_encart("orientation", Encart("paiements/encart_orientation.html", contexte_orientation,
                                             ordre=50))
        ajouter_encart("stage", Encart("paiements/encart_stage.html", contexte_stage, ordre=35))
        ajouter_annotation("stage", avec_paiements)
        ajouter_annotation("orientation", avec_solde_de_la_fiche)
