"""The questionnaires' benchmark: each kiosk screen and the submission (budget p95 ≤ 50 ms),
and the results of a year for 30 antennes (p95 ≤ 100 ms), on data of their own: 30 antennes
(codes `bench-q-NN`), each with a stage a week over the past year and 10 answers to the
default questionnaire per stage; a stage of today with its kiosk open.

    .venv/bin/python manage.py bench --questionnaires-seulement   (or the whole `make bench`)
"""

import re
import secrets
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import REPONDU, Decompte, DecompteStage, Passation, Reponse, TypeQuestion, Valeur
from questionnaires.services import questionnaire_actuel
from questionnaires.views.kiosque import CLE_KIOSQUE
from stages.models import Antenne, Membre, Role, Seance, Stage

PREFIXE = "bench-q-"
BUDGET_KIOSQUE_MS, BUDGET_RESULTATS_MS = 50, 100
REPONSES_PAR_STAGE = 10


@dataclass(frozen=True)
class Mesure:
    libelle: str
    url: str
    durees_ms: list[float]
    requetes: int
    budget_ms: int

    @property
    def p50(self) -> float:
        return statistics.median(self.durees_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.durees_ms, n=20, method="inclusive")[-1]

    @property
    def dans_budget(self) -> bool:
        return self.p95 <= self.budget_ms


def _code(numero: int) -> str:
    return f"{PREFIXE}{numero:02d}"


def preparer(*, antennes: int = 30, stages_par_antenne: int = 52, aujourd_hui: date) -> dict:
    """The data, made once (reused when the antennes are there); the users and today's stage."""
    from tests.factories import creer_antenne, creer_utilisateur

    if not Antenne.objects.filter(code=_code(1)).exists():
        hasard = Random(2026)  # noqa: S311 (reproducible answers, not secrets)
        with transaction.atomic():
            # Who opened the past kiosks: one user for them all.
            ancien = get_user_model().objects.create_user(f"{PREFIXE}ancien")
            for numero in range(1, antennes + 1):
                antenne = creer_antenne(code=_code(numero), nom=f"Antenne bench questionnaires {numero:02d}")
                _remplir(antenne, stages_par_antenne, aujourd_hui, hasard, ancien.pk)
            antenne = Antenne.objects.get(code=_code(1))
            creer_utilisateur(Role.SECRETARIAT, antenne, username=f"{PREFIXE}secretariat")
            creer_utilisateur(Role.COORDINATION, None, username=f"{PREFIXE}coordination")
            animateur = creer_utilisateur(Role.ANIMATEUR, antenne, username=f"{PREFIXE}animateur")
            stage = Stage.objects.create(antenne=antenne, lieu="Stage du jour (bench)", places=12,
                                         premier_jour=aujourd_hui, dernier_jour=aujourd_hui)
            Seance.objects.create(stage=stage, date=aujourd_hui, debut="09:00", fin="17:00")
            stage.animateurs.add(Membre.objects.get(user=animateur))
    antenne = Antenne.objects.get(code=_code(1))
    return {
        "antenne": antenne,
        "stage_du_jour": Stage.objects.get(antenne=antenne, lieu="Stage du jour (bench)"),
        "stage_passe": Stage.objects.filter(antenne=antenne).exclude(lieu="Stage du jour (bench)").first(),
        **{role: Membre.objects.get(user__username=f"{PREFIXE}{role}").user
           for role in ("secretariat", "coordination", "animateur")},
    }


def _remplir(antenne: Antenne, nombre: int, aujourd_hui: date, hasard: Random, par_id: int) -> None:
    questionnaire = questionnaire_actuel(antenne=antenne)
    questions = list(questionnaire.questions.all())
    stages = Stage.objects.bulk_create([
        Stage(antenne=antenne, lieu=f"Salle {n}", places=12,
              premier_jour=aujourd_hui - timedelta(days=7 * n + 1),
              dernier_jour=aujourd_hui - timedelta(days=7 * n))
        for n in range(1, nombre + 1)
    ])
    reponses, valeurs, passations = [], [], []
    for stage in stages:
        jour = stage.dernier_jour
        passations.append(Passation(jeton=secrets.token_urlsafe(16), stage=stage, questionnaire=questionnaire,
                                    jour=jour, nb_presents=REPONSES_PAR_STAGE + 1,
                                    nb_reponses=REPONSES_PAR_STAGE, ouverte_par_id=par_id))
        for _ in range(REPONSES_PAR_STAGE):
            reponse = Reponse(id=uuid.uuid4(), stage=stage, questionnaire=questionnaire, jour=jour)
            reponses.append(reponse)
            for question in questions:
                options = question.options
                if question.type == TypeQuestion.CHOIX_MULTIPLE:
                    choisies = hasard.sample(options, hasard.randint(0, 2))
                else:
                    choisies = [hasard.choice(options)] if hasard.random() < 0.95 else []
                valeurs += [Valeur(reponse=reponse, question=question, stage=stage, jour=jour, valeur=v)
                            for v in choisies]
    Passation.objects.bulk_create(passations)
    Reponse.objects.bulk_create(reponses, batch_size=2000)
    Valeur.objects.bulk_create(valeurs, batch_size=5000)
    # The month's counts, as the submission keeps them (services._compter).
    par_stage = Counter((r.stage_id, r.questionnaire_id, r.jour.replace(day=1)) for r in reponses)
    DecompteStage.objects.bulk_create([DecompteStage(stage_id=s, questionnaire_id=q, mois=m, nombre=n)
                                       for (s, q, m), n in par_stage.items()])
    decomptes = Counter((v.question_id, v.jour.replace(day=1), v.valeur) for v in valeurs)
    for question_id, mois, _ in {(v.question_id, v.jour.replace(day=1), v.reponse_id) for v in valeurs}:
        decomptes[(question_id, mois, REPONDU)] += 1
    Decompte.objects.bulk_create([Decompte(question_id=q, mois=m, valeur=v, nombre=n)
                                  for (q, m, v), n in decomptes.items()], batch_size=5000)


def _jeton(reponse) -> str:
    """The one-time token of the kiosk's form (read from the page: outside the test runner a
    response has no template context)."""
    return re.search(r'name="jeton" value="([^"]+)"', reponse.content.decode()).group(1)


def _chrono(faire, nb: int) -> list[float]:
    durees = []
    for _ in range(nb):
        debut = time.perf_counter()
        faire()
        durees.append((time.perf_counter() - debut) * 1000)
    return durees


def _requetes(faire) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as capturees:
        faire()
    return len(capturees)


def _page(client: Client, libelle: str, url: str, nb: int, budget: int) -> Mesure:
    def faire():
        reponse = client.get(url)
        assert reponse.status_code == 200, (url, reponse.status_code)

    for _ in range(5):
        faire()
    return Mesure(libelle, url, _chrono(faire, nb), _requetes(faire), budget)


def mesurer_tout(donnees: dict, *, nb_requetes: int) -> list[Mesure]:
    stage = donnees["stage_du_jour"]
    passation = Passation.objects.create(
        jeton=secrets.token_urlsafe(32), stage=stage,
        questionnaire=questionnaire_actuel(antenne=stage.antenne), jour=timezone.localdate(),
        nb_presents=30000, ouverte_par=donnees["animateur"])
    kiosque = Client()
    session = kiosque.session
    session[CLE_KIOSQUE] = passation.jeton
    session.save()
    adresse = reverse("questionnaires:kiosque")
    mesures = [
        _page(kiosque, "Kiosque : le questionnaire", adresse, nb_requetes, BUDGET_KIOSQUE_MS),
        _page(kiosque, "Kiosque : le remerciement", reverse("questionnaires:merci"), nb_requetes,
              BUDGET_KIOSQUE_MS),
        _page(kiosque, "Kiosque : mot de passe pour quitter", reverse("questionnaires:quitter"), nb_requetes,
              BUDGET_KIOSQUE_MS),
    ]
    toutes = {f"q{q.pk}": "0" for q in passation.questionnaire.questions.all()}  # every first option

    def soumettre() -> float:
        jeton = _jeton(kiosque.get(adresse))
        donnees_ = {"jeton": jeton, **toutes}
        debut = time.perf_counter()
        reponse = kiosque.post(adresse, donnees_)
        duree = (time.perf_counter() - debut) * 1000
        assert reponse.status_code == 302, reponse.status_code
        return duree

    for _ in range(5):
        soumettre()
    durees = [soumettre() for _ in range(nb_requetes)]
    jeton = _jeton(kiosque.get(adresse))
    compte = _requetes(lambda: kiosque.post(adresse, {"jeton": jeton, **toutes}))
    mesures.append(Mesure("Kiosque : soumission d'une réponse (6 questions)", adresse, durees, compte,
                          BUDGET_KIOSQUE_MS))
    Reponse.objects.filter(stage=stage).delete()  # the bench's data stay as they were
    passation.delete()

    aujourd_hui = timezone.localdate()
    an = f"?du={aujourd_hui - timedelta(days=365):%Y-%m-%d}&au={aujourd_hui:%Y-%m-%d}"
    personnel, coordination = Client(), Client()
    personnel.force_login(donnees["secretariat"])
    coordination.force_login(donnees["coordination"])
    mesures += [
        _page(personnel, "Résultats d'un stage (10 réponses)",
              reverse("questionnaires:stage_resultats", args=[donnees["stage_passe"].pk]), nb_requetes,
              BUDGET_KIOSQUE_MS),
        _page(personnel, "Résultats d'un an d'une antenne", reverse("questionnaires:resultats") + an,
              nb_requetes, BUDGET_RESULTATS_MS),
        _page(coordination, "Résultats d'un an, 30 antennes (coordination)",
              reverse("questionnaires:resultats") + an, nb_requetes, BUDGET_RESULTATS_MS),
    ]
    return mesures


def _nombre(valeur: float) -> str:
    return f"{valeur:.1f}".replace(".", ",")


def tableau_markdown(mesures: list[Mesure]) -> str:
    lignes = ["| Scénario | URL | p50 (ms) | p95 (ms) | requêtes | budget p95 | |",
              "|---|---|---:|---:|---:|---:|---|"]
    lignes += [f"| {m.libelle} | `{m.url}` | {_nombre(m.p50)} | {_nombre(m.p95)} | {m.requetes} | "
               f"{m.budget_ms} ms | {'OK' if m.dans_budget else 'KO'} |" for m in mesures]
    return "\n".join(lignes)


def volumes() -> str:
    antennes = Antenne.objects.filter(code__startswith=PREFIXE)
    return (f"{antennes.count()} antennes, "
            f"{Stage.objects.filter(antenne__in=antennes).count()} stages, "
            f"{Reponse.objects.filter(stage__antenne__in=antennes).count()} réponses, "
            f"{Valeur.objects.filter(stage__antenne__in=antennes).count()} valeurs")
