"""Work of the django-q2 worker: each task takes ids and calls a service."""

from django_q.tasks import async_task

from stages.imports import ecriture

# The largest import takes well under a minute; a copy re-delivered by the broker after
# Q_CLUSTER's retry finds its lot taken and stops (`ecriture.import_lot_executer`).
IMPORT_TIMEOUT = 600


def import_lancer(lot_id: int) -> None:
    """Queue the run of a confirmed import; `import_fini` hears how it ended."""
    async_task("stages.tasks.import_lot_executer", lot_id, timeout=IMPORT_TIMEOUT,
               hook="stages.tasks.import_fini")


def import_lot_executer(lot_id: int) -> None:
    ecriture.import_lot_executer(lot_id=lot_id)


def import_fini(task) -> None:
    """A task that failed (an error the run could not record itself): its lot fails, so
    that staff see it on the import page instead of « en cours » for ever."""
    if not task.success:
        ecriture.lot_fini_sans_nouvelles(lot_id=task.args[0])
