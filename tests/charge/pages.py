"""What the load scenario reads in the pages and sends back, as a browser does: the fields
of a form (CSRF token, the values seen when the page was opened, the creation key), the
links to orientations, the list's count, and the import file. No Locust here, so that
tests/charge/test_charge.py posts these very forms with Django's test client."""

import csv
import io
import random
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from stages.telephones import NumeroInvalide, en_e164


def aujourd_hui_a_paris() -> date:
    """The application's today (TIME_ZONE), not the machine's."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


class Formulaires(HTMLParser):
    """The fields a browser would send for each <form> of a page: {index: {name: value}},
    with each form's action and the page's links to orientations."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.formulaires, self.actions = [], []
        self._select = self._textarea = None
        self._premiere_option = None
        self.feed(html)

    def _champs(self) -> dict:
        return self.formulaires[-1] if self.formulaires else {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.formulaires.append({})
            self.actions.append(a.get("action") or "")
        elif tag == "input" and a.get("name") and self.formulaires:
            type_ = a.get("type", "text")
            if type_ in ("checkbox", "radio"):
                if "checked" in a:
                    self._champs()[a["name"]] = a.get("value", "on")
            elif type_ not in ("submit", "button", "file", "reset"):
                self._champs()[a["name"]] = a.get("value", "")
        elif tag == "select" and self.formulaires:
            self._select, self._premiere_option = a.get("name"), None
        elif tag == "option" and self._select:
            valeur = a.get("value", "")
            if self._premiere_option is None:
                self._premiere_option = valeur
                self._champs().setdefault(self._select, valeur)
            if "selected" in a:
                self._champs()[self._select] = valeur
        elif tag == "textarea" and a.get("name") and self.formulaires:
            self._textarea = a["name"]
            self._champs()[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # A browser drops the newline right after <textarea>.
            debut = not self._champs()[self._textarea]
            self._champs()[self._textarea] += data.removeprefix("\n") if debut else data

    def avec(self, champ: str) -> dict:
        """The first form that has this field."""
        return next(dict(f) for f in self.formulaires if champ in f)


def ids_orientations(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/orientations/(\d+)/"', html)]


def nombre_dans_la_liste(html: str) -> int:
    trouve = re.search(r"(\d+) orientations?\b", html)
    return int(trouve.group(1)) if trouve else 0


def champs_modification(html: str, observations: str) -> dict:
    """The edit form as opened, with new observations: the only field changed."""
    return Formulaires(html).avec("observations") | {"observations": observations}


def champs_nouvelle(html: str, hasard: random.Random, reference: str) -> dict:
    """The creation form filled as staff do: a new person, an alternative aux poursuites
    from the antenne's first prescripteur, received today."""
    champs = Formulaires(html).avec("cadre")
    aujourd_hui = aujourd_hui_a_paris()
    champs |= {
        "nom": hasard.choice(["Martin", "Durand", "Nguyen", "Da Silva", "Lefèvre"]),
        "prenom": hasard.choice(["Léo", "Inès", "Karim", "Chloé", "Jean-Luc"]),
        "date_naissance": (date(1960, 1, 1) + timedelta(hasard.randrange(40 * 365))).isoformat(),
        "sexe": "M", "telephone": "06 12 34 56 78", "email": "",
        "cadre": "41-1", "reference": reference,
        "date_orientation": aujourd_hui.isoformat(),
        "date_decision": (aujourd_hui - timedelta(days=12)).isoformat(),
        "type_stage": "mixte",
    }
    if not champs.get("prescripteur"):
        select = html.split('name="prescripteur"', 1)[-1].split("</select>", 1)[0]
        options = re.findall(r'<option value="(\d+)"', select)
        champs["prescripteur"] = options[0] if options else ""
    return champs


def telephone(hasard: random.Random) -> str:
    """A mobile as staff type it, one the application reads (stages/telephones.py)."""
    while True:
        saisie = f"06 {hasard.randrange(10**8):08d}"
        try:
            en_e164(saisie)
        except NumeroInvalide:
            continue
        return saisie


def nom_import(marque: str) -> str:
    """The imported persons' name: letters only, since a search with digits in it looks for
    a reference, not a name."""
    return "Import" + marque.translate(str.maketrans("0123456789", "ghijklmnop"))


def fichier_import(nombre: int, *, premiere: int = 0, marque: str, prescripteur: str) -> bytes:
    """`nombre` waiting orientations of new persons, as a spreadsheet exported elsewhere."""
    hasard = random.Random(premiere)
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(["Nom", "Prénom", "Sexe", "Date de naissance", "Téléphone", "Prescripteur",
                       "Cadre", "Référence", "Date d'orientation", "Date de décision"])
    aujourd_hui = aujourd_hui_a_paris()
    for i in range(premiere, premiere + nombre):
        orientation = aujourd_hui - timedelta(days=hasard.randrange(1, 200))
        ecrivain.writerow([
            nom_import(marque), hasard.choice(["Paul", "Anne", "Yanis", "Lina", "Marc", "Rose"]),
            hasard.choice(["H", "F"]),
            (date(1960, 1, 1) + timedelta(hasard.randrange(40 * 365))).strftime("%d/%m/%Y"),
            telephone(hasard),
            prescripteur, "41-1", f"IMP-{marque}-{i:05d}",
            orientation.strftime("%d/%m/%Y"),
            (orientation - timedelta(days=20)).strftime("%d/%m/%Y"),
        ])
    return sortie.getvalue().encode("utf-8")


# The page's own limit in this version (stages/imports/analyse.py, A_CREER_MAX_PAGE).
PAR_FICHIER_SI_ECHEC = 1000


def a_creer_au_plus(html: str) -> int | None:
    """The page's limit when it refuses a file too large to confirm from it."""
    trouve = re.search(r"un fichier crée ([\d\s\u202f]+) orientations au plus", html)
    return int(re.sub(r"\D", "", trouve.group(1))) if trouve else None


def import_confirme(statut: int, lieu: str) -> bool:
    """The import's confirmation was taken: imported in the request (redirect to the waiting
    list) or handed to the worker (redirect to the import's follow-up page)."""
    suivi = re.fullmatch(r"/orientations/import/\d+/", lieu) is not None
    return statut == 302 and (lieu == "/orientations/" or suivi)
