"""`make charge`: the load scenario (tests/charge/locustfile.py) against gunicorn on the
production settings and a qcluster worker, then the check that every save the application
confirmed is in the database, and the figures in docs/charge.md.

Runs under config.settings.charge (the Makefile sets the production environment) on a
database whose name starts with « charge », rebuilt with the benchmark's generator before
each run: every run starts from the same data.
"""

import json
import os
import secrets
import shlex
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from stages.models import Antenne, Membre, Orientation, Prescripteur, Role, TypePrescripteur
from tests.perf import donnees, mesure

ANTENNES, ORIENTATIONS = 10, 15_000
COMPTES_MAX = 60
ADMIN = "charge-admin"
# Not imported: importing locust patches the process for gevent.
LOCUSTFILE = settings.BASE_DIR / "tests" / "charge" / "locustfile.py"
# The peers and the importer are Locust users of their own, on top of the staff sessions.
PAIRS = ("pair : liste d'attente", "pair : admin (changelist)")
HORS_MELANGE = ("accueil", "statique", "import", "pair")
OBJECTIF_P95_PG_MS, OBJECTIF_RAPPORT_ADMIN, OBJECTIF_P95_IMPORT_MS = 300, 2, 1000


def commande_gunicorn(port: int) -> list[str]:
    """The command of docs/deploiement.md, as documented, on a port of the loopback."""
    texte = (settings.BASE_DIR / "docs" / "deploiement.md").read_text()
    ligne = next(ligne for ligne in texte.splitlines() if ligne.startswith(".venv/bin/gunicorn "))
    mots = shlex.split(ligne)
    mots[mots.index("--bind") + 1] = f"127.0.0.1:{port}"
    mots[0] = str(Path(sys.executable).with_name("gunicorn"))
    return mots


def centile(valeurs: list[float], rang: int) -> float:
    if len(valeurs) < 2:
        return valeurs[0] if valeurs else 0.0
    return statistics.quantiles(valeurs, n=100, method="inclusive")[rang - 1]


def dans_le_melange(nom: str) -> bool:
    return not nom.startswith(HORS_MELANGE)


class Command(BaseCommand):
    help = "Scénario de charge Locust sur gunicorn et le worker ; chiffres dans docs/charge.md."

    def add_arguments(self, parser):
        parser.add_argument("--utilisateurs", type=int, default=10,
                            help="Sessions du personnel simultanées.")
        parser.add_argument("--duree", type=int, default=60, help="Secondes.")
        parser.add_argument("--import", dest="lignes_import", type=int, default=0,
                            help="Lignes de l'import lancé au milieu (0 : pas d'import).")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, utilisateurs, duree, lignes_import, port, **options):
        nom = Path(connection.settings_dict["NAME"]).name
        if not nom.startswith("charge"):
            raise CommandError(f"La base « {nom} » n'est pas une base de charge (nom commençant "
                               "par « charge ») : le scénario efface ses données.")
        if not 1 <= utilisateurs <= COMPTES_MAX or duree < 10:
            raise CommandError(f"De 1 à {COMPTES_MAX} utilisateurs, 10 s au moins.")
        donnees.creer_base_postgresql(nom)
        call_command("migrate", interactive=False, verbosity=0)
        donnees.reconstruire(antennes=ANTENNES, orientations=ORIENTATIONS, annoncer=self.stdout.write)
        comptes = self._comptes(utilisateurs)
        call_command("collectstatic", interactive=False, verbosity=0)
        marque = secrets.token_hex(3)

        dossier = settings.BASE_DIR / "charge-journaux"  # kept: gunicorn's and qcluster's logs
        dossier.mkdir(exist_ok=True)
        journal_fichier = Path(dossier) / "journal.json"
        environnement = os.environ | {
            "CHARGE_JOURNAL": str(journal_fichier), "CHARGE_COMPTES": json.dumps(comptes),
            "CHARGE_IMPORT": str(lignes_import), "CHARGE_IMPORT_APRES": str(duree // 4),
            "CHARGE_IMPORT_PRESCRIPTEUR": self._prescripteur_import(comptes),
            "CHARGE_MARQUE": marque,
            "PYTHONPATH": str(settings.BASE_DIR),  # the locustfile imports tests.charge.pages
        }
        processus = []
        try:
            processus.append(self._lancer([sys.executable, "manage.py", "qcluster"],
                                          environnement, Path(dossier) / "qcluster.log"))
            processus.append(self._lancer(commande_gunicorn(port), environnement,
                                          Path(dossier) / "gunicorn.log"))
            self._attendre_le_serveur(port)
            debut = time.time()
            self._locust(utilisateurs, duree, lignes_import, port, environnement)
            duree_reelle = time.time() - debut
        finally:
            for p in reversed(processus):
                self._arreter(p)
        if not journal_fichier.exists():
            raise CommandError("Locust n'a pas écrit son journal : voir sa sortie ci-dessus.")
        journal = json.loads(journal_fichier.read_text())
        controle = self.controler(journal, marque)
        resultats = self.resultats(journal, duree)
        self._ecrire(utilisateurs, duree, lignes_import, journal, controle, resultats, duree_reelle)

    def _comptes(self, nombre: int) -> list[list]:
        """Staff accounts spread over the antennes (the first ones for the importer and the
        list's peer, each its own session), the admin of the other peer.
        Each account comes with a session already open: staff log in once in the morning,
        and 50 argon2 logins at the same second are not the day's work."""
        antennes = list(Antenne.objects.order_by("code"))
        User = get_user_model()
        comptes = []
        for i in range(1, COMPTES_MAX + 1):
            antenne = antennes[(i - 1) % len(antennes)]
            user, creee = User.objects.get_or_create(username=f"charge-{i:03d}")
            if creee:
                Membre.objects.create(user=user, antenne=antenne, role=Role.SECRETARIAT)
            comptes.append([user.username, antenne.pk])
        User.objects.get_or_create(username=ADMIN, defaults={"is_staff": True, "is_superuser": True})
        # Importer, list's peer, admin's peer, then the staff sessions (Locust's order).
        speciaux = [comptes[0], comptes[10], [ADMIN, comptes[0][1]]]
        choisis = speciaux + [c for c in comptes if c not in speciaux][:nombre]
        return [[*c, self._session(c[0])] for c in choisis]

    def _session(self, username: str) -> str:
        user = get_user_model().objects.get(username=username)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    def _prescripteur_import(self, comptes) -> str:
        return Prescripteur.objects.get(antenne=comptes[0][1], type=TypePrescripteur.PARQUET).nom

    def _lancer(self, commande: list[str], environnement: dict, journal: Path):
        self.stdout.write(f"Lancement : {shlex.join(commande)}")
        sortie = journal.open("w")
        # A process group of its own: stopped with its workers, and only it.
        return subprocess.Popen(commande, env=environnement, stdout=sortie,  # noqa: S603
                                stderr=subprocess.STDOUT, start_new_session=True,
                                cwd=settings.BASE_DIR)

    def _arreter(self, p: subprocess.Popen) -> None:
        """SIGTERM to the group; qcluster may hang in its own handler (django-q2 #346)."""
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        except ProcessLookupError:
            pass

    def _attendre_le_serveur(self, port: int) -> None:
        requete = urllib.request.Request(f"http://127.0.0.1:{port}/connexion/",
                                         headers={"X-Forwarded-Proto": "https"})
        for _ in range(60):
            try:
                with urllib.request.urlopen(requete, timeout=5) as reponse:  # noqa: S310
                    if reponse.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn ne répond pas sur le port de charge.")

    def _locust(self, utilisateurs, duree, lignes_import, port, environnement) -> None:
        # The importer and the two peers are Locust users too, started first.
        en_plus = len(PAIRS) + (1 if lignes_import else 0)
        commande = [
            str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE),
            "--headless", "--only-summary", "-u", str(utilisateurs + en_plus),
            "-r", "10", "--run-time", f"{duree}s", "--host", f"http://127.0.0.1:{port}",
            # The import's task ends by itself (rows seen or its own limit).
            "--stop-timeout", "240" if lignes_import else "30", "--loglevel", "WARNING",
        ]
        self.stdout.write(f"Lancement : {shlex.join(commande)}")
        subprocess.run(commande, env=environnement, cwd=settings.BASE_DIR, check=False)  # noqa: S603

    def controler(self, journal: dict, marque: str) -> dict:
        """Every save the application confirmed (redirection after the POST), looked up."""
        historique = Orientation.history.model
        confirmes, trouves, absents = Counter(), Counter(), []
        for e in journal["enregistrements"]:
            if e["type"] == "modification":
                present = historique.objects.filter(
                    id=e["orientation"], observations=e["observations"]).exists()
            elif e["type"] == "création":
                present = Orientation.objects.filter(
                    pk=e["orientation"], reference=e["reference"]).exists()
            elif e["type"] == "import":
                references = [f"IMP-{marque}-{i:05d}"
                              for i in range(e["premiere"], e["premiere"] + e["lignes"])]
                present = Orientation.objects.filter(reference__in=references).count() == e["lignes"]
            else:
                continue  # refused: nothing was confirmed
            poids = e.get("lignes", 1)
            confirmes[e["type"]] += poids
            trouves[e["type"]] += poids if present else 0
            if not present:
                absents.append(e)
        refuses = Counter(e["type"] for e in journal["enregistrements"] if "refus" in e["type"])
        return {"confirmes": confirmes, "trouves": trouves, "absents": absents, "refuses": refuses}

    def resultats(self, journal: dict, duree: int) -> dict:
        par_nom = defaultdict(list)
        for debut, nom, ms, statut, issue in journal["requetes"]:
            par_nom[nom].append((debut, ms, statut, issue))
        imp = journal.get("import") or {}
        pendant = [ms for nom, lignes in par_nom.items() if dans_le_melange(nom)
                   for debut, ms, _s, _i in lignes
                   if imp.get("debut", 0) <= debut <= imp.get("fin", 0)]
        melange = [ms for nom, lignes in par_nom.items() if dans_le_melange(nom)
                   for _d, ms, _s, _i in lignes]
        issues = Counter(i for lignes in par_nom.values() for *_r, i in lignes if i)
        # Every session started (its first page answered): the day's steady state.
        connectes = max((debut + ms / 1000 for debut, ms, _s, _i in par_nom.get("accueil", [])),
                        default=0)
        etabli = [ms for nom, lignes in par_nom.items() if dans_le_melange(nom)
                  for debut, ms, _s, _i in lignes if debut >= connectes]
        return {"par_nom": dict(par_nom), "pendant_import": pendant, "melange": melange,
                "etabli": etabli, "issues": issues, "duree": duree}

    def _ecrire(self, utilisateurs, duree, lignes_import, journal, controle, r, duree_reelle):
        def n(valeur, chiffres=0):
            return f"{valeur:.{chiffres}f}".replace(".", ",")

        rangees = ["| Requête | nombre | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | "
                   "erreurs | timeouts |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for nom in sorted(r["par_nom"], key=lambda x: (not dans_le_melange(x), x)):
            lignes = r["par_nom"][nom]
            ms = [x[1] for x in lignes]
            erreurs = sum(1 for x in lignes if x[3] and x[3] != "timeout")
            timeouts = sum(1 for x in lignes if x[3] == "timeout")
            rangees.append(
                f"| {nom} | {len(lignes)} | {n(len(lignes) / duree, 2)} | {n(centile(ms, 50))} | "
                f"{n(centile(ms, 95))} | {n(centile(ms, 99))} | {n(max(ms))} | {erreurs} | "
                f"{timeouts} |")
        melange = r["melange"]
        moyennes = {nom: statistics.fmean(x[1] for x in r["par_nom"].get(nom, [(0, 0)]))
                    for nom in PAIRS}
        rapport = moyennes[PAIRS[1]] / moyennes[PAIRS[0]] if moyennes[PAIRS[0]] else 0
        serveur = r["issues"].get("erreur serveur", 0)
        timeouts = r["issues"].get("timeout", 0)
        p95 = centile(melange, 95)
        c = controle
        confirmes, trouves = sum(c["confirmes"].values()), sum(c["trouves"].values())
        imp = journal.get("import") or {}
        verdicts = [f"erreurs serveur : {serveur}, timeouts : {timeouts} "
                    f"({'objectif tenu' if serveur == timeouts == 0 else 'OBJECTIF MANQUÉ'})",
                    f"enregistrements confirmés retrouvés en base : {trouves} sur {confirmes} "
                    f"({'tous' if trouves == confirmes else 'MANQUANTS : ' + str(c['absents'][:5])})"]
        autres = {i: k for i, k in r["issues"].items() if i not in ("erreur serveur", "timeout")}
        if autres:
            verdicts.append(f"autres échecs (réponses 4xx, connexions coupées) : {autres}")
        p95_etabli = centile(r["etabli"], 95)
        verdicts.append(f"p95 du mélange une fois toutes les sessions ouvertes : {n(p95_etabli)} ms "
                        f"sur {len(r['etabli'])} requêtes (sur toute la durée : {n(p95)} ms sur "
                        f"{len(melange)})")
        if connection.vendor == "postgresql":
            tenu = max(p95, p95_etabli) <= OBJECTIF_P95_PG_MS
            verdicts.append(
                f"p95 du mélange : {n(p95)} ms (objectif ≤ {OBJECTIF_P95_PG_MS} ms : "
                f"{'tenu' if tenu else 'MANQUÉ'}) ; débit de la liste "
                f"{n(rapport, 1)} × celui de l'admin (objectif ≥ {OBJECTIF_RAPPORT_ADMIN} : "
                f"{'tenu' if rapport >= OBJECTIF_RAPPORT_ADMIN else 'MANQUÉ'})")
        else:
            verdicts.append(f"p95 du mélange : {n(p95)} ms ; débit de la liste {n(rapport, 1)} × "
                            "celui de l'admin")
        if imp:
            p95_import = centile(r["pendant_import"], 95)
            verdicts.append(
                f"import de {imp['lignes']} lignes : {imp.get('confirmees', 0)} confirmées, "
                f"{imp.get('vues_dans_la_liste', 0)} vues dans la liste, en "
                f"{n(imp.get('fin', imp['debut']) - imp['debut'])} s"
                + (f" (refus : {imp['refus']})" if imp.get("refus") else "")
                + (f" ; incidents : {'; '.join(imp['incidents'])}" if imp.get("incidents") else "")
                + f" ; pendant l'import, p95 des autres utilisateurs : {n(p95_import)} ms sur "
                f"{len(r['pendant_import'])} requêtes (objectif ≤ {OBJECTIF_P95_IMPORT_MS} ms : "
                f"{'tenu' if r['pendant_import'] and p95_import <= OBJECTIF_P95_IMPORT_MS else 'MANQUÉ'})")
        total = sum(len(v) for v in r["par_nom"].values())
        titre = (f"{connection.display_name}, {utilisateurs} sessions, {duree} s"
                 + (f", import de {lignes_import} lignes" if lignes_import else ""))
        commande = (f"make charge UTILISATEURS={utilisateurs} DUREE={duree} IMPORT={lignes_import}"
                    + (" DATABASE_URL=postgres://…/charge_db" if connection.vendor == "postgresql" else ""))
        contenu = "\n\n".join([
            f"## {titre}",
            f"Mesuré le {mesure.maintenant()} avec `{commande}` sur : {mesure.machine()}.",
            f"Données : {donnees.Volumes.en_base()} (après le scénario). gunicorn : "
            f"`{shlex.join(commande_gunicorn(0)[1:]).replace('127.0.0.1:0', '127.0.0.1:…')}` ; "
            f"un worker qcluster. Durée réelle (arrêt des tâches en cours compris) : "
            f"{n(duree_reelle)} s ; {total} requêtes, {n(total / duree, 1)} req/s ; charge de la "
            f"machine à la fin : {n(os.getloadavg()[0], 1)} (moyenne sur 1 min, d'autres "
            "processus compris).",
            "\n".join(f"- {v}" for v in verdicts),
            "\n".join(rangees),
            f"Enregistrements : confirmés {dict(c['confirmes'])}, retrouvés {dict(c['trouves'])}, "
            f"refusés par l'application {dict(c['refuses']) or 0}.",
        ])
        cle = f"charge:{connection.vendor}:{utilisateurs}:{'import' if lignes_import else 'sans-import'}"
        fichier = settings.BASE_DIR / "docs" / "charge.md"
        if not fichier.exists():
            fichier.write_text("# Tests de charge\n")
        mesure.ecrire_section(fichier, cle, contenu)
        self.stdout.write(contenu)
        self.stdout.write(self.style.SUCCESS(f"Chiffres écrits dans {fichier}."))
        if c["absents"]:
            raise CommandError(f"{len(c['absents'])} enregistrement(s) confirmé(s) absent(s) de la base.")

