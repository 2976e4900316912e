from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_migrate


def _planifier(sender, *, using, apps=None, **kwargs):
    # `flush` sends post_migrate without `apps`: the installed models then.
    from stages.planification import planifier

    planifier(apps=apps, using=using)


def _oublier_l_apercu(sender, *, request, **kwargs):
    # A preview left waiting is not kept after its user has gone.
    from stages.imports import apercus

    if request is not None and hasattr(request, "session"):
        apercus.oublier_celui_de_la_session(request.session)


class StagesConfig(AppConfig):
    name = "stages"
    verbose_name = "Antennes, orientations et stages"

    def ready(self):
        from stages import checks  # noqa: F401 (registers the deployment checks)
        from stages.maintenance import apres_migrations

        post_migrate.connect(_planifier, sender=self, dispatch_uid="stages.planifier")
        post_migrate.connect(apres_migrations, sender=self, dispatch_uid="stages.statistiques")
        user_logged_out.connect(_oublier_l_apercu, dispatch_uid="stages.oublier_l_apercu")
