"""Benchmark data: antennes, prescripteurs, personnes and orientations, created in bulk.

Reproducible (seeded) and realistic enough for the planner: about 30 % waiting, the open
orientations recent so that deadlines are spread over dépassée / critique / proche / ok,
a few % urgent, about 5 % volontaires without prescripteur, both sexes, every cadre.
bulk_create skips `save()` and simple-history: the normalised names and the words of the
name search are written here, and the benchmark database has no history rows. It also skips
`full_clean()`: every row is drawn so that the models' validation accepts it (phones read by
stages/telephones.py, e-mails a form accepts, no date in the future, a transfer's
destination), which tests/perf/test_donnees_valides.py checks.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from stages.demo import NOMS, PRENOMS  # people drawn from the demo's names
from stages.models import (
    STATUTS_OUVERTS,
    Antenne,
    Cadre,
    Membre,
    MotDuNom,
    Orientation,
    Personne,
    Prescripteur,
    Role,
    Sexe,
    Statut,
    TypePrescripteur,
    TypeStage,
    normaliser,
)
from stages.telephones import NumeroInvalide, en_e164

# Weights; the open statuses are drawn among the last months' orientations only.
STATUTS = {
    Statut.EN_ATTENTE: 30, Statut.CONVOQUEE: 7, Statut.STAGE_EFFECTUE: 3, Statut.TERMINEE: 42,
    Statut.A_RETOURNER: 2, Statut.RETOURNEE: 6, Statut.TRANSFEREE: 3, Statut.ANNULEE: 7,
}
CADRES = {
    Cadre.ALTERNATIVE: 34, Cadre.COMPOSITION: 10, Cadre.PEINE: 15, Cadre.SURSIS: 15,
    Cadre.CONTROLE_JUDICIAIRE: 5, Cadre.CRPC: 9, Cadre.JAF: 7, Cadre.VOLONTAIRE: 5,
}
PART_FEMMES, PART_URGENTES, PART_PROLONGEES = 0.12, 0.03, 0.05
JOURS_HISTORIQUE, JOURS_OUVERTES = 3 * 365, 270
TAILLE_LOT = 5000
# Outside the network: a transfer to an antenne the application does not know.
DESTINATIONS = ["Gironde (33)", "Nord (59)", "Bas-Rhin (67)", "SPIP de Lyon", "Martinique (972)"]
MOTIFS_SORTIE = {
    Statut.TRANSFEREE: "Déménagement de la personne",
    Statut.ANNULEE: "Mesure classée par le parquet",
}


@dataclass(frozen=True)
class Volumes:
    antennes: int
    prescripteurs: int
    personnes: int
    orientations: int
    en_attente: int

    @classmethod
    def en_base(cls) -> "Volumes":
        return cls(
            antennes=Antenne.objects.count(),
            prescripteurs=Prescripteur.objects.count(),
            personnes=Personne.objects.count(),
            orientations=Orientation.objects.count(),
            en_attente=Orientation.objects.filter(statut=Statut.EN_ATTENTE).count(),
        )

    def __str__(self):
        return (
            f"{milliers(self.antennes)} antennes, {milliers(self.prescripteurs)} prescripteurs, "
            f"{milliers(self.personnes)} personnes, {milliers(self.orientations)} orientations "
            f"dont {milliers(self.en_attente)} en attente"
        )


def milliers(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")


def code_antenne(numero: int) -> str:
    return f"bench-{numero:02d}"


# One antenne far larger than the others (a whole département's court, or a merger), so
# that the pages are measured where they would grow with the antenne's size.
CODE_GRANDE_ANTENNE = "bench-grande"


@transaction.atomic
def generer(
    *, nb_antennes: int, nb_orientations: int, aujourd_hui: date, graine: int = 2026,
    annoncer: Callable[[str], None] = lambda _message: None, grande_antenne: int = 0,
) -> Volumes:
    """Create the antennes and spread `nb_orientations` evenly over them; with
    `grande_antenne`, one more antenne (CODE_GRANDE_ANTENNE) of that many orientations."""
    hasard = random.Random(graine)
    par_antenne, reste = divmod(nb_orientations, nb_antennes)
    # No usable passwords: the benchmark logs in with force_login.
    coordination = get_user_model().objects.create_user("coordination-bench")
    Membre.objects.create(user=coordination, role=Role.COORDINATION)
    tailles = {
        (code_antenne(numero), f"Antenne bench {numero:02d}", f"{numero:02d}"):
        par_antenne + (numero <= reste)
        for numero in range(1, nb_antennes + 1)
    }
    if grande_antenne:
        tailles[CODE_GRANDE_ANTENNE, "Grande antenne bench", "99"] = grande_antenne
    for (code, nom, departement), nombre in tailles.items():
        antenne = Antenne.objects.create(code=code, nom=nom, departement=departement)
        secretariat = get_user_model().objects.create_user(f"secretariat-{antenne.code}")
        Membre.objects.create(user=secretariat, antenne=antenne, role=Role.SECRETARIAT)
        prescripteurs = Prescripteur.objects.bulk_create(
            Prescripteur(antenne=antenne, nom=f"{type_.label} {departement}", type=type_)
            for type_ in TypePrescripteur
        )
        _orientations(antenne, prescripteurs, nombre, aujourd_hui, hasard)
        annoncer(f"{antenne.nom} : {nombre} orientations")
    return Volumes.en_base()


def _orientations(antenne, prescripteurs, nombre, aujourd_hui, hasard) -> None:
    for debut in range(0, nombre, TAILLE_LOT):
        taille = min(TAILLE_LOT, nombre - debut)
        personnes = Personne.objects.bulk_create(
            [_personne(antenne, hasard) for _ in range(taille)]
        )
        MotDuNom.indexer(personnes)
        Orientation.objects.bulk_create(
            [
                _orientation(antenne, personne, prescripteurs, aujourd_hui, hasard)
                for personne in personnes
            ]
        )


def _personne(antenne: Antenne, hasard: random.Random) -> Personne:
    sexe = Sexe.FEMME if hasard.random() < PART_FEMMES else Sexe.HOMME
    nom, prenom = hasard.choice(NOMS), hasard.choice(PRENOMS[sexe])
    personne = Personne(
        antenne=antenne, nom=nom, prenom=prenom, sexe=sexe,
        date_naissance=date(1950, 1, 1) + timedelta(days=hasard.randrange(55 * 365)),
        telephone=_telephone(hasard),
        # 'jean luc' normalised: no space in an address.
        email=f"{normaliser(prenom).replace(' ', '-')}.{hasard.randrange(10**6)}@exemple.invalid"
        if hasard.random() < 0.6 else "",
        adresse=f"{hasard.randrange(1, 120)} rue de la République",
    )
    personne.normaliser_noms()
    return personne


def _telephone(hasard: random.Random) -> str:
    """A French mobile or landline as staff type it, stored as the form stores it (E.164);
    the digits drawn outside the numbering plan are drawn again."""
    while True:
        saisie = f"0{hasard.choice('6667712345')} {hasard.randrange(10**8):08d}"
        try:
            return en_e164(saisie)
        except NumeroInvalide:
            continue


def _orientation(antenne, personne, prescripteurs, aujourd_hui, hasard) -> Orientation:
    statut = hasard.choices(list(STATUTS), weights=list(STATUTS.values()))[0]
    cadre = hasard.choices(list(CADRES), weights=list(CADRES.values()))[0]
    anciennete = JOURS_OUVERTES if statut in STATUTS_OUVERTS else JOURS_HISTORIQUE
    date_orientation = aujourd_hui - timedelta(days=hasard.randrange(anciennete))
    volontaire = cadre == Cadre.VOLONTAIRE
    date_decision = None if volontaire else date_orientation - timedelta(hasard.randrange(5, 60))
    # Final some days after the decision, never after today (a recent judgment may be
    # oriented before it is final: its date is then today's at the latest).
    date_definitive = (
        min(date_decision + timedelta(hasard.randrange(10, 40)), aujourd_hui)
        if cadre == Cadre.PEINE else None
    )
    urgent = hasard.random() < PART_URGENTES
    orientation = Orientation(
        antenne=antenne, personne=personne, cadre=cadre,
        prescripteur=None if volontaire else hasard.choice(prescripteurs),
        reference="" if volontaire else f"{date_orientation.year}/{hasard.randrange(10**5):05d}",
        date_orientation=date_orientation, date_decision=date_decision,
        date_definitive=date_definitive, urgent=urgent,
        motif_urgence="Réorientation après un report" if urgent else "",
        type_stage=TypeStage.FEMMES
        if personne.sexe == Sexe.FEMME and hasard.random() < 0.7 else TypeStage.MIXTE,
        statut=statut, nb_reports=hasard.choices([0, 1, 2], weights=[85, 12, 3])[0],
        nb_absences=hasard.choices([0, 1], weights=[92, 8])[0],
        motif_sortie=MOTIFS_SORTIE.get(statut, ""),
        destination=hasard.choice(DESTINATIONS) if statut == Statut.TRANSFEREE else "",
    )
    orientation.echeance_completer()  # bulk_create skips clean(), which calls it
    if hasard.random() < PART_PROLONGEES:
        orientation.echeance += timedelta(days=90)
        orientation.accord_prolongation = f"Accord du parquet du {orientation.echeance_initiale:%d/%m/%Y}"
    return orientation
