"""The previewed file of an import (stages.imports.apercus): kept whole or not at all, a
failed write answered in French next to the field, deleted at logout and by the scheduled
purge, and the preview traced as a read of personal data."""

import errno
import os
import stat
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.module_loading import import_string
from django_q.models import Schedule

from stages.imports import apercus
from stages.models import Consultation, Orientation, Personne
from stages.planification import PLANIFICATIONS, planifier
from tests import processus
from tests.stages.test_import import LIGNE, en_csv, ligne
from tests.stages.test_orientation_formulaires import erreur_affichee

URL = reverse("stages:import_orientations")
URL_CONFIRMER = reverse("stages:import_confirmer")
URL_CORRESPONDANCES = reverse("stages:import_correspondances")


def _deposer(client, contenu: bytes, nom="liste.csv"):
    return client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)})


def _fichiers(dossier) -> list[str]:
    return sorted(f.name for f in dossier.iterdir()) if dossier.exists() else []


def _vieillir(chemin, secondes: float) -> None:
    quand = time.time() - secondes
    os.utime(chemin, (quand, quand))


def _erreur_du_champ(reponse) -> str:
    assert reponse.status_code == 200
    return erreur_affichee(reponse, "fichier")


# --- Keeping, reading, forgetting ----------------------------------------------------------


def test_garder_lire_oublier(dossier_prive):
    jeton = apercus.garder(b"Nom;Prenom\n")

    assert _fichiers(dossier_prive) == [jeton]
    assert stat.S_IMODE((dossier_prive / jeton).stat().st_mode) == 0o600
    assert stat.S_IMODE(dossier_prive.stat().st_mode) == 0o700
    assert apercus.lire(jeton) == b"Nom;Prenom\n"
    apercus.oublier(jeton)
    assert apercus.lire(jeton) is None and _fichiers(dossier_prive) == []


def test_un_jeton_qui_n_en_est_pas_un_ne_lit_rien_hors_du_dossier(dossier_prive, tmp_path):
    (tmp_path / "secret").write_bytes(b"x")
    assert apercus.lire("../secret") is None
    apercus.oublier("../secret")
    assert (tmp_path / "secret").exists()


# --- A write that fails ---------------------------------------------------------------------


def _disque_plein_a_mi_chemin(monkeypatch):
    """The write stops half way with ENOSPC, as on a full disk."""
    def ecrire(fd, contenu):
        os.write(fd, contenu[: len(contenu) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(apercus, "_ecrire", ecrire)


def test_disque_plein_message_sous_le_champ_rien_de_garde_puis_l_import_suivant_reussit(
    client_secretariat, parquet, dossier_prive, monkeypatch,
):
    with monkeypatch.context() as patch:
        _disque_plein_a_mi_chemin(patch)
        reponse = _deposer(client_secretariat, en_csv(LIGNE))

    assert _erreur_du_champ(reponse) == apercus.PLEIN
    assert "L'espace disque du serveur est plein : rien n'a été importé." in apercus.PLEIN
    assert "Confirmer" not in reponse.content.decode()
    assert _fichiers(dossier_prive) == []  # no partial file left
    assert apercus.CLE_SESSION not in client_secretariat.session
    assert not Consultation.objects.exists()  # no preview shown

    # Space is back: the same file previews and imports.
    reponse = _deposer(client_secretariat, en_csv(LIGNE))
    jeton = reponse.context["jeton"]
    assert _fichiers(dossier_prive) == [jeton]
    client_secretariat.post(URL_CONFIRMER, {"jeton": jeton})
    assert (Personne.objects.count(), Orientation.objects.count()) == (1, 1)


def test_disque_plein_a_la_synchronisation(dossier_prive, monkeypatch):
    """Some file systems only report a full disk when the data is flushed."""
    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(apercus.os, "fsync", fsync)
    with pytest.raises(apercus.EcritureImpossible, match="plein"):
        apercus.garder(b"x" * 10_000)
    monkeypatch.undo()
    assert _fichiers(dossier_prive) == []


def test_dossier_en_lecture_seule(client_secretariat, parquet, dossier_prive, monkeypatch):
    dossier_prive.mkdir(parents=True)
    dossier_prive.chmod(0o500)
    try:
        try:
            (dossier_prive / "sonde").touch()
        except PermissionError:
            pass
        else:  # root ignores the mode: refuse the writes in this folder as it would
            (dossier_prive / "sonde").unlink()
            ouvrir = os.open

            def open_refuse(chemin, *args, **kwargs):
                if os.fspath(chemin).startswith(os.fspath(dossier_prive)):
                    raise PermissionError(errno.EACCES, "Permission denied", os.fspath(chemin))
                return ouvrir(chemin, *args, **kwargs)

            monkeypatch.setattr(apercus.os, "open", open_refuse)
        reponse = _deposer(client_secretariat, en_csv(LIGNE))
    finally:
        monkeypatch.undo()
        dossier_prive.chmod(0o700)

    assert _erreur_du_champ(reponse) == apercus.INTERDIT
    assert _fichiers(dossier_prive) == []
    assert apercus.CLE_SESSION not in client_secretariat.session


def test_dossier_absent_et_impossible_a_creer(client_secretariat, parquet, settings, tmp_path):
    (tmp_path / "un-fichier").write_bytes(b"")
    settings.IMPORTS_DIR = tmp_path / "un-fichier" / "imports"  # a file stands in the way

    reponse = _deposer(client_secretariat, en_csv(LIGNE))

    assert _erreur_du_champ(reponse) == apercus.IMPOSSIBLE
    assert "rien n'a été importé" in apercus.IMPOSSIBLE
    assert apercus.CLE_SESSION not in client_secretariat.session


# --- Purge -----------------------------------------------------------------------------------


def test_la_purge_supprime_les_apercus_plus_vieux_que_le_delai(dossier_prive, settings):
    settings.IMPORTS_APERCUS_CONSERVATION = delai = timedelta(hours=2)
    recent = apercus.garder(b"recent")
    ancien = apercus.garder(b"ancien")
    _vieillir(dossier_prive / ancien, delai.total_seconds() + 60)
    partiel = dossier_prive / ("x" * 43 + apercus.SUFFIXE_PARTIEL)  # a write cut by a crash
    partiel.write_bytes(b"moitie")
    _vieillir(partiel, 3 * 3600)

    assert apercus.purger_apercus() == 2

    assert _fichiers(dossier_prive) == [recent]


def test_la_purge_sans_dossier_ne_fait_rien(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "absent"
    assert apercus.purger_apercus() == 0


@pytest.mark.django_db
def test_la_purge_est_planifiee_apres_migrate():
    """The test database was made by migrate: its post_migrate planned the purge."""
    (planification,) = [p for p in PLANIFICATIONS if p.fonction.endswith("purger_apercus")]
    schedule = Schedule.objects.get(name=planification.nom)
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "stages.imports.apercus.purger_apercus", Schedule.MINUTES, 15, -1,
    )
    assert import_string(schedule.func) is apercus.purger_apercus


def test_un_vrai_migrate_planifie_la_purge_une_fois(tmp_path):
    """On a fresh database, as at deployment, twice: one schedule, never a duplicate."""
    env = processus.environnement(DJANGO_SETTINGS_MODULE="config.settings.dev",
                                  DATABASE_URL=f"sqlite:///{tmp_path / 'planification.sqlite3'}")
    lire = ("from django_q.models import Schedule; print(list(Schedule.objects.order_by('name')"
            ".values_list('name', 'func', 'minutes')))")
    planifiees = sorted((p.nom, p.fonction, p.minutes) for p in PLANIFICATIONS)
    assert (PLANIFICATIONS[0].nom, "stages.imports.apercus.purger_apercus", 15) in planifiees
    attendu = str(planifiees)
    for _ in range(2):
        processus.manage(env, "migrate", "--noinput", check=True)
        assert processus.derniere_ligne(processus.manage(env, "shell", "-c", lire, check=True)) == attendu


@pytest.mark.django_db
def test_planifier_est_idempotent_et_remet_la_frequence():
    nom = PLANIFICATIONS[0].nom
    Schedule.objects.filter(name=nom).update(minutes=999)
    planifier()
    planifier()
    assert list(Schedule.objects.filter(name=nom).values_list("minutes", flat=True)) == [15]

    Schedule.objects.filter(name=nom).delete()
    planifier()
    assert Schedule.objects.filter(name=nom).count() == 1


def test_la_tache_planifiee_tourne_dans_le_worker(dossier_prive, db):
    """Run through django-q2 (sync in tests), as the scheduler would."""
    from django_q.tasks import async_task, result

    ancien = apercus.garder(b"ancien")
    _vieillir(dossier_prive / ancien, 3 * 3600)
    identifiant = async_task(Schedule.objects.get(name=PLANIFICATIONS[0].nom).func)
    assert result(identifiant) == 1
    assert _fichiers(dossier_prive) == []


# --- Logout ------------------------------------------------------------------------------


def test_la_deconnexion_supprime_l_apercu_en_attente(client_secretariat, parquet, dossier_prive):
    reponse = _deposer(client_secretariat, en_csv(LIGNE))
    assert _fichiers(dossier_prive) == [reponse.context["jeton"]]

    client_secretariat.post(reverse("deconnexion"))

    assert _fichiers(dossier_prive) == []


def test_la_deconnexion_sans_apercu_ne_supprime_rien_d_autre(client_secretariat, dossier_prive):
    autre = apercus.garder(b"celui d'un autre utilisateur")
    client_secretariat.post(reverse("deconnexion"))
    assert _fichiers(dossier_prive) == [autre]


# --- Trace -------------------------------------------------------------------------------


def _traces():
    return list(Consultation.objects.order_by("id").values_list(
        "user__username", "antenne__code", "orientation_id", "objet", "detail"))


def test_chaque_apercu_est_trace_avec_le_nom_du_fichier_et_le_nombre_de_lignes(
    client_secretariat, parquet,
):
    _deposer(client_secretariat, en_csv(LIGNE, ligne(Nom="Petit")), nom="janvier.csv")
    _deposer(client_secretariat, en_csv(ligne(Sexe="X")), nom="erreurs.csv")  # errors: shown too
    _deposer(client_secretariat, b"\x89PNG\r\n\x1a\n" + bytes(50), nom="image.csv")  # unreadable

    assert _traces() == [
        ("sophie", "perpignan", None, Consultation.Objet.APERCU_IMPORT, "« janvier.csv » ; 2 ligne(s)"),
        ("sophie", "perpignan", None, Consultation.Objet.APERCU_IMPORT, "« erreurs.csv » ; 1 ligne(s)"),
    ]
    assert Consultation.objects.first().get_objet_display() == "Aperçu d'un import"


def test_l_apercu_apres_choix_des_prescripteurs_est_trace(client_secretariat, parquet):
    reponse = _deposer(client_secretariat, en_csv(ligne(Prescripteur="Parquet de Lune")))
    jeton = reponse.context["jeton_correspondances"]
    client_secretariat.post(URL_CORRESPONDANCES, {
        "jeton": jeton, "correspondance:parquet de lune": parquet.pk,
    })

    assert [objet for *_, objet, _ in _traces()] == [Consultation.Objet.APERCU_IMPORT] * 2
    assert _traces()[1][4] == "« liste.csv » ; 1 ligne(s)"


# --- Receiving a file too big for memory ---------------------------------------------------


@pytest.fixture
def envoi_sur_disque(settings, tmp_path, monkeypatch):
    """Uploads over 1 kB are received, by pieces of 1 kB, in a temporary folder of the
    test's own."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    monkeypatch.setattr(apercus.ReceptionSurDisque, "chunk_size", 1024)
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "envois"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.FILE_UPLOAD_TEMP_DIR


def _gros_fichier() -> bytes:
    return en_csv(*[ligne(Référence=f"R{n}") for n in range(50)])  # about 8 kB


def test_reception_d_un_gros_fichier_sur_disque(client_secretariat, parquet, envoi_sur_disque):
    reponse = _deposer(client_secretariat, _gros_fichier())

    assert len(reponse.context["analyse"].lignes) == 50
    assert list(envoi_sur_disque.iterdir()) == []


def test_disque_plein_pendant_la_reception_message_sous_le_champ(
    client_secretariat, parquet, envoi_sur_disque, monkeypatch,
):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    ecrire = TemporaryFileUploadHandler.receive_data_chunk

    def plein_au_deuxieme_morceau(self, raw_data, start):
        if start:
            raise OSError(errno.ENOSPC, "No space left on device")
        return ecrire(self, raw_data, start)

    with monkeypatch.context() as patch:
        patch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", plein_au_deuxieme_morceau)
        reponse = _deposer(client_secretariat, _gros_fichier())

    assert _erreur_du_champ(reponse) == apercus.PLEIN
    assert list(envoi_sur_disque.iterdir()) == []  # the half-received file is deleted
    assert apercus.CLE_SESSION not in client_secretariat.session
    assert not Consultation.objects.exists()
    assert len(_deposer(client_secretariat, _gros_fichier()).context["analyse"].lignes) == 50


def test_dossier_de_reception_absent(client_secretariat, parquet, envoi_sur_disque):
    envoi_sur_disque.rmdir()

    reponse = _deposer(client_secretariat, _gros_fichier())

    assert _erreur_du_champ(reponse) == apercus.IMPOSSIBLE
