"""The load scenario of `make charge` (docs/charge.md): a day's staff sessions against
gunicorn on the production settings, plus one large import and two peers.

Plain HTTP on the loopback stands for nginx: each request says X-Forwarded-Proto: https
(SECURE_PROXY_SSL_HEADER) and an Origin, as the browser behind nginx does, and the
secure-only cookies are sent back over it. No Django here: the runner
(stages/management/commands/charge.py) reads the journal this file writes and checks the
database.

Environment (set by the runner): CHARGE_JOURNAL (JSON file written at the end),
CHARGE_COMPTES (JSON list of [username, antenne id, open session key]: the importer's,
the list peer's, the admin peer's, then the staff's), CHARGE_IMPORT (number of rows of the
import, 0: none), CHARGE_IMPORT_APRES (seconds before it starts),
CHARGE_IMPORT_PRESCRIPTEUR, CHARGE_MARQUE (this run's mark in saved values).
"""

import itertools
import json
import os
import random
import re
import time

import requests
from locust import HttpUser, between, constant, events, task
from requests.cookies import RequestsCookieJar

from tests.charge.pages import (
    PAR_FICHIER_SI_ECHEC,
    Formulaires,
    a_creer_au_plus,
    champs_modification,
    champs_nouvelle,
    fichier_import,
    ids_orientations,
    import_confirme,
    nom_import,
    nombre_dans_la_liste,
)

COMPTES = json.loads(os.environ.get("CHARGE_COMPTES", "[]"))
LIGNES_IMPORT = int(os.environ.get("CHARGE_IMPORT", "0"))
IMPORT_APRES = float(os.environ.get("CHARGE_IMPORT_APRES", "15"))
PRESCRIPTEUR_IMPORT = os.environ.get("CHARGE_IMPORT_PRESCRIPTEUR", "")
MARQUE = os.environ.get("CHARGE_MARQUE", "essai")
# gunicorn's --timeout: a request still unanswered then is a timeout.
DELAI_S = 30
# How long the import may take to show its rows (the worker's job included).
ATTENTE_IMPORT_S = 180

# What the runner reads: every request, every save the application confirmed, the import.
JOURNAL = {"requetes": [], "enregistrements": [], "import": {}}
_comptes = itertools.count()
_debut = time.time()


@events.request.add_listener
def _noter(request_type, name, response_time, response, exception, start_time=None, **_kwargs):
    statut = getattr(response, "status_code", 0) or 0
    if isinstance(exception, requests.exceptions.Timeout):
        issue = "timeout"
    elif statut >= 500:
        issue = "erreur serveur"
    elif exception is not None or statut == 0 or statut >= 400:
        issue = f"échec {statut or type(exception).__name__}"
    else:
        issue = ""
    JOURNAL["requetes"].append([start_time or time.time(), name, response_time, statut, issue])


@events.test_start.add_listener
def _demarrer(**_kwargs):
    global _debut
    _debut = time.time()


@events.test_stop.add_listener
def _ecrire(**_kwargs):
    chemin = os.environ.get("CHARGE_JOURNAL")
    if chemin:
        with open(chemin, "w", encoding="utf-8") as fichier:
            json.dump(JOURNAL, fichier)


class JarreLoopback(RequestsCookieJar):
    """nginx speaks HTTPS to the browser: the Secure cookies (session, CSRF) come back over
    the loopback's plain HTTP. (A cookie policy would not do: requests copies the jar into
    a default one for each request.)"""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Session(HttpUser):
    abstract = True
    host = "http://127.0.0.1:8765"

    def on_start(self):
        self.client.cookies = JarreLoopback()
        self.client.headers.update({
            "X-Forwarded-Proto": "https", "Origin": f"https://{self.host.split('://', 1)[1]}",
            # nginx as configured (no upstream keepalive) opens one connection per request.
            "Connection": "close",
        })
        self.hasard = random.Random()
        self.compte, self.antenne, session = self.choisir_compte()
        # A session opened in the morning (the runner's): the day's work, not 50 logins at once.
        self.client.cookies.set("sessionid", session, domain=self.host.split("://", 1)[1].split(":")[0])
        page = self.client.get("/", name="accueil", timeout=DELAI_S)
        # The CSS and scripts once, served by whitenoise; the browser keeps them afterwards.
        for statique in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text))):
            self.client.get(statique, name="statique (whitenoise)", timeout=DELAI_S)

    def choisir_compte(self) -> tuple[str, int, str]:
        """COMPTES: the importer's, the list peer's, the admin peer's, then the staff's."""
        personnel = COMPTES[3:]
        return tuple(personnel[next(_comptes) % len(personnel)])

    def get(self, url, nom, **kwargs):
        return self.client.get(url, name=nom, timeout=DELAI_S, **kwargs)

    def poster(self, url, nom, champs, **kwargs):
        """A form sent: the application answers a saved form with a redirection."""
        return self.client.post(url, data=champs, name=nom, allow_redirects=False,
                                timeout=DELAI_S, **kwargs)

    def noter(self, type_, **valeurs):
        JOURNAL["enregistrements"].append({"type": type_, "compte": self.compte, **valeurs})


class Secretariat(Session):
    """A secretariat's day: the list, a search, a fiche, an edit, a new orientation, an
    export. Think time: a few seconds between two clicks."""

    wait_time = between(1, 5)
    ids: list[int] = []

    def orientation_au_hasard(self) -> int | None:
        if not self.ids:
            self.liste()
        return self.hasard.choice(self.ids) if self.ids else None

    @task(10)
    def liste(self):
        page = self.get(f"/orientations/?page={self.hasard.randint(1, 5)}", "liste")
        self.ids = ids_orientations(page.text) or self.ids

    @task(6)
    def recherche(self):
        debut = self.hasard.choice(["mar", "ber", "dub", "lef", "nic", "sim", "gar", "rou"])
        self.get(f"/orientations/?q={debut}", "recherche", headers={"HX-Request": "true"})

    @task(8)
    def fiche(self):
        if (id_ := self.orientation_au_hasard()) is not None:
            self.get(f"/orientations/{id_}/", "fiche")

    @task(3)
    def modification(self):
        id_ = self.orientation_au_hasard()
        if id_ is None:
            return
        url = f"/orientations/{id_}/modifier/"
        page = self.get(url, "modification : formulaire")
        if page.status_code != 200:
            return
        marque = f"charge {MARQUE} {self.compte} {time.time():.6f}"
        champs = champs_modification(page.text, marque)
        reponse = self.poster(url, "modification : enregistrement", champs)
        if reponse.status_code == 302:
            self.noter("modification", orientation=id_, observations=marque)
        else:
            self.noter("modification refusée", orientation=id_, statut=reponse.status_code)

    @task(2)
    def nouvelle(self):
        url = "/orientations/nouvelle/"
        page = self.get(url, "nouvelle : formulaire")
        if page.status_code != 200:
            return
        reference = f"CH-{MARQUE}-{self.compte}-{time.time():.6f}"[:50]
        champs = champs_nouvelle(page.text, self.hasard, reference)
        reponse = self.poster(url, "nouvelle : enregistrement", champs)
        trouve = re.fullmatch(r"/orientations/(\d+)/", reponse.headers.get("Location", ""))
        if reponse.status_code == 302 and trouve:
            self.noter("création", orientation=int(trouve.group(1)), reference=reference)
        else:
            self.noter("création refusée", reference=reference, statut=reponse.status_code)

    @task(1)
    def export(self):
        self.get("/orientations/export.csv", "export CSV")


class Importeur(Session):
    """One secretariat imports a large file in the middle of the run, through the page
    (upload, preview, confirmation), then waits until its rows are in the list: the
    confirmation may import in the request or start a worker job."""

    abstract = not LIGNES_IMPORT
    fixed_count = 1
    wait_time = constant(1)

    def choisir_compte(self):
        return tuple(COMPTES[0])  # the antenne whose prescripteur the file names

    @task
    def importer(self):
        if JOURNAL["import"]:
            time.sleep(5)
            return
        time.sleep(max(0, IMPORT_APRES - (time.time() - _debut)))
        JOURNAL["import"] = {"debut": time.time(), "lignes": LIGNES_IMPORT, "confirmees": 0}
        morceaux = [(0, LIGNES_IMPORT)]
        while morceaux:
            premiere, nombre = morceaux.pop(0)
            limite = self.deposer(premiere, nombre)
            if limite:  # too large for the page: in pieces, as the page itself advises
                morceaux = [(p, min(limite, premiere + nombre - p))
                            for p in range(premiere, premiere + nombre, limite)] + morceaux
        JOURNAL["import"]["fin"] = time.time()  # the deposits; the wait may be cut
        self.attendre_les_lignes()

    def deposer(self, premiere: int, nombre: int) -> int | None:
        """Upload and confirm one file; returns the page's limit if it is too large."""
        url = "/orientations/import/"
        page = self.get(url, "import : page")
        champs = Formulaires(page.text).avec("csrfmiddlewaretoken")
        try:
            apercu = self.client.post(
                url, data=champs, name="import : aperçu", timeout=DELAI_S,
                files={"fichier": (f"import-{premiere}.csv", fichier_import(
                    nombre, premiere=premiere, marque=MARQUE, prescripteur=PRESCRIPTEUR_IMPORT),
                                   "text/csv")},
            )
        except requests.exceptions.RequestException:  # Locust usually returns it, noted
            apercu = None
        if apercu is None or not apercu.status_code or apercu.status_code >= 500:
            # What staff do when the page gives up: smaller files, as the page advises.
            JOURNAL["import"].setdefault("incidents", []).append(
                f"aperçu de {nombre} lignes : {getattr(apercu, 'status_code', 0) or 'pas de réponse'}")
            return PAR_FICHIER_SI_ECHEC if nombre > PAR_FICHIER_SI_ECHEC else None
        if (limite := a_creer_au_plus(apercu.text)) and limite < nombre:
            return limite
        try:
            confirmation = Formulaires(apercu.text).avec("jeton")
        except StopIteration:
            JOURNAL["import"]["refus"] = f"aperçu sans confirmation ({apercu.status_code})"
            return None
        reponse = self.poster("/orientations/import/confirmer/", "import : confirmation", confirmation)
        # Back to the import page instead: refused ("plus en attente").
        if import_confirme(reponse.status_code, reponse.headers.get("Location", "")):
            JOURNAL["import"]["confirmees"] += nombre
            self.noter("import", premiere=premiere, lignes=nombre)
        else:
            JOURNAL["import"].setdefault("incidents", []).append(
                f"confirmation de {nombre} lignes : réponse {reponse.status_code or 'absente'} "
                f"{reponse.headers.get('Location', '')}".rstrip())
        return None

    def attendre_les_lignes(self):
        fin = time.time() + ATTENTE_IMPORT_S
        vues = 0
        while time.time() < fin:
            page = self.get(f"/orientations/?q={nom_import(MARQUE)}", "import : attente des lignes")
            vues = nombre_dans_la_liste(page.text)
            if vues >= JOURNAL["import"]["confirmees"]:
                break
            time.sleep(2)
        JOURNAL["import"] |= {"fin": time.time(), "vues_dans_la_liste": vues}


class _Pair(Session):
    """One page again and again, beside its peer (the list and the admin's changelist of the
    same rows), each with its own account."""

    abstract = True
    fixed_count = 1
    wait_time = constant(0.5)
    compte = 0  # in COMPTES
    nom = ""

    def choisir_compte(self):
        return tuple(COMPTES[self.compte])

    def adresse(self) -> str:
        raise NotImplementedError

    @task
    def page(self):
        self.get(self.adresse(), self.nom)


class PairListe(_Pair):
    """The waiting list of one antenne: the peer of `PairAdmin`."""

    compte, nom = 1, "pair : liste d'attente"

    def adresse(self) -> str:
        return "/orientations/"


class PairAdmin(_Pair):
    """The same list (one antenne, waiting, 50 a page) in the Django admin's changelist."""

    compte, nom = 2, "pair : admin (changelist)"

    def adresse(self) -> str:
        return f"/admin-pair/stages/orientation/?antenne__id__exact={self.antenne}&statut__exact=en_attente"


# The daily mix the runner and its test expect of the staff sessions.
MELANGE_DU_JOUR = ("liste", "recherche", "fiche", "modification", "nouvelle", "export")
