"""The confirmed import as a lot (`ImportLot`) run by the worker: short write transactions,
all or nothing by visibility, idempotent task, progress and failure on the page."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from stages import tasks
from stages.imports import ecriture, import_analyser, message_import
from stages.models import EN_IMPORT, ImportLot, Orientation, Personne, Role, Statut
from stages.selectors import TOUS_LES_STATUTS, FiltresListe, indicateurs_par_antenne, liste_attente
from stages.views.imports import CLE_SESSION
from tests.factories import creer_orientation, creer_utilisateur
from tests.stages.test_import import (
    HTMX,
    URL,
    URL_CONFIRMER,
    _deposer,
    comptes,
    en_csv,
    ligne,
)

Etat = ImportLot.Etat


def fichier(nombre: int) -> bytes:
    return en_csv(*[ligne(Nom=f"Nom{n}", Référence=f"R{n}") for n in range(nombre)])


def lot_de(antenne, contenu: bytes, user=None) -> ImportLot:
    return ecriture.import_lot_creer(antenne=antenne, user=user, contenu=contenu,
                                     nom_fichier="liste.csv")


def visibles(antenne) -> dict:
    aujourd_hui = timezone.localdate()
    return {
        "liste": liste_attente(antenne, FiltresListe(), aujourd_hui).count(),
        "tous": liste_attente(antenne, FiltresListe(statut=TOUS_LES_STATUTS), aujourd_hui).count(),
    }


# --- Messages ----------------------------------------------------------------------------


@pytest.mark.parametrize(("creees", "deja", "attendu"), [
    (4, 1, "4 orientations importées depuis « f.csv » ; 1 déjà présente, non réimportée."),
    (1, 0, "1 orientation importée depuis « f.csv »."),
    (0, 2, "Aucune orientation importée depuis « f.csv » ; 2 déjà présentes, non réimportées."),
])
def test_message_de_confirmation_au_vrai_pluriel(creees, deja, attendu):
    assert message_import(creees=creees, deja_presentes=deja, nom_fichier="f.csv") == attendu


def test_progression_en_francais():
    assert ImportLot(lignes_faites=12_400, lignes_total=20_000).progression == \
        "12\u202f400 / 20\u202f000 lignes"


# --- The task: once, whatever the copies --------------------------------------------------


def test_tache_lancee_deux_fois_importe_une_fois(antenne, parquet):
    lot = lot_de(antenne, fichier(3))
    tasks.import_lot_executer(lot.pk)
    tasks.import_lot_executer(lot.pk)
    lot.refresh_from_db()
    assert comptes() == (3, 3)
    assert (lot.etat, lot.lignes_faites, lot.lignes_total) == (Etat.TERMINE, 3, 3)
    assert lot.message == "3 orientations importées depuis « liste.csv »."
    assert bytes(lot.contenu) == b""  # the file is not kept once imported


def test_seconde_copie_pendant_la_premiere_s_arrete(antenne, parquet, monkeypatch):
    """The broker re-delivers the task while the first copy writes: the copy finds the lot
    taken (en_attente -> en_cours, conditional UPDATE) and writes nothing."""
    lot = lot_de(antenne, fichier(4))
    ecrire, copies = ecriture.lignes_ecrire, []

    def ecrire_et_relancer(**arguments):
        ecrire(**arguments)
        copies.append(ecriture.import_lot_executer(lot_id=lot.pk))

    monkeypatch.setattr(ecriture, "TAILLE_LOT", 2)
    monkeypatch.setattr(ecriture, "lignes_ecrire", ecrire_et_relancer)
    assert ecriture.import_lot_executer(lot_id=lot.pk) is not None
    assert copies == [None, None]
    assert comptes() == (4, 4)
    assert Orientation.history.count() == 4


def test_un_lot_attend_l_autre_import_de_son_antenne(antenne, parquet, monkeypatch):
    en_cours = lot_de(antenne, fichier(1))
    ImportLot.objects.filter(pk=en_cours.pk).update(etat=Etat.EN_COURS, maj_le=timezone.now())
    monkeypatch.setattr(ecriture, "ATTENTE_MAX", timedelta(0))
    second = lot_de(antenne, fichier(2))
    assert ecriture.import_lot_executer(lot_id=second.pk) is None
    second.refresh_from_db()
    assert second.etat == Etat.ECHOUE and "Un autre import" in second.message
    assert comptes() == (0, 0)


# --- All or nothing ------------------------------------------------------------------------


def test_echec_au_milieu_rien_de_visible_et_le_lot_echoue_sur_la_page(
    client_secretariat, antenne, parquet, monkeypatch,
):
    ecrire, vus = ecriture.lignes_ecrire, []

    def ecrire_puis_planter(**arguments):
        if vus:
            raise RuntimeError("disque plein")
        ecrire(**arguments)
        vus.append((visibles(antenne), Orientation.objects.filter(statut=EN_IMPORT).count(),
                    indicateurs_par_antenne(type("A", (), {"role": Role.COORDINATION})())[0]
                    .nb_en_attente))

    monkeypatch.setattr(ecriture, "TAILLE_LOT", 2)
    monkeypatch.setattr(ecriture, "lignes_ecrire", ecrire_puis_planter)
    _deposer(client_secretariat, fichier(5))
    # The worker runs in this process (Q_CLUSTER sync), and django-q2 raises the task's
    # error again there; a real worker records it and calls the hook.
    with pytest.raises(RuntimeError, match="disque plein"):
        client_secretariat.post(URL_CONFIRMER,
                                {"jeton": client_secretariat.session[CLE_SESSION]["jeton"]})

    # Between the batches the first two were written, yet no list showed them.
    assert vus == [({"liste": 0, "tous": 0}, 2, 0)]
    assert comptes() == (0, 0)
    assert Orientation.history.count() == Personne.history.count() == 0
    lot = ImportLot.objects.get()
    assert lot.etat == Etat.ECHOUE and lot.fini_le is not None
    page = client_secretariat.get(reverse("stages:import_suivi", args=[lot.pk])).content.decode()
    assert ("Import échoué : L&#x27;import a échoué sur une erreur inattendue : rien "
            "n&#x27;a été importé.") in page
    # The import page keeps it in view for the staff who started it.
    accueil = client_secretariat.get(URL).content.decode()
    assert "Vos derniers imports" in accueil and "échoué" in accueil


def test_lot_mort_nettoye_et_montre_echoue(client_secretariat, antenne, parquet, secretariat):
    """A worker killed in the middle: the page (or the next run) finds the lot without sign
    of life, deletes its rows and says it failed."""
    lot = lot_de(antenne, fichier(3), user=secretariat)
    analyse = import_analyser(antenne=antenne, contenu=fichier(3), nom_fichier="liste.csv")
    ImportLot.objects.filter(pk=lot.pk).update(etat=Etat.EN_COURS)
    ecriture.lignes_ecrire(lot=lot, lignes=analyse.a_creer[:2], quand=timezone.now())
    assert comptes() == (2, 2) and visibles(antenne)["liste"] == 0
    ImportLot.objects.filter(pk=lot.pk).update(maj_le=timezone.now() - ecriture.ABANDON * 2)

    page = client_secretariat.get(reverse("stages:import_suivi", args=[lot.pk])).content.decode()

    assert "interrompu" in page and "rien n&#x27;a été importé" in page
    assert comptes() == (0, 0)
    lot.refresh_from_db()
    assert lot.etat == Etat.ECHOUE


def test_tache_en_echec_jamais_perdue(antenne, parquet):
    """The worker's hook: a task that failed every attempt fails its lot, visibly."""
    lot = lot_de(antenne, fichier(1))
    ImportLot.objects.filter(pk=lot.pk).update(etat=Etat.EN_COURS)
    tasks.import_fini(type("Tache", (), {"success": False, "args": (lot.pk,)})())
    lot.refresh_from_db()
    assert lot.etat == Etat.ECHOUE and "rien n'a été importé" in lot.message


def test_historique_ecrit_en_masse_au_nom_de_qui_a_lance(antenne, parquet, secretariat):
    lot = lot_de(antenne, fichier(2), user=secretariat)
    ecriture.import_lot_executer(lot_id=lot.pk)
    for modele in (Orientation, Personne):
        enregistrements = list(modele.history.all())
        assert len(enregistrements) == 2
        assert {(e.history_type, e.history_change_reason, e.history_user_id)
                for e in enregistrements} == {("+", "Création", secretariat.pk)}
    assert {e.statut for e in Orientation.history.all()} == {Statut.EN_ATTENTE}
    assert set(Orientation.objects.values_list("statut", "lot")) == {(Statut.EN_ATTENTE, lot.pk)}
    assert all(o.cle_creation.startswith("import:") for o in Orientation.objects.all())


# --- Short transactions ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_un_autre_utilisateur_ecrit_entre_deux_lots(antenne, parquet, monkeypatch):
    """No transaction stays open between two batches: on SQLite, another connection saves
    an orientation at once (a held write lock would make it fail: « database is locked »)."""
    autre = creer_orientation(antenne, observations="")
    ecrire, resultats = ecriture.lignes_ecrire, []

    def modifier_ailleurs():
        try:
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                connection.connection.execute("PRAGMA busy_timeout = 300")
            Orientation.objects.filter(pk=autre.pk).update(observations="interprète")
            resultats.append("ok")
        except Exception as erreur:  # noqa: BLE001 (reported by the assertion)
            resultats.append(repr(erreur))
        finally:
            connections.close_all()

    def ecrire_puis_laisser_ecrire(**arguments):
        ecrire(**arguments)
        assert not connection.in_atomic_block
        fil = threading.Thread(target=modifier_ailleurs)
        fil.start()
        fil.join()

    monkeypatch.setattr(ecriture, "TAILLE_LOT", 2)
    monkeypatch.setattr(ecriture, "lignes_ecrire", ecrire_puis_laisser_ecrire)
    ecriture.import_executer(antenne=antenne, contenu=fichier(5), nom_fichier="liste.csv")
    assert resultats == ["ok", "ok", "ok"]
    assert Orientation.objects.filter(lot__isnull=False, statut=Statut.EN_ATTENTE).count() == 5


@pytest.mark.django_db(transaction=True)
def test_un_utilisateur_qui_attend_passe_avant_le_lot_suivant(antenne, parquet, monkeypatch):
    """A request that waits for SQLite's write lock while a batch writes gets it before the
    next batch: without the pause between batches, the worker took the lock back at once
    and starved the others (14 s of a 5 000-line import)."""
    autre = creer_orientation(antenne, observations="")
    ecrire, ordre, lots = ecriture.lignes_ecrire, [], iter(range(1, 10))

    def ecrire_ailleurs():
        try:
            Orientation.objects.filter(pk=autre.pk).update(observations="interprète")
            ordre.append("autre utilisateur")
        finally:
            connections.close_all()

    fil = threading.Thread(target=ecrire_ailleurs)

    def lot_qui_fait_attendre(**arguments):
        numero = next(lots)
        ordre.append(f"lot {numero}")
        with transaction.atomic():  # the batch's lock, taken before the other asks for it
            if numero == 1:
                fil.start()
                time.sleep(0.3)  # it waits in SQLite's busy handler
            ecrire(**arguments)

    monkeypatch.setattr(ecriture, "TAILLE_LOT", 2)
    monkeypatch.setattr(ecriture, "lignes_ecrire", lot_qui_fait_attendre)
    ecriture.import_executer(antenne=antenne, contenu=fichier(4), nom_fichier="liste.csv")
    fil.join(timeout=30)
    assert ordre == ["lot 1", "autre utilisateur", "lot 2"]


@pytest.mark.parametrize("nombre", [1, 300])
def test_requetes_d_un_lot_constantes(antenne, parquet, django_assert_num_queries, nombre):
    analyse = import_analyser(antenne=antenne, contenu=fichier(nombre), nom_fichier="liste.csv")
    lot = lot_de(antenne, b"")
    # Savepoint and release, persons, their words, their history, orientations, their
    # history, the lot's progress.
    with django_assert_num_queries(8):
        ecriture.lignes_ecrire(lot=lot, lignes=analyse.a_creer, quand=timezone.now())
    assert Orientation.objects.filter(lot=lot, statut=EN_IMPORT).count() == nombre


# --- The status page ---------------------------------------------------------------------


def test_progression_qui_interroge_le_serveur(client_secretariat, antenne):
    lot = lot_de(antenne, b"x")
    ImportLot.objects.filter(pk=lot.pk).update(etat=Etat.EN_COURS, lignes_total=20_000,
                                               lignes_faites=12_400)
    reponse = client_secretariat.get(reverse("stages:import_suivi", args=[lot.pk]), headers=HTMX)
    fragment = reponse.content.decode()
    assert b"<html" not in reponse.content
    assert f'hx-get="{reverse("stages:import_suivi", args=[lot.pk])}" hx-trigger="every 1s"' in fragment
    assert '<progress id="progression-import" max="20000" value="12400">' in fragment
    assert "12\u202f400 / 20\u202f000 lignes" in fragment
    assert 'aria-live="polite"' in fragment


def test_suivi_d_une_autre_antenne_introuvable(client, antenne, autre_antenne):
    lot = lot_de(antenne, b"x")
    client.force_login(creer_utilisateur(Role.SECRETARIAT, autre_antenne))
    assert client.get(reverse("stages:import_suivi", args=[lot.pk])).status_code == 404
    assert client.get(reverse("stages:import_suivi", args=[lot.pk]), headers=HTMX).status_code == 404


def test_suivi_vu_par_l_equipe_de_l_antenne(client, antenne, secretariat):
    lot = lot_de(antenne, b"x", user=secretariat)
    client.force_login(creer_utilisateur(Role.RESPONSABLE, antenne))
    assert "En attente du travail de fond" in client.get(
        reverse("stages:import_suivi", args=[lot.pk])).content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATION, Role.ANIMATEUR])
def test_suivi_sans_droit_interdit(client, antenne, role):
    lot = lot_de(antenne, b"x")
    client.force_login(creer_utilisateur(role, antenne))
    assert client.get(reverse("stages:import_suivi", args=[lot.pk])).status_code == 403
