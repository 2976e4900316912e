"""The échéances dashboard's bench data: demandes d'accord awaiting an answer for 2 % of the
measured antenne's open orientations (the bulk data has no notices), so that the dashboard's
« en attente d'un accord » section and the anti-join of the other sections read real rows.
Made once, reused."""

import random

from django.db import connection

from convocations.models import Avis, NatureAvis
from stages.dates import ajouter_mois
from stages.models import Antenne, Orientation, Statut

PART_ACCORDS = 0.02


def preparer(antenne: Antenne, *, graine: int = 2026) -> int:
    """The demandes d'accord of `antenne` (created on first use); their number."""
    if deja := Avis.objects.filter(antenne=antenne, nature=NatureAvis.DEMANDE_ACCORD).count():
        return deja
    hasard = random.Random(graine)
    ouvertes = list(Orientation.objects.filter(antenne=antenne,
                                               statut__in=[Statut.EN_ATTENTE, Statut.CONVOQUEE])
                    .values_list("pk", "echeance"))
    choisies = hasard.sample(ouvertes, max(1, int(len(ouvertes) * PART_ACCORDS))) if ouvertes else []
    Avis.objects.bulk_create(
        Avis(orientation_id=pk, antenne=antenne, nature=NatureAvis.DEMANDE_ACCORD, echeance_actuelle=echeance,
             echeance_proposee=ajouter_mois(echeance, 3), cle=f"bench:demande_accord:{pk}")
        for pk, echeance in choisies
    )
    if connection.vendor == "postgresql":  # what autovacuum does to new rows within minutes
        with connection.cursor() as curseur:
            curseur.execute(f"ANALYZE {Avis._meta.db_table}")
    return len(choisies)
