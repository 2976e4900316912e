"""Benchmark data: antennes, prescripteurs, personnes, orientations, stages (two séances
each) and their convocations, created in bulk.

Reproducible (seeded) and realistic enough for the planner: about 30 % waiting, the open
orientations recent so that deadlines are spread over dépassée / critique / proche / ok,
a few % urgent, about 5 % volontaires without prescripteur, both sexes, every cadre.
bulk_create skips `save()` and simple-history: the normalised names and the words of the
name search are written here, and the benchmark database has no history rows. It also skips
`full_clean()`: every row is drawn so that the models' validation accepts it (phones read by
stages/telephones.py, e-mails a form accepts, no date in the future, a transfer's
destination), which tests/perf/test_donnees_valides.py checks.

Stages are spread over the antennes in proportion to their orientations, most of them past
(closed, holding the confirmed convocations of orientations that did their stage, in order
of arrival), the others in the next months (holding the open convocations of orientations
`convoquee`, in order of arrival, while places remain: the rest keep their status without a
convocation). Two marked stages of the measured antenne (code_antenne(1)) are what the tests
pin: one of a single convocation, one of `grand_stage` (200) with its capacity raised beyond
the form's limits on purpose.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from time import perf_counter

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from convocations.models import STATUTS_OUVERTS as STATUTS_CONVOCATION_OUVERTS
from convocations.models import Convocation, StatutConvocation
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
    Seance,
    Sexe,
    Stage,
    Statut,
    StatutStage,
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


# Stages: the share still to come (within JOURS_A_VENIR), the rest over the last
# JOURS_HISTORIQUE; 2 séances of 6 h, a week apart at most; a few women-only stages.
PART_A_VENIR, JOURS_A_VENIR, PART_STAGES_FEMMES = 0.15, 180, 0.1
PLACES, SURRESERVATION = 12, 3
# The two stages of the measured antenne the stage page is measured on (found by their place).
LIEU_UNE_CONVOCATION = "Salle bench (une convocation)"
LIEU_GRAND_STAGE = "Grande salle bench (200 convocations)"
LIEUX = ["Maison des associations", "Salle du conseil", "Centre social", "Maison de la justice et du droit"]


@dataclass(frozen=True)
class Volumes:
    antennes: int
    prescripteurs: int
    personnes: int
    orientations: int
    en_attente: int
    stages: int = 0
    convocations: int = 0

    @classmethod
    def en_base(cls) -> "Volumes":
        return cls(
            antennes=Antenne.objects.count(),
            prescripteurs=Prescripteur.objects.count(),
            personnes=Personne.objects.count(),
            orientations=Orientation.objects.count(),
            en_attente=Orientation.objects.filter(statut=Statut.EN_ATTENTE).count(),
            stages=Stage.objects.count(),
            convocations=Convocation.objects.count(),
        )

    def __str__(self):
        return (
            f"{milliers(self.antennes)} antennes, {milliers(self.prescripteurs)} prescripteurs, "
            f"{milliers(self.personnes)} personnes, {milliers(self.orientations)} orientations "
            f"dont {milliers(self.en_attente)} en attente, {milliers(self.stages)} stages, "
            f"{milliers(self.convocations)} convocations"
        )


def milliers(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")


def code_antenne(numero: int) -> str:
    return f"bench-{numero:02d}"


def stage_repere(antenne: Antenne, lieu: str) -> int:
    """The pk of one of the two marked stages (LIEU_UNE_CONVOCATION, LIEU_GRAND_STAGE)."""
    return Stage.objects.values_list("pk", flat=True).get(antenne=antenne, lieu=lieu)


def stages_de(antenne: Antenne, *, aujourd_hui: date) -> str:
    """The antenne's stages and convocations in words, for the benchmark's section."""
    def ouvertes(lieu: str) -> int:
        return Convocation.objects.filter(stage__antenne=antenne, stage__lieu=lieu,
                                          statut__in=STATUTS_CONVOCATION_OUVERTS).count()

    return (
        f"{milliers(antenne.stages.count())} stages dont "
        f"{milliers(antenne.stages.filter(dernier_jour__gte=aujourd_hui).count())} à venir, "
        f"{milliers(Convocation.objects.filter(stage__antenne=antenne).count())} convocations ; "
        f"stages mesurés : {ouvertes(LIEU_UNE_CONVOCATION)} et {ouvertes(LIEU_GRAND_STAGE)} "
        "convocations ouvertes"
    )


# One antenne far larger than the others (a whole département's court, or a merger), so
# that the pages are measured where they would grow with the antenne's size.
CODE_GRANDE_ANTENNE = "bench-grande"


@transaction.atomic
def generer(
    *, nb_antennes: int, nb_orientations: int, aujourd_hui: date, graine: int = 2026,
    annoncer: Callable[[str], None] = lambda _message: None, grande_antenne: int = 0,
    nb_stages: int = 0, grand_stage: int = 200,
) -> Volumes:
    """Create the antennes and spread `nb_orientations` evenly over them; with
    `grande_antenne`, one more antenne (CODE_GRANDE_ANTENNE) of that many orientations;
    `nb_stages` stages spread in proportion to them, the measured antenne's marked stages
    among them (`grand_stage` convocations in the large one, fewer if it has fewer people)."""
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
    total, cumul, stages_faits = sum(tailles.values()), 0, 0
    for (code, nom, departement), nombre in tailles.items():
        antenne = Antenne.objects.create(code=code, nom=nom, departement=departement)
        secretariat = get_user_model().objects.create_user(f"secretariat-{antenne.code}")
        Membre.objects.create(user=secretariat, antenne=antenne, role=Role.SECRETARIAT)
        prescripteurs = Prescripteur.objects.bulk_create(
            Prescripteur(antenne=antenne, nom=f"{type_.label} {departement}", type=type_)
            for type_ in TypePrescripteur
        )
        _orientations(antenne, prescripteurs, nombre, aujourd_hui, hasard)
        # Cumulative rounding: the antennes' shares add up to nb_stages exactly.
        cumul += nombre
        nb = round(nb_stages * cumul / total) - stages_faits
        stages_faits += nb
        convocations = _stages(antenne, nb, aujourd_hui, hasard,
                               grand_stage=grand_stage if code == code_antenne(1) else None)
        annoncer(f"{antenne.nom} : {nombre} orientations, {nb} stages, {convocations} convocations")
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


def _stages(antenne, nombre, aujourd_hui, hasard, *, grand_stage: int | None) -> int:
    """`nombre` stages of `antenne` with their séances and convocations; with `grand_stage`
    (the measured antenne), the two marked stages first. Returns the convocations created."""
    a_venir = round(nombre * PART_A_VENIR)
    if grand_stage is not None:  # room for the two marked stages, whatever the volumes
        nombre, a_venir = max(nombre, 2), max(a_venir, 2)
    if nombre <= 0:
        return 0
    stages = [
        _stage(antenne, aujourd_hui - timedelta(days=hasard.randrange(8, JOURS_HISTORIQUE)), hasard,
               statut=StatutStage.CLOS)
        for _ in range(nombre - a_venir)
    ] + [
        _stage(antenne, aujourd_hui + timedelta(days=hasard.randrange(1, JOURS_A_VENIR)), hasard)
        for _ in range(a_venir)
    ]
    reperes = []
    if grand_stage is not None:  # two of the upcoming ones, mixte, 3 and 4 weeks ahead
        un, grand = stages[-1], stages[-2]
        for stage, lieu, jours in ((un, LIEU_UNE_CONVOCATION, 21), (grand, LIEU_GRAND_STAGE, 28)):
            stage.lieu, stage.type_stage = lieu, TypeStage.MIXTE
            stage.premier_jour = aujourd_hui + timedelta(days=jours)
            stage.dernier_jour = stage.premier_jour + timedelta(days=1)
            stage.statut = StatutStage.CONVOCATIONS_ENVOYEES
        grand.places, grand.surreservation = max(PLACES, grand_stage - SURRESERVATION), SURRESERVATION
        reperes = [(un, 1), (grand, grand_stage)]
    stages = Stage.objects.bulk_create(stages, batch_size=TAILLE_LOT)
    Seance.objects.bulk_create(
        [seance for stage in stages for seance in _seances(stage)], batch_size=TAILLE_LOT
    )
    return _convocations(antenne, stages, reperes, aujourd_hui, hasard)


def _stage(antenne, premier_jour, hasard, statut=StatutStage.PLANIFIE) -> Stage:
    return Stage(
        statut=statut,
        antenne=antenne, lieu=hasard.choice(LIEUX),
        adresse_lieu=f"{hasard.randrange(1, 60)} avenue de la Gare",
        type_stage=TypeStage.FEMMES if hasard.random() < PART_STAGES_FEMMES else TypeStage.MIXTE,
        places=PLACES, surreservation=SURRESERVATION, premier_jour=premier_jour,
        dernier_jour=premier_jour + timedelta(days=hasard.choice([1, 1, 1, 7])),
    )


def _seances(stage: Stage) -> list[Seance]:
    return [
        Seance(stage=stage, date=jour, debut=time(9), fin=time(16, 30), pauses_minutes=90)
        for jour in (stage.premier_jour, stage.dernier_jour)
    ]


def _convocations(antenne, stages, reperes, aujourd_hui, hasard) -> int:
    """Convocations in order of arrival: the marked stages first, then the upcoming stages
    (open convocations of `convoquee` orientations), then the past ones (confirmed
    convocations of orientations that did their stage, oriented before it)."""
    ouvertes = {type_: [] for type_ in TypeStage}
    faites = {type_: [] for type_ in TypeStage}
    for pk, statut, type_stage, date_orientation in (
        Orientation.objects.filter(
            antenne=antenne, statut__in=[Statut.CONVOQUEE, Statut.STAGE_EFFECTUE, Statut.TERMINEE]
        ).order_by("date_orientation", "pk").values_list("pk", "statut", "type_stage", "date_orientation")
    ):
        (ouvertes if statut == Statut.CONVOQUEE else faites)[type_stage].append((date_orientation, pk))
    for file in ouvertes.values():
        file.reverse()  # popped from the end: the earliest first
    lignes = []

    def convoquer(stage, pk, statut):
        lignes.append(Convocation(orientation_id=pk, stage=stage, statut=statut))

    for stage, nombre in reperes:
        file = ouvertes[TypeStage.MIXTE]
        manque = nombre - len(file)
        if manque > 0:  # a small antenne (the tests): people from the waiting list, convoked
            en_attente = list(Orientation.objects.filter(
                antenne=antenne, statut=Statut.EN_ATTENTE, type_stage=TypeStage.MIXTE,
            ).order_by("-date_orientation", "-pk").values_list("date_orientation", "pk")[:manque])
            Orientation.objects.filter(pk__in=[pk for _, pk in en_attente]).update(statut=Statut.CONVOQUEE)
            file[:0] = en_attente
        for _ in range(min(nombre, len(file))):
            convoquer(stage, file.pop()[1], StatutConvocation.CONVOQUEE)
    marques = {stage.pk for stage, _ in reperes}
    a_venir = sorted((s for s in stages if s.premier_jour >= aujourd_hui and s.pk not in marques),
                     key=lambda s: (s.premier_jour, s.pk))
    for stage in a_venir:
        file = ouvertes[stage.type_stage]
        for _ in range(min(stage.capacite - hasard.randrange(4), len(file))):
            statut = StatutConvocation.CONFIRMEE if hasard.random() < 0.3 else StatutConvocation.CONVOQUEE
            convoquer(stage, file.pop()[1], statut)
    suivante = dict.fromkeys(TypeStage, 0)  # per type, the first orientation not yet placed
    for stage in sorted((s for s in stages if s.premier_jour < aujourd_hui), key=lambda s: s.premier_jour):
        file, debut = faites[stage.type_stage], suivante[stage.type_stage]
        fin, limite = debut, min(len(file), debut + hasard.randrange(8, stage.capacite + 1))
        while fin < limite and file[fin][0] < stage.premier_jour:
            fin += 1
        for _, pk in file[debut:fin]:
            convoquer(stage, pk, StatutConvocation.CONFIRMEE)
        suivante[stage.type_stage] = fin
    Convocation.objects.bulk_create(lignes, batch_size=TAILLE_LOT)
    Stage.objects.filter(pk__in={c.stage_id for c in lignes}, statut=StatutStage.PLANIFIE).update(
        statut=StatutStage.CONVOCATIONS_ENVOYEES
    )
    return len(lignes)


def creer_base_postgresql(nom: str) -> None:
    """Create the PostgreSQL database of the bench (or of the load scenario) on first use, as
    the test runner does; nothing on SQLite."""
    if connection.vendor != "postgresql":
        return
    with connection._nodb_cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom])
        if curseur.fetchone() is None:
            curseur.execute(f'CREATE DATABASE "{nom}"')


def reconstruire(*, antennes: int, orientations: int, grande_antenne: int = 0, stages: int = 0,
                 annoncer=print) -> Volumes:
    """Empty the database and generate its data again (`generer`), for `make bench` and
    `make charge`."""
    if Antenne.objects.exists():
        call_command("flush", interactive=False, verbosity=0)
    annoncer(f"Création de {milliers(orientations)} orientations et {milliers(stages)} stages "
             f"sur {antennes} antennes…")
    debut = perf_counter()
    volumes = generer(nb_antennes=antennes, nb_orientations=orientations,
                      aujourd_hui=timezone.localdate(), annoncer=annoncer,
                      grande_antenne=grande_antenne, nb_stages=stages)
    annoncer(f"{volumes} : créées en {perf_counter() - debut:.0f} s.")
    if connection.vendor == "postgresql":
        # What autovacuum does to new rows within minutes: statistics for the planner, and the
        # visibility map without which an index-only scan reads the table. SQLite is left as
        # the application leaves it (no ANALYZE).
        with connection.cursor() as curseur:
            curseur.execute("VACUUM ANALYZE")
    return volumes
