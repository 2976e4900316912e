from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Antennes, orientations et stages"

    def ready(self):
        from stages.maintenance import apres_migrations

        post_migrate.connect(apres_migrations, sender=self, dispatch_uid="stages-statistiques")
