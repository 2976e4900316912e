from django.apps import AppConfig


class PaiementsConfig(AppConfig):
    name = "paiements"
    verbose_name = "Paiements"
