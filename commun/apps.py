from django.apps import AppConfig


class CommunConfig(AppConfig):
    name = "commun"
    verbose_name = "Outils communs (documents, envois)"
