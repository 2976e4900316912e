from django.apps import AppConfig


class ConvocationsConfig(AppConfig):
    name = "convocations"
    verbose_name = "Convocations"
