"""Writing a confirmed import (`ImportLot`): all or nothing, in short transactions.

One transaction for the whole file held SQLite's write lock for the whole import (35 s for
5 000 lines): every other user got « database is locked ». Here the lines are written in
batches, each its own transaction of a fraction of a second, and the all-or-nothing is kept
by visibility: the lot's orientations have the status EN_IMPORT, which no list shows, until
the last step turns them to EN_ATTENTE in one UPDATE. A lot that fails has its rows deleted;
one whose worker died (no sign of life for ABANDON) is cleaned up by the next run or by its
status page.

The web page runs a lot in the django-q2 worker (`stages.tasks.import_lot_executer`), the
command synchronously (`import_executer`): the same code.
"""

import time
from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from commun.chronologie import MOTIF_CREATION
from stages.imports.analyse import (
    LIGNE_ENTIERE,
    Analyse,
    ErreurLigne,
    ImportRefuse,
    LigneImport,
    import_analyser,
)
from stages.maintenance import rafraichir_statistiques
from stages.models import EN_IMPORT, Antenne, ImportLot, MotDuNom, Orientation, Personne, Statut
from stages.services import personne_corriger
from stages.templatetags.affichage import compte

# Lines per write transaction: 100 lines hold SQLite's write lock for 0.1-0.3 s here.
TAILLE_LOT = 100
# SQLite has one write lock, and a waiting request polls for it every 100 ms at most (its
# busy handler): batches started back to back starved the other users for 14 s of a 5 000-line
# import. A pause longer than that poll after each batch lets them in (5 000 lines: 6 s more
# in the worker). PostgreSQL needs none, nor a run inside an outer transaction (it keeps the
# lock anyway: the tests, the bench's rolled-back measure).
PAUSE_SQLITE = 0.12
# A lot en cours without a sign of life for this long has died (worker killed, timeout):
# the analysis of the largest file writes none for ~15 s, the batches one a second.
ABANDON = timedelta(minutes=5)
# A lot waits this long at most for another import of its antenne to end.
ATTENTE_MAX = timedelta(minutes=10)
ATTENTE_PAS = 0.5  # seconds between two looks
ERREURS_GARDEES = 500
EFFACES_PAR_TRANSACTION = 900  # ids per DELETE, within SQLite's parameters

Etat = ImportLot.Etat
RIEN_IMPORTE = "rien n'a été importé"
MESSAGE_ABANDON = (f"L'import s'est interrompu (travail de fond arrêté) : {RIEN_IMPORTE}. "
                   "Relancez-le depuis la page d'import.")
MESSAGE_OCCUPE = (f"Un autre import de l'antenne est resté en cours trop longtemps : {RIEN_IMPORTE}. "
                  "Relancez cet import plus tard.")
MESSAGE_CONFLIT = (f"Des orientations de ce fichier ont été créées pendant l'import (un autre import ?) "
                   f": {RIEN_IMPORTE}. Relancez-le : les lignes déjà présentes ne seront pas "
                   "recréées.")
MESSAGE_INATTENDU = (f"L'import a échoué sur une erreur inattendue : {RIEN_IMPORTE}. "
                     "Réessayez ; si l'erreur revient, signalez-la.")


def message_import(*, creees: int, deja_presentes: int, nom_fichier: str) -> str:
    """« 4 orientations importées depuis « f.csv » ; 1 déjà présente, non réimportée. »"""
    importees = (compte(creees, "orientation importée", "orientations importées") if creees
                 else "Aucune orientation importée")
    texte = f"{importees} depuis « {nom_fichier} »"
    if deja_presentes:
        texte += " ; " + compte(deja_presentes, "déjà présente, non réimportée",
                                "déjà présentes, non réimportées")
    return texte + "."


def message_refus(analyse: Analyse) -> str:
    return (f"{compte(len(analyse.erreurs), 'erreur')} dans « {analyse.nom_fichier} » "
            f"(les données de l'antenne ont changé depuis l'aperçu ?) : {RIEN_IMPORTE}.")


# --- Launching ---------------------------------------------------------------------------


def import_lot_creer(
    *, antenne: Antenne, user, contenu: bytes, nom_fichier: str,
    correspondances: dict[str, int] | None = None, a_reprendre: frozenset[str] = frozenset(),
) -> ImportLot:
    """The lot of a confirmed file, waiting for its run (`import_lot_executer`)."""
    return ImportLot.objects.create(
        antenne=antenne, user=user, contenu=contenu, nom_fichier=nom_fichier,
        correspondances=correspondances or {}, a_reprendre=sorted(a_reprendre),
    )


def import_executer(
    *, antenne: Antenne, contenu: bytes, nom_fichier: str,
    correspondances: dict[str, int] | None = None, a_reprendre: frozenset[str] = frozenset(),
    user=None,
) -> Analyse:
    """Check every line again, then create all the orientations of the file or none, now
    (the command, and the tests): the worker's path, run in this process.

    Two imports into one antenne run in turn (a double click on « Confirmer »): the second
    finds every line already imported and creates nothing. `a_reprendre`: the names
    (`Difference.nom`) of the known persons' values to take from the file. Raises
    ImportRefuse when a line is wrong.
    """
    lot = import_lot_creer(antenne=antenne, user=user, contenu=contenu, nom_fichier=nom_fichier,
                           correspondances=correspondances, a_reprendre=a_reprendre)
    return import_lot_executer(lot_id=lot.pk, relancer=True)


# --- Running -----------------------------------------------------------------------------


def _prendre(lot_id: int) -> ImportLot | None | bool:
    """Take the lot for this run: en_attente -> en_cours in one conditional UPDATE, while no
    other live lot of its antenne runs. The lot, None if another run has it or it is over
    (a second copy of the task), False if it must wait for the other import."""
    maintenant = timezone.now()
    lot = ImportLot.objects.filter(pk=lot_id).only("antenne_id", "etat").first()
    if lot is None or lot.etat != Etat.EN_ATTENTE:
        return None
    with transaction.atomic():
        # Two lots of one antenne start in turn (PostgreSQL: this row lock; SQLite: the
        # write lock taken at BEGIN).
        Antenne.objects.select_for_update(no_key=True).filter(pk=lot.antenne_id).first()
        if ImportLot.objects.filter(antenne_id=lot.antenne_id, etat=Etat.EN_COURS,
                                    maj_le__gte=maintenant - ABANDON).exists():
            return False
        pris = ImportLot.objects.filter(pk=lot_id, etat=Etat.EN_ATTENTE).update(
            etat=Etat.EN_COURS, maj_le=maintenant,
        )
    return ImportLot.objects.select_related("antenne", "user").get(pk=lot_id) if pris else None


def import_lot_executer(*, lot_id: int, relancer: bool = False) -> Analyse | None:
    """Run a lot once: a second call, or a second copy started while the first runs, finds
    it taken and returns None. Returns the analysis of a finished lot. A failure marks the
    lot « échoué » with its message, deletes what it wrote, and raises again (ImportRefuse
    for wrong lines) when `relancer`."""
    lots_abandonnes_nettoyer()
    debut = time.monotonic()
    while (lot := _prendre(lot_id)) is False:
        if time.monotonic() - debut > ATTENTE_MAX.total_seconds():
            ImportLot.objects.filter(pk=lot_id, etat=Etat.EN_ATTENTE).update(
                etat=Etat.ECHOUE, message=MESSAGE_OCCUPE, fini_le=timezone.now(), contenu=b"")
            return None
        time.sleep(ATTENTE_PAS)
    if lot is None:
        return None
    try:
        return _executer(lot)
    except ImportRefuse as refus:
        _echouer(lot, message_refus(refus.analyse), refus.analyse.erreurs)
        if relancer:
            raise
    except IntegrityError:  # a key written meanwhile by another path
        _echouer(lot, MESSAGE_CONFLIT)
        if relancer:
            raise
    except Exception:
        _echouer(lot, MESSAGE_INATTENDU)
        raise
    return None


def _executer(lot: ImportLot) -> Analyse:
    analyse = import_analyser(antenne=lot.antenne, contenu=bytes(lot.contenu),
                              nom_fichier=lot.nom_fichier, correspondances=lot.correspondances)
    if not analyse.valide:
        raise ImportRefuse(analyse)
    a_creer = analyse.a_creer
    ImportLot.objects.filter(pk=lot.pk).update(
        lignes_total=len(a_creer), nb_deja_presentes=analyse.nb_deja_importees,
        maj_le=timezone.now(),
    )
    quand = timezone.now()  # one date for the history of the whole import
    for debut in range(0, len(a_creer), TAILLE_LOT):
        lignes_ecrire(lot=lot, lignes=a_creer[debut:debut + TAILLE_LOT], quand=quand)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            time.sleep(PAUSE_SQLITE)
    _terminer(lot, analyse)
    return analyse


@transaction.atomic
def lignes_ecrire(*, lot: ImportLot, lignes: list[LigneImport], quand) -> None:
    """One batch in one short transaction: its new persons, their words and history, its
    orientations (hidden) and their history, the lot's progress. A fixed number of queries
    whatever the number of lines."""
    nouvelles = list({id(ligne.personne): ligne.personne for ligne in lignes
                      if ligne.personne.pk is None}.values())
    for personne in nouvelles:
        personne.normaliser_noms()
        personne.lot = lot
    Personne.objects.bulk_create(nouvelles)
    MotDuNom.indexer(nouvelles)
    Personne.history.bulk_history_create(
        nouvelles, default_user=lot.user, default_change_reason=MOTIF_CREATION, default_date=quand,
    )
    orientations = []
    for ligne in lignes:
        orientation = ligne.orientation
        orientation.personne, orientation.antenne = ligne.personne, lot.antenne
        orientation.cle_creation, orientation.lot, orientation.statut = ligne.cle, lot, EN_IMPORT
        orientations.append(orientation)
    Orientation.objects.bulk_create(orientations)
    for orientation in orientations:  # their history says what the list will show
        orientation.statut = Statut.EN_ATTENTE
    Orientation.history.bulk_history_create(
        orientations, default_user=lot.user, default_change_reason=MOTIF_CREATION,
        default_date=quand,
    )
    ImportLot.objects.filter(pk=lot.pk).update(
        lignes_faites=F("lignes_faites") + len(lignes), maj_le=timezone.now(),
    )


@transaction.atomic
def _terminer(lot: ImportLot, analyse: Analyse) -> None:
    """Show the whole lot at once, with the values of known persons staff chose to take
    from the file."""
    # A lot declared dead meanwhile (cleaned up) must not show a part of itself.
    message = message_import(creees=len(analyse.a_creer), deja_presentes=analyse.nb_deja_importees,
                             nom_fichier=lot.nom_fichier)
    if not ImportLot.objects.filter(pk=lot.pk, etat=Etat.EN_COURS).update(
        etat=Etat.TERMINE, fini_le=timezone.now(), contenu=b"", message=message,
    ):
        raise DatabaseError("lot abandonné pendant son exécution")
    Orientation.objects.filter(lot=lot, statut=EN_IMPORT).update(statut=Statut.EN_ATTENTE)
    if analyse.a_creer:
        # Hundreds of rows at once: the planner's statistics are refreshed after the commit.
        transaction.on_commit(rafraichir_statistiques)
    reprises = defaultdict(dict)
    a_reprendre = set(lot.a_reprendre)
    for difference in analyse.differences:
        if difference.nom in a_reprendre:
            reprises[difference.personne][difference.champ] = difference.valeur
    for personne, valeurs in reprises.items():
        try:
            personne_corriger(personne=personne, valeurs=valeurs,
                              motif=f"Import « {lot.nom_fichier} » : valeur du fichier")
        except ValidationError as erreur:
            analyse.erreurs += [ErreurLigne(0, LIGNE_ENTIERE, m) for m in erreur.messages]
            raise ImportRefuse(analyse) from erreur


def _echouer(lot: ImportLot, message: str, erreurs: list[ErreurLigne] = ()) -> None:
    """The lot « échoué » with its message, and nothing of it left."""
    lignes_effacer(lot)
    ImportLot.objects.filter(pk=lot.pk).exclude(etat=Etat.TERMINE).update(
        etat=Etat.ECHOUE, message=message, fini_le=timezone.now(), contenu=b"",
        erreurs=[[e.ligne, e.colonne, e.message] for e in list(erreurs)[:ERREURS_GARDEES]],
    )


def lignes_effacer(lot: ImportLot) -> None:
    """Delete what an unfinished lot wrote, batch by batch (short transactions too), with
    their history: rows that were never shown leave no trace. Plain DELETEs (`_raw_delete`):
    the ORM's delete() would write a history record per row, and nothing points at rows
    nobody saw."""
    while ids := list(Orientation.objects.filter(lot=lot, statut=EN_IMPORT)
                      .values_list("pk", flat=True)[:EFFACES_PAR_TRANSACTION]):
        with transaction.atomic():
            _effacer(Orientation.history.filter(id__in=ids))
            _effacer(Orientation.objects.filter(pk__in=ids))
    while ids := list(Personne.objects.filter(lot=lot, orientations__isnull=True)
                      .values_list("pk", flat=True)[:EFFACES_PAR_TRANSACTION]):
        with transaction.atomic():
            _effacer(MotDuNom.objects.filter(personne_id__in=ids))
            _effacer(Personne.history.filter(id__in=ids))
            _effacer(Personne.objects.filter(pk__in=ids))


def _effacer(queryset) -> None:
    queryset._raw_delete(queryset.db)


def lots_abandonnes_nettoyer() -> int:
    """Mark « échoué » the lots en cours without a sign of life for ABANDON (their worker
    died) and delete what they wrote. Returns how many."""
    morts = list(ImportLot.objects.filter(etat=Etat.EN_COURS,
                                          maj_le__lt=timezone.now() - ABANDON))
    for lot in morts:
        _echouer(lot, MESSAGE_ABANDON)
    return len(morts)


def lot_suivre(lot: ImportLot) -> ImportLot:
    """The lot as its status page shows it: one en cours that died is failed first."""
    if lot.etat == Etat.EN_COURS and lot.maj_le < timezone.now() - ABANDON:
        _echouer(lot, MESSAGE_ABANDON)
        lot.refresh_from_db()
    return lot


def lot_fini_sans_nouvelles(*, lot_id: int, message: str = MESSAGE_INATTENDU) -> None:
    """The worker reports a task that failed every attempt: its lot, unless over, fails."""
    lot = ImportLot.objects.filter(pk=lot_id).first()
    if lot is not None and not lot.est_fini:
        _echouer(lot, message)


__all__ = [
    "ABANDON", "TAILLE_LOT", "import_executer", "import_lot_creer", "import_lot_executer",
    "lignes_ecrire", "lignes_effacer", "lot_suivre", "lots_abandonnes_nettoyer", "message_import",
    "message_refus",
]
