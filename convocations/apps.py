from django.apps import AppConfig


class ConvocationsConfig(AppConfig):
    name = "convocations"
    verbose_name = "Convocations"

    def ready(self):
        # What this app adds to the pages of `stages`, which does not import it, and what it
        # does when stages or convocations change.
        from commun.chronologie import ajouter_source
        from commun.encarts import Encart, ajouter_annotation, ajouter_encart
        from convocations import envois
        from convocations.encart import (
            contexte_accueil,
            contexte_encart,
            contexte_orientation,
            contexte_presences,
        )
        from convocations.selectors import evenements_des_convocations, stages_avec_comptes, sur_places_prises
        from convocations.services.avis import sur_convocation_resolue
        from convocations.services.presences import convocation_resolue
        from convocations.services.reponses import convocation_fermee, sur_stage_annule
        from convocations.views import attestations as vues_attestations
        from convocations.views import avis as vues_avis
        from convocations.views import envois as vues_envois
        from stages.planning import places_prises, seances_modifiees, stage_annule

        ajouter_encart("stage", Encart("convocations/encart_stage.html", contexte_encart, ordre=20))
        ajouter_encart("stage", Encart("convocations/encart_envois.html", vues_envois.contexte_encart,
                                       ordre=40))
        ajouter_encart("stage_seances", Encart("convocations/encart_mise_a_jour.html",
                                               vues_envois.contexte_mise_a_jour))
        ajouter_encart("orientation", Encart("convocations/encart_orientation.html", contexte_orientation))
        ajouter_encart("stage", Encart("convocations/encart_presences.html", contexte_presences, ordre=30))
        ajouter_encart("stage", Encart("convocations/encart_attestations.html",
                                       vues_attestations.contexte_encart_stage, ordre=35))
        ajouter_encart("accueil", Encart("convocations/encart_accueil.html", contexte_accueil, ordre=10))
        ajouter_encart("accueil", Encart("convocations/encart_echeances.html", vues_avis.contexte_accueil,
                                         ordre=5))
        ajouter_encart("orientation", Encart("convocations/encart_avis.html", vues_avis.contexte_orientation,
                                             ordre=110))
        convocation_resolue.connect(sur_convocation_resolue, dispatch_uid="convocations.convocation_resolue")
        ajouter_annotation("stages", stages_avec_comptes)
        ajouter_source("stages.Orientation", evenements_des_convocations)
        seances_modifiees.connect(envois.sur_seances_modifiees, dispatch_uid="convocations.seances_modifiees")
        convocation_fermee.connect(envois.sur_convocation_fermee,
                                   dispatch_uid="convocations.convocation_fermee")
        stage_annule.connect(sur_stage_annule, dispatch_uid="convocations.stage_annule")
        places_prises.connect(sur_places_prises, dispatch_uid="convocations.places_prises")
