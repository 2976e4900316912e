"""Measure pages with the Django test client and write the figures in docs/benchmarks.md.

A scenario is plain data (URL name, query string, htmx or not, objects drawn at random),
so that adding a page to the benchmark is adding one line to a list. A URL name that does
not resolve yet is reported as "non disponible" instead of stopping the run.
"""

import os
import platform
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import django
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from stages.dates import date_longue
from stages.models import Antenne, Membre, Orientation, Role, Stage
from tests.perf import donnees

BUDGET_P95_MS, BUDGET_REQUETES = 50, 12
CHAUFFE, COMPTEES = 10, 10  # requests before the timed ones, and after them to count queries


@dataclass(frozen=True)
class Scenario:
    cle: str
    libelle: str
    vue: str  # URL name
    parametres: dict[str, str] = field(default_factory=dict)
    htmx: bool = False
    # URL kwarg -> model: each request names a random row of the measured antenne.
    objets: dict[str, type[Model]] = field(default_factory=dict)
    role: str = Role.SECRETARIAT  # the measured antenne's secretariat, or the coordination
    # URL kwargs fixed for the whole run, found from the measured antenne (a marked stage…).
    fixes: Callable[[Antenne], dict[str, int]] | None = None


SCENARIOS_LISTE_ATTENTE = [
    Scenario("accueil", "Accueil", "stages:accueil"),
    Scenario("accueil-coordination", "Accueil de la coordination (toutes les antennes)",
             "stages:accueil", role=Role.COORDINATION),
    Scenario("liste", "Liste d'attente", "stages:liste_attente"),
    Scenario("liste-page-50", "Liste d'attente, page 50", "stages:liste_attente", {"page": "50"}),
    Scenario(
        "filtre", "Fragment filtré (échéance critique, urgentes)", "stages:liste_attente",
        {"echeance": "critique", "urgent": "1"}, htmx=True,
    ),
    Scenario("recherche", "Recherche « mar »", "stages:liste_attente", {"q": "mar"}, htmx=True),
    Scenario(
        "orientation", "Fiche d'une orientation", "stages:orientation",
        objets={"orientation_id": Orientation},
    ),
]


def _mois_courant(_antenne: Antenne) -> dict[str, int]:
    aujourd_hui = timezone.localdate()
    return {"annee": aujourd_hui.year, "mois": aujourd_hui.month}


def _stage_marque(lieu: str) -> Callable[[Antenne], dict[str, int]]:
    return lambda antenne: {"stage_id": donnees.stage_repere(antenne, lieu)}


SCENARIOS_STAGES = [
    Scenario("stages", "Écran des stages (à venir, puis passés)", "stages:stages"),
    Scenario("stages-passes-page-5", "Stages passés, page 5 (fragment)", "stages:stages",
             {"page": "5"}, htmx=True),
    Scenario("stages-mois", "Séances du mois en cours", "stages:stages_mois", fixes=_mois_courant),
    Scenario("stage-une", "Page d'un stage d'une convocation", "stages:stage",
             fixes=_stage_marque(donnees.LIEU_UNE_CONVOCATION)),
    Scenario("stage-grand", "Page d'un stage de 200 convocations", "stages:stage",
             fixes=_stage_marque(donnees.LIEU_GRAND_STAGE)),
    Scenario("stage-hasard", "Page d'un stage au hasard (passé ou à venir)", "stages:stage",
             objets={"stage_id": Stage}),
    Scenario("proposition", "Proposition pour un stage à venir (celui d'une convocation)",
             "convocations:proposition", fixes=_stage_marque(donnees.LIEU_UNE_CONVOCATION)),
]

# The échéances dashboard (convocations.echeances), alone and as the staff's home page.
SCENARIOS_ECHEANCES = [
    Scenario("echeances", "Tableau des échéances (50 lignes par section)", "convocations:echeances"),
    Scenario("accueil-echeances", "Accueil du secrétariat (tableau des échéances, 10 lignes par section)",
             "stages:accueil"),
]


@dataclass
class Resultat:
    scenario: Scenario
    exemple: str = ""  # one of the URLs measured
    durees_ms: list[float] = field(default_factory=list)
    requetes: list[int] = field(default_factory=list)
    probleme: str = ""  # "non disponible", "réponse HTTP 500"...

    @property
    def p50(self) -> float:
        return statistics.median(self.durees_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.durees_ms, n=20, method="inclusive")[-1]

    @property
    def max(self) -> float:
        return max(self.durees_ms)

    @property
    def dans_budget(self) -> bool:
        return self.p95 <= BUDGET_P95_MS and max(self.requetes) <= BUDGET_REQUETES


def mesurer(
    client: Client, scenario: Scenario, *, antenne: Antenne, nb_requetes: int,
    hasard: random.Random,
) -> Resultat:
    """Warm up, time `nb_requetes` requests, then count the queries of a few more.

    Queries are counted apart from the timed requests: capturing them makes Django
    format every statement (on SQLite, one extra query each), which would skew the times.
    """
    ids = {
        cle: list(modele.objects.filter(antenne=antenne).values_list("pk", flat=True))
        for cle, modele in scenario.objets.items()
    }
    fixes = scenario.fixes(antenne) if scenario.fixes else {}
    suffixe = f"?{urlencode(scenario.parametres)}" if scenario.parametres else ""

    def chemin() -> str:
        kwargs = fixes | {cle: hasard.choice(valeurs) for cle, valeurs in ids.items()}
        return reverse(scenario.vue, kwargs=kwargs) + suffixe

    try:
        resultat = Resultat(scenario, exemple=chemin())
    except NoReverseMatch:
        return Resultat(scenario, probleme="non disponible")
    entetes = {"HX-Request": "true"} if scenario.htmx else {}

    for _ in range(CHAUFFE):
        if (statut := client.get(chemin(), headers=entetes).status_code) != 200:
            resultat.probleme = f"réponse HTTP {statut}"
            return resultat
    for _ in range(nb_requetes):
        url = chemin()
        debut = time.perf_counter()
        client.get(url, headers=entetes)
        resultat.durees_ms.append((time.perf_counter() - debut) * 1000)
    for _ in range(COMPTEES):
        with CaptureQueriesContext(connection) as requetes:
            client.get(chemin(), headers=entetes)
        resultat.requetes.append(len(requetes))
    return resultat


def _client(role: str, antenne: Antenne) -> Client:
    membre = Membre.objects.select_related("user").get(
        role=role, antenne=None if role == Role.COORDINATION else antenne
    )
    client = Client(raise_request_exception=False)  # a 500 is reported, not raised
    client.force_login(membre.user)
    return client


def mesurer_tout(
    scenarios: list[Scenario], *, antenne: Antenne, nb_requetes: int, graine: int = 2026,
) -> list[Resultat]:
    clients = {role: _client(role, antenne) for role in {s.role for s in scenarios}}
    hasard = random.Random(graine)
    return [
        mesurer(clients[scenario.role], scenario, antenne=antenne, nb_requetes=nb_requetes,
                hasard=hasard)
        for scenario in scenarios
    ]


ENTETES = ["Scénario", "URL mesurée", "p50 (ms)", "p95 (ms)", "max (ms)", "requêtes", "budget"]


def _nombre(valeur: float) -> str:
    return f"{valeur:.1f}".replace(".", ",")


def lignes(resultats: list[Resultat]) -> list[list[str]]:
    tableau = []
    for r in resultats:
        if r.probleme:
            tableau.append([r.scenario.libelle, r.exemple or r.scenario.vue, "", "", "", "",
                            r.probleme])
            continue
        requetes = f"{min(r.requetes)}" if min(r.requetes) == max(r.requetes) else (
            f"{min(r.requetes)}–{max(r.requetes)}"
        )
        tableau.append([
            r.scenario.libelle, r.exemple, _nombre(r.p50), _nombre(r.p95), _nombre(r.max),
            requetes, "OK" if r.dans_budget else "KO",
        ])
    return tableau


def tableau_texte(resultats: list[Resultat]) -> str:
    rangees = [ENTETES, *lignes(resultats)]
    largeurs = [max(len(rangee[i]) for rangee in rangees) for i in range(len(ENTETES))]
    return "\n".join(
        "  ".join(cellule.ljust(largeur) for cellule, largeur in zip(rangee, largeurs, strict=True))
        .rstrip()
        for rangee in rangees
    )


def tableau_markdown(resultats: list[Resultat]) -> str:
    def rangee(cellules):
        return "| " + " | ".join(cellules) + " |"

    corps = [
        [libelle, f"`{url}`", *reste] for libelle, url, *reste in lignes(resultats)
    ]
    return "\n".join([
        rangee(ENTETES), "|---|---|---:|---:|---:|---:|---|", *map(rangee, corps)
    ])


def base_utilisee() -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000} (base `{connection.settings_dict['NAME']}`)"
    return f"SQLite {sqlite3.sqlite_version} (fichier `{Path(connection.settings_dict['NAME']).name}`)"


def _processeur() -> str:
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                return ligne.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def vitesse_processeur() -> float:
    """Milliseconds for a fixed pure-Python loop (best of 5): this shared machine's speed
    varies from one day to the next, and the figures are only comparable with it."""
    durees = []
    for _ in range(5):
        debut = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        durees.append((time.perf_counter() - debut) * 1000)
    return min(durees)


def machine() -> str:
    memoire = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cœurs ({_processeur()}), {_nombre(memoire)} Gio de mémoire, "
        f"{platform.system()} ; Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version} ; base mesurée : {base_utilisee()} ; "
        f"charge de la machine au départ : {_nombre(os.getloadavg()[0])} (moyenne sur 1 min) ; "
        f"boucle de référence (10⁶ additions en Python) : {_nombre(vitesse_processeur())} ms"
    )


def maintenant() -> str:
    heure = timezone.localtime()
    return f"{date_longue(heure)} à {heure:%H:%M}"


def remplacer_section(texte: str, cle: str, contenu: str) -> str:
    """Replace the section between `<!-- bench:cle -->` markers, or append it."""
    debut, fin = f"<!-- bench:{cle} -->", f"<!-- /bench:{cle} -->"
    section = f"{debut}\n{contenu.strip()}\n{fin}"
    motif = re.compile(re.escape(debut) + ".*?" + re.escape(fin), re.DOTALL)
    if motif.search(texte):
        return motif.sub(lambda _: section, texte)
    return f"{texte.rstrip()}\n\n{section}\n"


def section(*, titre: str, donnees: str, resultats: list[Resultat], nb_requetes: int) -> str:
    return "\n\n".join([
        f"## {titre}",
        f"Mesuré le {maintenant()} sur : {machine()}.",
        f"Données : {donnees}.",
        f"Par scénario : {CHAUFFE} requêtes de chauffe, {nb_requetes} requêtes chronométrées "
        "avec le client de test de Django (vues, middlewares, session et base, sans serveur "
        f"HTTP ni réseau), puis {COMPTEES} requêtes dont on compte les requêtes SQL. "
        f"Budget : p95 ≤ {BUDGET_P95_MS} ms et ≤ {BUDGET_REQUETES} requêtes SQL par page.",
        tableau_markdown(resultats),
    ])


def ecrire_section(fichier: Path, cle: str, contenu: str) -> None:
    texte = fichier.read_text() if fichier.exists() else "# Mesures de performance\n"
    fichier.write_text(remplacer_section(texte, cle, contenu))
