"""Émargement on a tablet, measured: the séance page of 15 people and its refresh (htmx, every
5 s), one mark (htmx, with its key and time), one offline mark and one signature sent by the
synchronisation, and the feuille d'émargement with 15 signatures. An antenne of its own, made
once and reused (the séances are moved to yesterday and today, the marks wiped, each run).

    .venv/bin/python manage.py bench --presences-seulement   (section « Présences »)
"""

import json
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time as heure
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convocations.models import ActionTablette, Convocation, Presence
from stages.models import Antenne, Role, Seance, Stage
from tests.perf.mesure import BUDGET_P95_MS, CHAUFFE, COMPTEES

CODE_ANTENNE = "bench-presences"
NOMBRE = 15
TRAITS = json.dumps([[[20 + 12 * i, 100 + (30 if i % 2 else -30)] for i in range(40)]])


@dataclass
class Mesure:
    libelle: str
    durees_ms: list[float] = field(default_factory=list)
    requetes: list[int] = field(default_factory=list)
    budget: bool = True  # p95 ≤ BUDGET_P95_MS asked

    @property
    def p50(self) -> float:
        return statistics.median(self.durees_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.durees_ms, n=20, method="inclusive")[-1]


def preparer() -> tuple[Seance, list[Convocation], object]:
    """(today's séance, its 15 convocations, the animateur), yesterday's séance left unmarked
    so that no convocation is resolved while measuring."""
    from stages.models import Membre
    from tests.factories import (
        creer_antenne,
        creer_convocation,
        creer_orientation,
        creer_personne,
        creer_stage,
    )

    aujourd_hui = timezone.localdate()
    antenne = Antenne.objects.filter(code=CODE_ANTENNE).first() or creer_antenne(
        code=CODE_ANTENNE, nom="Antenne bench présences", departement="66")
    stage = Stage.objects.filter(antenne=antenne).first()
    if stage is None:
        stage = creer_stage(antenne, jours=(), lieu="Salle bench")
        for _ in range(2):
            Seance.objects.create(stage=stage, date=aujourd_hui, debut=heure(0), fin=heure(23, 59))
        for i in range(NOMBRE):
            personne = creer_personne(antenne, nom=f"Émargé{i:02d}", prenom="Gaëlle")
            creer_convocation(creer_orientation(antenne, personne=personne), stage)
    utilisateur = get_user_model().objects.filter(username="bench-animateur").first()
    if utilisateur is None:
        from tests.factories import creer_utilisateur

        utilisateur = creer_utilisateur(Role.ANIMATEUR, antenne, username="bench-animateur")
        stage.animateurs.add(Membre.objects.get(user=utilisateur))
    hier, seance = list(stage.seances.order_by("pk"))
    Seance.objects.filter(pk=hier.pk).update(date=aujourd_hui - timedelta(days=1))
    Seance.objects.filter(pk=seance.pk).update(date=aujourd_hui)
    Stage.objects.filter(pk=stage.pk).update(premier_jour=aujourd_hui - timedelta(days=1),
                                             dernier_jour=aujourd_hui)
    oublier(stage)
    seance.refresh_from_db()
    return seance, list(Convocation.objects.filter(stage=stage).order_by("pk")), utilisateur


def oublier(stage: Stage) -> None:
    """The marks of an earlier run (and their history) wiped."""
    ActionTablette.objects.filter(seance__stage=stage).delete()
    Presence.history.filter(seance__stage=stage).delete()
    Presence.objects.filter(seance__stage=stage).delete()


def _mesurer(libelle: str, requete: Callable[[int], int], fois: int, *, budget: bool = True) -> Mesure:
    mesure = Mesure(libelle, budget=budget)
    for i in range(CHAUFFE):
        if (statut := requete(i)) != 200:
            raise RuntimeError(f"{libelle} : réponse HTTP {statut}")
    for i in range(fois):
        debut = time.perf_counter()
        requete(CHAUFFE + i)
        mesure.durees_ms.append((time.perf_counter() - debut) * 1000)
    for i in range(COMPTEES):
        with CaptureQueriesContext(connection) as requetes:
            requete(CHAUFFE + fois + i)
        mesure.requetes.append(len(requetes))
    return mesure


def mesurer_tout(*, fois: int = 200) -> list[Mesure]:
    from tests.factories import dans_l_antenne

    seance, convocations, animateur = preparer()
    client = Client(raise_request_exception=False)
    client.force_login(animateur)
    page = reverse("convocations:seance", args=[seance.pk])
    marquer = reverse("convocations:marquer", args=[seance.pk])
    synchroniser = reverse("convocations:synchroniser", args=[seance.pk])
    antenne = dans_l_antenne(seance.stage.antenne)
    hx = {"HX-Request": "true"}

    def marque(i: int) -> int:
        convocation = convocations[i % len(convocations)]
        statut = {"statut": "present"} if i % 2 else {"statut": "retard", "minutes": "10"}
        return client.post(marquer, {"convocation": convocation.pk, **statut, "cle": str(uuid.uuid4()),
                                     "faite_le": timezone.now().isoformat(), **antenne},
                           headers=hx).status_code

    def envoi(i: int, **action) -> int:
        convocation = convocations[i % len(convocations)]
        actions = [{"cle": str(uuid.uuid4()), "convocation": convocation.pk,
                    "faite_le": timezone.now().isoformat(), **action}]
        reponse = client.post(synchroniser, {"actions": json.dumps(actions), **antenne})
        if reponse.status_code == 200 and reponse.json()["resultats"][0]["etat"] == "refusee":
            return 400
        return reponse.status_code

    mesures = [_mesurer("Une marque (htmx, avec sa clé et son heure ; la liste revient)", marque, fois)]
    mesures += [
        _mesurer(f"Page de la séance ({len(convocations)} personnes marquées)",
                 lambda _: client.get(page).status_code, fois),
        _mesurer("Liste rafraîchie (htmx, toutes les 5 s)",
                 lambda _: client.get(page, headers=hx).status_code, fois),
        _mesurer("Une marque hors ligne synchronisée", lambda i: envoi(i, nature="marque", statut="present"),
                 fois),
        _mesurer("Une signature (synchronisée)", lambda i: envoi(i, nature="signature", signature=TRAITS),
                 fois),
        _mesurer(f"Feuille d'émargement PDF ({len(convocations)} signatures)",
                 lambda _: client.get(reverse("convocations:feuille", args=[seance.pk])).status_code,
                 max(2, fois // 10), budget=False),
    ]
    oublier(seance.stage)
    return mesures


def _ms(valeur: float) -> str:
    return f"{valeur:.1f}".replace(".", ",")


def tableau_markdown(mesures: list[Mesure]) -> str:
    rangs = ["| Mesure | p50 (ms) | p95 (ms) | requêtes SQL | budget |", "|---|---:|---:|---:|---|"]
    for m in mesures:
        requetes = f"{min(m.requetes)}" if min(m.requetes) == max(m.requetes) else (
            f"{min(m.requetes)}–{max(m.requetes)}")
        budget = "—"
        if m.budget:
            budget = ("OK" if m.p95 <= BUDGET_P95_MS else "KO") + f" (p95 ≤ {BUDGET_P95_MS} ms)"
        rangs.append(f"| {m.libelle} | {_ms(m.p50)} | {_ms(m.p95)} | {requetes} | {budget} |")
    return "\n".join(rangs)
