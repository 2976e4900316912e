"""The worker's tasks (django-q2): they take ids and call the services. Enqueued with
`transaction.on_commit`, so the worker reads committed rows."""

from django_q.tasks import async_task

from commun.envois import envoyer


def lot_mettre_en_file(lot_id: int) -> None:
    async_task("convocations.tasks.lot_envoyer", lot_id, task_name=f"convocations-lot-{lot_id}",
               group="convocations")


def lot_envoyer(lot_id: int) -> None:
    """A stage's batch: its convocations, or its attestations (`LotEnvoi.nature`)."""
    from convocations.envois import lot_executer
    from convocations.models import LotEnvoi
    from convocations.services.attestations import lot_attestations_executer

    if LotEnvoi.objects.filter(pk=lot_id, nature=LotEnvoi.Nature.ATTESTATIONS).exists():
        lot_attestations_executer(lot_id)
    else:
        lot_executer(lot_id)


def envois_mettre_en_file(envoi_ids: list[int]) -> None:
    if envoi_ids:
        async_task("convocations.tasks.envois_envoyer", list(envoi_ids), group="convocations")


def envois_envoyer(envoi_ids: list[int]) -> int:
    """Send these outbox rows now (a failure is retried by `commun.envois.envoyer_en_attente`)."""
    return sum(envoyer(envoi_id) for envoi_id in envoi_ids)


def avertissement_mettre_en_file(convocation_id: int) -> None:
    async_task("convocations.tasks.avertissement_envoyer", convocation_id,
               task_name=f"convocations-avertissement-{convocation_id}", group="convocations")


def avertissement_envoyer(convocation_id: int) -> None:
    """The warning letter of a missed stage, prepared and (by e-mail) sent now."""
    from convocations.services.avis import avertissement_envoyer as preparer

    avis = preparer(convocation_id)
    if avis is not None and avis.envoi_id:
        envoyer(avis.envoi_id)


def recapitulatif_quotidien() -> int:
    """The daily digest of the échéances dashboard (see convocations.echeances)."""
    from convocations.echeances import recapitulatif_quotidien as envoyer_les_recapitulatifs

    return envoyer_les_recapitulatifs()
