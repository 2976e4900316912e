from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Antennes, orientations et stages"
