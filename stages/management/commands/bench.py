"""`make bench`: measure the performance budgets on a database of its own.

The database is chosen by DATABASE_URL like every other command (the Makefile points it
to bench.sqlite3, or to a PostgreSQL `bench` database), because a process cannot switch
database engine once Django is set up. The data and the measures live in tests/perf/,
beside the other benchmarks; this command only checks, prepares and reports.
"""

import os
import random
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from stages.models import Antenne, Orientation, Role, Stage, Statut
from tests.perf import admin as admin_bench
from tests.perf import attestations as attestations_bench
from tests.perf import convocations as convocations_bench
from tests.perf import donnees, mesure, mesure_import
from tests.perf import echeances as echeances_bench
from tests.perf import exports as exports_bench
from tests.perf import paiements as paiements_bench
from tests.perf import presences as presences_bench
from tests.perf import questionnaires as questionnaires_bench


class Command(BaseCommand):
    help = (
        "Mesure les pages sur une base de bench (nom commençant par « bench ») "
        "et écrit les chiffres dans docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reconstruire", action="store_true",
                            help="Recrée les données même si la base est déjà remplie.")
        parser.add_argument("--antennes", type=int, default=30)
        parser.add_argument("--orientations", type=int, default=300_000)
        parser.add_argument(
            "--grande-antenne", type=int, default=100_000, metavar="ORIENTATIONS",
            help="Une antenne de plus, de cette taille, mesurée à part (0 : aucune).",
        )
        parser.add_argument("--stages", type=int, default=10_000,
                            help="stages répartis entre les antennes, avec leurs convocations")
        parser.add_argument("--lignes-import", type=int, default=5_000,
                            help="lignes du fichier dont l'import est mesuré (0 : pas de mesure)")
        parser.add_argument("--requetes", type=int, default=200,
                            help="Requêtes chronométrées par scénario (au moins 2).")
        parser.add_argument("--convocations-seulement", action="store_true",
                            help="Ne mesure que les convocations (lettres, ICS, envois).")
        parser.add_argument("--attestations-seulement", action="store_true",
                            help="Ne mesure que les 1 000 attestations (worker et rendu).")
        parser.add_argument("--stages-seulement", action="store_true",
                            help="Ne mesure que les pages des stages (après les données).")
        parser.add_argument("--questionnaires-seulement", action="store_true",
                            help="Ne mesure que le kiosque et les résultats des questionnaires.")
        parser.add_argument("--paiements-seulement", action="store_true",
                            help="Ne mesure que les paiements (après les données).")
        parser.add_argument("--presences-seulement", action="store_true",
                            help="Ne mesure que l'émargement (séance, marques, signatures).")

    def handle(self, *args, reconstruire, antennes, orientations, requetes, grande_antenne,
               lignes_import, stages=10_000, convocations_seulement=False,
               stages_seulement=False, questionnaires_seulement=False, paiements_seulement=False,
               attestations_seulement=False, presences_seulement=False, **options):
        nom = Path(connection.settings_dict["NAME"]).name
        if not nom.startswith("bench"):
            raise CommandError(
                f"La base « {nom} » n'est pas une base de bench : le bench efface ses données. "
                "Lancez `make bench` (ou DATABASE_URL vers une base dont le nom commence "
                "par « bench »)."
            )
        if settings.DEBUG:
            raise CommandError("DEBUG est actif et fausse les mesures : lancez `make bench`.")
        if antennes < 1 or orientations < antennes or requetes < 2 or grande_antenne < 0 or stages < 2:
            raise CommandError("Il faut au moins une antenne, une orientation par antenne "
                               "deux requêtes par scénario et deux stages.")
        donnees.creer_base_postgresql(nom)
        call_command("migrate", interactive=False, verbosity=0)
        fichier = settings.BASE_DIR / "docs" / "benchmarks.md"
        if convocations_seulement:
            self._mesurer_convocations(fichier)
            return
        if questionnaires_seulement:
            self._mesurer_questionnaires(requetes, fichier)
            return
        if attestations_seulement:
            self._mesurer_attestations(fichier)
            return
        if presences_seulement:
            self._mesurer_presences(requetes, fichier)
            return

        # The convocations' bench keeps an antenne and a stage of its own: not counted here.
        code_a_part = convocations_bench.CODE_ANTENNE
        en_base = (Antenne.objects.exclude(code=code_a_part).count(), Orientation.objects.count(),
                   Stage.objects.exclude(antenne__code=code_a_part).count())
        attendu = (antennes + bool(grande_antenne), orientations + grande_antenne, stages)
        if reconstruire or en_base != attendu:
            donnees.reconstruire(antennes=antennes, orientations=orientations,
                                 grande_antenne=grande_antenne, stages=stages, annoncer=self.stdout.write)
        else:
            self.stdout.write("Données de bench existantes réutilisées (--reconstruire pour "
                              "les recréer).")
        volumes = donnees.Volumes.en_base()

        antenne = Antenne.objects.get(code=donnees.code_antenne(1))
        self.stdout.write(f"Mesures avec le secrétariat de « {antenne.nom} »…")
        if os.getloadavg()[0] > os.cpu_count():
            self.stdout.write(self.style.WARNING(
                "Machine déjà chargée (voir `uptime`) : les temps mesurés seront trop hauts."
            ))
        mesuree = donnees.milliers(antenne.orientations.count())
        self._mesurer_paiements(antenne, requetes, fichier)
        if paiements_seulement:
            return
        self._mesurer_stages(antenne, volumes, requetes, fichier)
        if stages_seulement:
            return
        self._mesurer_pages(
            mesure.SCENARIOS_LISTE_ATTENTE, antenne, requetes, fichier, cle="liste-attente",
            titre="Liste d'attente et fiches",
            description=f"{volumes} ; pages vues par le secrétariat de « {antenne.nom} » "
            f"({mesuree} orientations), accueil aussi vu par la coordination",
        )
        grande = Antenne.objects.filter(code=donnees.CODE_GRANDE_ANTENNE).first()
        if grande is not None:
            self._mesurer_grande_antenne(grande, volumes, requetes, fichier)
        self._comparer_admin([a for a in (antenne, grande) if a], volumes, requetes, fichier)
        self._mesurer_exports(grande or antenne, volumes, fichier)
        if lignes_import:
            self._mesurer_import(lignes_import, volumes, fichier)
        self._mesurer_convocations(fichier)
        self._mesurer_questionnaires(requetes, fichier)
        self._mesurer_attestations(fichier)
        self._mesurer_presences(requetes, fichier)
        self.stdout.write(self.style.SUCCESS(f"Chiffres écrits dans {fichier}."))

    def _mesurer_pages(self, scenarios, antenne, requetes: int, fichier, *, cle: str, titre: str,
                       description: str) -> None:
        """The pages of `scenarios`, measured and written to their section of `fichier`."""
        resultats = mesure.mesurer_tout(scenarios, antenne=antenne, nb_requetes=requetes)
        self.stdout.write(mesure.tableau_texte(resultats))
        mesure.ecrire_section(fichier, f"{cle}:{connection.vendor}", mesure.section(
            titre=f"{titre} ({connection.display_name})", donnees=description, resultats=resultats,
            nb_requetes=requetes,
        ))

    def _mesurer_stages(self, antenne, volumes, requetes: int, fichier) -> None:
        """The stages screens and the stage page at 1 and 200 convocations (issue 17)."""
        self.stdout.write(f"Stages de « {antenne.nom} »…")
        self._mesurer_pages(
            mesure.SCENARIOS_STAGES, antenne, requetes, fichier, cle="stages",
            titre="Stages, page du stage et proposition",
            description=f"{volumes} ; pages vues par le secrétariat de « {antenne.nom} » "
            f"({donnees.stages_de(antenne, aujourd_hui=timezone.localdate())})",
        )
        self._mesurer_echeances(antenne, volumes, requetes, fichier)

    def _mesurer_echeances(self, antenne, volumes, requetes: int, fichier) -> None:
        """The échéances dashboard, the staff's home page (issue 18)."""
        self.stdout.write(f"Tableau des échéances de « {antenne.nom} »…")
        accords = echeances_bench.preparer(antenne)
        self._mesurer_pages(
            mesure.SCENARIOS_ECHEANCES, antenne, requetes, fichier, cle="echeances",
            titre="Tableau des échéances",
            description=f"{volumes} ; pages vues par le secrétariat de « {antenne.nom} » "
            f"({donnees.milliers(antenne.orientations.count())} orientations, "
            f"{donnees.milliers(accords)} demandes d'accord en attente)",
        )

    def _mesurer_paiements(self, antenne, requetes: int, fichier) -> None:
        """A year of payments of every antenne: the payments screens and one receipt (issue 19)."""
        paiements_bench.preparer(aujourd_hui=timezone.localdate(), annoncer=self.stdout.write)
        self.stdout.write(f"Paiements de « {antenne.nom} »…")
        resultats = mesure.mesurer_tout(paiements_bench.SCENARIOS, antenne=antenne, nb_requetes=requetes)
        self.stdout.write(mesure.tableau_texte(resultats))
        recu = paiements_bench.mesurer_recu()
        self.stdout.write(f"Reçu : {recu}")
        mesure.ecrire_section(fichier, f"paiements:{connection.vendor}", paiements_bench.section(
            resultats, recu, nb_requetes=requetes, antenne=antenne))

    def _mesurer_grande_antenne(self, antenne, volumes, requetes: int, fichier) -> None:
        """The same pages in the large antenne: what grows with an antenne's size shows here."""
        self.stdout.write(f"Mesures avec le secrétariat de « {antenne.nom} »…")
        taille = donnees.milliers(antenne.orientations.count())
        en_attente = donnees.milliers(antenne.orientations.filter(statut=Statut.EN_ATTENTE).count())
        self._mesurer_pages(
            [s for s in mesure.SCENARIOS_LISTE_ATTENTE if s.role != Role.COORDINATION], antenne,
            requetes, fichier, cle="grande-antenne", titre="Une grande antenne",
            description=f"{volumes} ; pages vues par le secrétariat de « {antenne.nom} » "
            f"({taille} orientations dont {en_attente} en attente)",
        )

    def _mesurer_exports(self, antenne, volumes, fichier) -> None:
        self.stdout.write(f"Exports de la liste d'attente de « {antenne.nom} »…")
        resultats = exports_bench.mesurer_exports(antenne)
        self.stdout.write(exports_bench.tableau_texte(resultats))
        mesure.ecrire_section(fichier, f"exports:{connection.vendor}", "\n\n".join([
            f"## Exports de la liste d'attente ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            f"Données : {volumes} ; liste d'attente entière de « {antenne.nom} ». Médiane de "
            "3 exécutions ; l'export est entier (lecture de la base, lignes, téléphones, "
            "fichier), la référence écrit les mêmes lignes déjà prêtes avec la bibliothèque "
            "seule, dans la même exécution. Budgets : CSV ≤ 3 fois le module csv seul, XLSX "
            "≤ 1,5 fois l'écrivain seul.",
            exports_bench.tableau_markdown(resultats),
        ]))

    def _mesurer_import(self, lignes: int, volumes, fichier) -> None:
        self.stdout.write(f"Import de {donnees.milliers(lignes)} lignes (aperçu puis création)…")
        resultat = mesure_import.mesurer_import(lignes)
        ligne = mesure_import.ligne_markdown(resultat)
        self.stdout.write(ligne)
        mesure.ecrire_section(fichier, f"import:{connection.vendor}", "\n\n".join([
            f"## Import : création contre aperçu ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            f"Données : {volumes} ; un fichier CSV de {donnees.milliers(lignes)} lignes "
            "importé dans une antenne neuve, puis annulé (la base de bench ne change pas). "
            "Médiane de 3 exécutions ; l'aperçu lit et vérifie le fichier, la création le "
            "vérifie à nouveau et écrit les lignes par paquets. Budget : création ≤ 2 fois "
            "l'aperçu.",
            "| base | lignes | aperçu | création | rapport |\n|---|---:|---:|---:|---:|\n" + ligne,
        ]))

    def _mesurer_convocations(self, fichier) -> None:
        self.stdout.write("Convocations : lettres, ICS, envois…")
        lignes = convocations_bench.mesurer_tout(aujourd_hui=timezone.localdate())
        tableau = convocations_bench.tableau_markdown(lignes)
        self.stdout.write(tableau)
        mesure.ecrire_section(fichier, f"convocations:{connection.vendor}", "\n\n".join([
            f"## Convocations ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            "Un stage de 15 convocations dans une antenne à part (`tests/perf/convocations.py`). "
            "Lettres : médianes de 20 exécutions alternées avec leur référence dans la même exécution "
            "(reportlab nu, deux références : `drawString` des mêmes lignes déjà coupées, sans mise en "
            "page ; platypus de reportlab avec les mêmes paragraphes, sans notre modèle de page) ; "
            "WeasyPrint rend la même lettre écrite en HTML et CSS. Convoquer : préparer les 15 messages "
            "(lettre PDF, ICS, lignes `Envoi` et pièces jointes). Worker : un vrai `manage.py qcluster` "
            "(courtier ORM, ou Redis si REDIS_URL), de la tâche mise en file au lot terminé, 15 courriels "
            "reçus par un serveur SMTP local (aiosmtpd).",
            tableau,
        ]))

    def _mesurer_questionnaires(self, requetes: int, fichier) -> None:
        self.stdout.write("Questionnaires : kiosque et résultats…")
        donnees_q = questionnaires_bench.preparer(aujourd_hui=timezone.localdate())
        tableau = questionnaires_bench.tableau_markdown(
            questionnaires_bench.mesurer_tout(donnees_q, nb_requetes=requetes))
        self.stdout.write(tableau)
        mesure.ecrire_section(fichier, f"questionnaires:{connection.vendor}", "\n\n".join([
            f"## Questionnaires : kiosque et résultats ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            f"Données à part (`tests/perf/questionnaires.py`) : {questionnaires_bench.volumes()} "
            "(un stage par semaine sur l'année écoulée, 10 réponses au questionnaire par défaut "
            f"chacun). {requetes} requêtes chronométrées par scénario après 5 de chauffe, client de "
            "test de Django ; la soumission est chronométrée seule (le questionnaire qui donne son "
            "jeton ne compte pas), les réponses du bench effacées ensuite. Budgets : chaque écran "
            "du kiosque et la soumission p95 ≤ 50 ms, les résultats d'un an p95 ≤ 100 ms.",
            tableau,
        ]))

    def _mesurer_attestations(self, fichier) -> None:
        self.stdout.write("Attestations : 1 000 émises par le lot du worker, rendu, reportlab nu…")
        tableau = convocations_bench.tableau_markdown(attestations_bench.mesurer_tout())
        self.stdout.write(tableau)
        mesure.ecrire_section(fichier, f"attestations:{connection.vendor}", "\n\n".join([
            f"## Attestations ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            "Un stage de 1 000 personnes qui ont suivi ses deux séances, dans une antenne à part "
            "(`tests/perf/attestations.py`). Le lot du worker (`lot_attestations_executer`, la fonction "
            "que `manage.py qcluster` exécute) émet chaque attestation : numéro sous verrou, contenu, "
            "PDF, fichier privé, lignes et historique. Notre rendu seul : `attestation_pdf` des mêmes "
            "contenus. Références dans la même exécution, par blocs de 100 alternés : reportlab nu "
            "(`drawString` des mêmes lignes déjà coupées, sans mise en page) et platypus de reportlab "
            "avec les mêmes paragraphes et le même tableau, sans notre modèle de page ; 1 000 documents "
            "d'une page chacun.",
            tableau,
        ]))

    def _mesurer_presences(self, requetes: int, fichier) -> None:
        self.stdout.write("Émargement : page de la séance, marques, synchronisation, signatures…")
        mesures = presences_bench.mesurer_tout(fois=requetes)
        tableau = presences_bench.tableau_markdown(mesures)
        self.stdout.write(tableau)
        mesure.ecrire_section(fichier, f"presences:{connection.vendor}", "\n\n".join([
            f"## Présences : émargement sur tablette ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            f"Une séance de {presences_bench.NOMBRE} personnes d'un stage de deux jours, dans une antenne "
            "à part (`tests/perf/presences.py`), vue et marquée par son animateur avec le client de test "
            f"de Django : {mesure.CHAUFFE} requêtes de chauffe, {requetes} chronométrées (20 pour le PDF), "
            f"puis {mesure.COMPTEES} dont on compte les requêtes SQL. Chaque marque porte une clé neuve "
            "et son heure (journal `ActionTablette`), renvoie la liste entière ; la synchronisation "
            "envoie une action à la fois (le cas le plus coûteux par action). Nombres de requêtes "
            "épinglés dans tests/convocations/test_presences_vues.py et test_hors_ligne.py.",
            tableau,
        ]))

    def _comparer_admin(self, antennes, volumes, requetes: int, fichier) -> None:
        """The list page and the admin's changelist of the same rows, one after the other."""
        lignes = [
            "| Antenne | Page | liste p50 (ms) | liste p95 (ms) | requêtes | admin p50 (ms) "
            "| admin p95 (ms) | requêtes | admin / liste (p50) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        client_admin = admin_bench.client_admin()
        hasard = random.Random(2026)  # noqa: S311 (reproducible draws, not secrets)
        with override_settings(ROOT_URLCONF=admin_bench.URLCONF):
            for antenne in antennes:
                self.stdout.write(f"Liste et admin côte à côte pour « {antenne.nom} »…")
                client_liste = mesure._client(Role.SECRETARIAT, antenne)
                for libelle, parametres in (("page 1", {}), ("page 50", {"page": "50"})):
                    liste = mesure.mesurer(
                        client_liste, mesure.Scenario("liste", libelle, "stages:liste_attente",
                                                      parametres),
                        antenne=antenne, nb_requetes=requetes, hasard=hasard)
                    admin = mesure.mesurer(client_admin, mesure.Scenario(
                        "admin", libelle, "bench_admin:stages_orientation_changelist",
                        {"statut__exact": Statut.EN_ATTENTE, "antenne__id__exact": str(antenne.pk),
                         **({"p": "50"} if parametres else {})},
                    ), antenne=antenne, nb_requetes=requetes, hasard=hasard)
                    if liste.probleme or admin.probleme:
                        self.stdout.write(f"{libelle} : {liste.probleme or admin.probleme}")
                        continue
                    ratio = f"{admin.p50 / liste.p50:.1f}".replace(".", ",")
                    lignes.append(
                        f"| {antenne.nom} | {libelle} | {mesure._nombre(liste.p50)} | "
                        f"{mesure._nombre(liste.p95)} | {max(liste.requetes)} | "
                        f"{mesure._nombre(admin.p50)} | {mesure._nombre(admin.p95)} | "
                        f"{max(admin.requetes)} | {ratio} |"
                    )
                    self.stdout.write(lignes[-1])
        mesure.ecrire_section(fichier, f"admin:{connection.vendor}", "\n\n".join([
            f"## La liste face au changelist de l'admin ({connection.display_name})",
            f"Mesuré le {mesure.maintenant()} sur : {mesure.machine()}.",
            f"Données : {volumes}. Le changelist d'un ModelAdmin comparable (mêmes colonnes, "
            "filtres statut et antenne, 50 lignes par page, lignes liées jointes, tri de la "
            "liste ; `tests/perf/admin.py`, bench seulement) vu par un superutilisateur, "
            f"mesuré juste après la page de liste ; {requetes} requêtes chronométrées chacune.",
            "\n".join(lignes),
        ]))
