"""The periodic jobs of the django-q2 scheduler (`manage.py qcluster`), in one place.

Each entry becomes a `django_q.models.Schedule` of that name, created or brought up to date
after every `migrate` (stages.apps), so a job is added or changed here by one line.

Why post_migrate rather than a data migration: a migration runs once, so a schedule deleted
in the admin or a changed frequency would need a new migration each time; this is
idempotent, reruns on every deploy (`migrate`), and also after the test database's flush.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS


@dataclass(frozen=True)
class Planification:
    nom: str
    fonction: str  # dotted path of a function taking no argument
    minutes: int  # run every so many minutes


PLANIFICATIONS = (
    Planification("Purge des aperçus d'import abandonnés", "stages.imports.apercus.purger_apercus",
                  minutes=15),
    # The planner's statistics after a day of changes (see stages.maintenance).
    Planification("Statistiques de la base", "stages.maintenance.rafraichir_statistiques",
                  minutes=24 * 60),
    # Stages « en cours » from their first séance, « clos » a week after their last.
    Planification("Statut des stages selon le calendrier", "stages.planning.stages_suivre_le_calendrier",
                  minutes=24 * 60),
    # The outbox: new messages not sent at once, and retries whose time has come (backoff).
    Planification("Envois en attente", "commun.envois.envoyer_en_attente", minutes=1),
    # Reminders 7 days and 1 day before a stage (convocations.rappels): each sent once, so
    # running hourly only bounds how late in the day they go.
    Planification("Rappels des convocations", "convocations.rappels.rappels_envoyer", minutes=60),
    # An attestation's e-mail sent by a later retry of the outbox: its orientation « terminée ».
    Planification("Suivi des attestations envoyées",
                  "convocations.services.attestations.attestations_suivre_envois", minutes=5),
    # The échéances digest to each antenne's staff: only what is new, each line told once.
    Planification("Récapitulatif quotidien des échéances", "convocations.tasks.recapitulatif_quotidien",
                  minutes=24 * 60),
)


def planifier(*, apps=None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create or update the schedule of each of PLANIFICATIONS."""
    if apps is None:
        from django.apps import apps
    try:
        Schedule = apps.get_model("django_q", "Schedule")  # noqa: N806 (a model)
    except LookupError:
        return  # django_q not migrated (yet): a later migrate plans them
    for planification in PLANIFICATIONS:
        valeurs = {"func": planification.fonction, "schedule_type": "I",  # Schedule.MINUTES
                   "minutes": planification.minutes, "repeats": -1}
        existantes = Schedule.objects.using(using).filter(name=planification.nom)
        if not existantes.exists():
            Schedule.objects.using(using).create(name=planification.nom, **valeurs)
        else:
            existantes.update(**valeurs)
