"""Sending a stage's convocations: through the view, the worker (synchronous in the test
settings; a real qcluster at the end, with each broker) and a real local SMTP server, whose
messages are read back: headers, French text, the PDF and the ICS."""

import os
import signal
import socket
import subprocess
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from commun.envois import envoyer_en_attente
from commun.models import CanalEnvoi, Envoi, StatutEnvoi
from convocations import envois
from convocations.models import LotEnvoi, StatutConvocation
from stages.models import StatutStage
from stages.planning import SeanceSaisie, seances_enregistrer
from tests.commun.lecture import texte_poppler
from tests.convocations.envoi import convoquer
from tests.factories import dans_l_antenne
from tests.processus import commande, derniere_ligne, environnement, manage

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def convoques(stage):
    return [
        convoquer(stage, nom="Lefèvre", prenom="Gaëlle", email="gaelle@exemple.invalid"),
        convoquer(stage, nom="Œuvray", prenom="Noël", email="noel@exemple.invalid"),
        convoquer(stage, nom="Sanscourriel", prenom="Zoé"),
    ]


@pytest.fixture
def envoyer_depuis_la_page(client_secretariat, antenne, stage, django_capture_on_commit_callbacks):
    def envoyer():
        with django_capture_on_commit_callbacks(execute=True):
            return client_secretariat.post(
                reverse("convocations:stage_envoyer", args=[stage.pk]), dans_l_antenne(antenne)
            )

    return envoyer


def pieces(message):
    return {partie.get_filename(): partie for partie in message.iter_attachments()}


def test_envoyer_les_convocations(envoyer_depuis_la_page, client_secretariat, stage, convoques, serveur_smtp):
    reponse = envoyer_depuis_la_page()

    lot = LotEnvoi.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse(
        "convocations:lot_suivi", args=[lot.pk]
    )
    assert (lot.etat, lot.total, lot.faits, lot.courriels, lot.a_poster) == (
        LotEnvoi.Etat.TERMINE,
        3,
        3,
        2,
        1,
    )
    stage.refresh_from_db()
    assert stage.statut == StatutStage.CONVOCATIONS_ENVOYEES
    assert stage.history.first().history_change_reason == "Convocations envoyées"

    assert sorted(serveur_smtp.destinataires) == [["gaelle@exemple.invalid"], ["noel@exemple.invalid"]]
    message = next(m for m in serveur_smtp.messages if m["To"] == "gaelle@exemple.invalid")
    assert message["Subject"] == "Convocation au stage de responsabilisation du lundi 14 décembre 2026"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["Message-ID"] == Envoi.objects.get(destinataire="gaelle@exemple.invalid").message_id
    corps = message.get_body(("plain",)).get_content()
    assert "Bonjour Gaëlle Lefèvre," in corps and "Lundi 14 décembre 2026 de 9 h 30 à 17 h" in corps.replace(
        "\u00a0", " "
    )
    assert "pièce d'identité" in corps

    jointes = pieces(message)
    assert set(jointes) == {"convocation.pdf", "convocation.ics"}
    texte = texte_poppler(jointes["convocation.pdf"].get_content())
    assert "Madame Gaëlle LEFÈVRE" in texte
    assert "Lundi 14 décembre 2026 de 9 h 30 à 17 h" in texte and "Mardi 15 décembre 2026" in texte
    assert "Maison des associations" in texte and "420,00 €" in texte
    ics = jointes["convocation.ics"]
    assert ics.get_content_type() == "text/calendar"
    evenements = list(Calendar.from_ical(ics.get_content()).walk("VEVENT"))
    assert [e.start for e in evenements] == [
        datetime(2026, 12, 14, 9, 30, tzinfo=PARIS),
        datetime(2026, 12, 15, 9, tzinfo=PARIS),
    ]
    assert all(e.walk("VALARM")[0]["TRIGGER"].dt == -timedelta(days=1) for e in evenements)

    # The one without e-mail is in the print batch.
    a_poster = Envoi.objects.get(canal=CanalEnvoi.COURRIER)
    assert a_poster.statut == StatutEnvoi.A_POSTER
    lot_pdf = client_secretariat.get(reverse("convocations:stage_a_poster", args=[stage.pk]))
    assert lot_pdf["Content-Type"] == "application/pdf"
    texte = texte_poppler(lot_pdf.content)
    assert "Madame Zoé SANSCOURRIEL" in texte and "LEFÈVRE" not in texte

    # The progress page: finished, it no longer polls.
    suivi = client_secretariat.get(
        reverse("convocations:lot_suivi", args=[lot.pk]), headers={"HX-Request": "true"}
    )
    html = suivi.content.decode()
    assert "Envoi terminé" in html and "2 courriels envoyés, 1 lettre à poster" in html
    assert "hx-trigger" not in html and "<html" not in html


def test_deux_fois_rien_de_nouveau(envoyer_depuis_la_page, stage, convoques, serveur_smtp):
    envoyer_depuis_la_page()
    envoyer_depuis_la_page()  # the double click, or the button pressed again later
    envois.lot_executer(LotEnvoi.objects.first().pk)  # the task run once more by the worker

    assert len(serveur_smtp.messages) == 2
    assert Envoi.objects.count() == 3
    assert LotEnvoi.objects.first().message.startswith("0 courriel envoyé")


def test_un_lot_en_cours_n_est_pas_double(stage, convoques, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        premier = envois.lot_demander(stage=stage, user=secretariat)
        second = envois.lot_demander(stage=stage, user=secretariat)
    assert premier == second and len(rappels) == 1


def test_smtp_en_panne_retente_puis_echoue_visible(
    envoyer_depuis_la_page, client_secretariat, stage, convoques, serveur_smtp, settings
):
    settings.ENVOIS_TENTATIVES_MAX = 3
    serveur_smtp.arreter()
    envoyer_depuis_la_page()

    lot = LotEnvoi.objects.get()
    assert (lot.etat, lot.courriels, lot.echecs) == (LotEnvoi.Etat.TERMINE, 0, 2)
    envoi = Envoi.objects.get(destinataire="gaelle@exemple.invalid")
    assert envoi.statut == StatutEnvoi.A_ENVOYER and envoi.tentatives == 1
    assert envoi.prochain_essai > timezone.now() and "injoignable" in envoi.erreur
    page = client_secretariat.get(reverse("convocations:stage_envois", args=[stage.pk])).content.decode()
    assert "Courriels non partis" in page and "gaelle@exemple.invalid" in page and "nouvel essai le" in page

    assert envoyer_en_attente() == 0  # not due yet: the backoff waits
    for _ in range(2):
        Envoi.objects.update(prochain_essai=timezone.now() - timedelta(seconds=1))
        assert envoyer_en_attente() == 0
    envoi.refresh_from_db()
    assert (envoi.statut, envoi.tentatives) == (StatutEnvoi.ECHOUE, 3)
    page = client_secretariat.get(reverse("convocations:stage_envois", args=[stage.pk])).content.decode()
    assert "courriels échoués : 2" in page and "Serveur d&#x27;envoi injoignable" in page


def test_smtp_revenu_le_nouvel_essai_part(envoyer_depuis_la_page, stage, convoques, serveur_smtp):
    serveur_smtp.arreter()
    envoyer_depuis_la_page()
    serveur_smtp.demarrer()
    Envoi.objects.update(prochain_essai=timezone.now() - timedelta(seconds=1))

    assert envoyer_en_attente() == 2
    assert len(serveur_smtp.messages) == 2
    assert envoyer_en_attente() == 0


def test_adresse_refusee_echoue_tout_de_suite(envoyer_depuis_la_page, stage, convoques, serveur_smtp):
    serveur_smtp.refuser("noel@exemple.invalid")
    envoyer_depuis_la_page()

    envoi = Envoi.objects.get(destinataire="noel@exemple.invalid")
    assert envoi.statut == StatutEnvoi.ECHOUE and "550" in envoi.erreur


def test_seances_modifiees_ics_mis_a_jour(
    envoyer_depuis_la_page, stage, convoques, serveur_smtp, django_capture_on_commit_callbacks
):
    envoyer_depuis_la_page()
    stage.refresh_from_db()
    uids_avant = {
        str(e["UID"])
        for m in serveur_smtp.messages
        for e in Calendar.from_ical(pieces(m)["convocation.ics"].get_content()).walk("VEVENT")
    }
    assert {c.pk for c in envois.destinataires_mise_a_jour(stage)} == {c.pk for c in convoques}
    *premieres, derniere = stage.seances.all()
    saisies = [SeanceSaisie(date=s.date, debut=s.debut, fin=s.fin, pauses_minutes=s.pauses_minutes, id=s.pk)
               for s in premieres]
    saisies.append(SeanceSaisie(date=derniere.date, debut=derniere.debut.replace(hour=10), fin=derniere.fin,
                                pauses_minutes=derniere.pauses_minutes, id=derniere.pk))

    # Through the séances' service, as the edit page saves them: its signal sends the update.
    with django_capture_on_commit_callbacks(execute=True):
        seances_enregistrer(stage=stage, seances=saisies)

    nouveaux = serveur_smtp.messages[2:]
    assert len(nouveaux) == 2 and all("changement" in m["Subject"] for m in nouveaux)
    evenements = [
        e
        for m in nouveaux
        for e in Calendar.from_ical(pieces(m)["convocation.ics"].get_content()).walk("VEVENT")
    ]
    assert {str(e["UID"]) for e in evenements} == uids_avant
    assert {e["SEQUENCE"] for e in evenements} == {1}
    assert datetime(2026, 12, 15, 10, tzinfo=PARIS) in {e.start for e in evenements}
    assert Envoi.objects.filter(nature=envois.NATURE_MISE_A_JOUR, canal=CanalEnvoi.COURRIER).count() == 1


def test_pas_de_mise_a_jour_avant_l_envoi(stage, convoques):
    assert envois.convocations_mettre_a_jour(stage) == []


def test_annulation_envoie_method_cancel_une_fois(
    envoyer_depuis_la_page, stage, convoques, serveur_smtp, django_capture_on_commit_callbacks
):
    envoyer_depuis_la_page()
    convocation = convoques[0]
    convocation.statut = StatutConvocation.REPORTEE
    convocation.save()

    with django_capture_on_commit_callbacks(execute=True):
        envois.annulation_envoyer(convocation)
        envois.annulation_envoyer(convocation)

    (message,) = serveur_smtp.messages[2:]
    assert message["To"] == "gaelle@exemple.invalid" and "reportée" in message["Subject"]
    calendrier = Calendar.from_ical(pieces(message)["annulation.ics"].get_content())
    assert calendrier["METHOD"] == "CANCEL"
    assert {e["SEQUENCE"] for e in calendrier.walk("VEVENT")} == {1}
    assert envois.annulation_envoyer(convoques[2]) is None  # no e-mail address


def test_requetes_de_la_page_des_envois_bornees(
    client_secretariat, stage, antenne, django_assert_max_num_queries
):
    def page():
        with django_assert_max_num_queries(12):
            assert (
                client_secretariat.get(reverse("convocations:stage_envois", args=[stage.pk])).status_code
                == 200
            )

    convoquer(stage, email="un@exemple.invalid")
    page()
    for i in range(30):
        convoquer(stage, nom=f"Nom{i}", email=f"n{i}@exemple.invalid")
    envois.lot_executer(LotEnvoi.objects.create(stage=stage).pk)
    page()


# --- End to end with a real worker (`manage.py qcluster`), with each broker ----------------


def _redis_repond() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connexion:
            connexion.sendall(b"PING\r\n")
            return connexion.recv(16).startswith(b"+PONG")
    except OSError:
        return False


CREER = """
from django.db import transaction
from convocations.envois import lot_demander
from stages.models import Role
from tests.convocations.envoi import convoquer
from tests.factories import creer_antenne, creer_stage, creer_utilisateur
antenne = creer_antenne(code='e2e', nom='Antenne de bout en bout', telephone='04 68 00 00 00')
stage = creer_stage(antenne)
for i in range(3):
    convoquer(stage, nom=f'Personne{i}', email=f'p{i}@exemple.invalid')
with transaction.atomic():
    lot = lot_demander(stage=stage, user=creer_utilisateur(Role.SECRETARIAT, antenne))
print(lot.pk)
"""


@pytest.mark.parametrize("courtier", ["orm", "redis"])
def test_bout_en_bout_avec_un_vrai_worker(courtier, tmp_path, serveur_smtp):
    variables = {
        "DJANGO_SETTINGS_MODULE": "tests.reglages_worker",
        "SMTP_PORT": str(serveur_smtp.port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "Q_NOM": f"e2e-{uuid.uuid4().hex[:8]}",
    }
    if courtier == "redis":
        if not _redis_repond():
            pytest.skip("aucun serveur Redis sur 127.0.0.1:6379")
        variables["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    env = environnement(**variables)
    if courtier == "orm":
        env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", check=True)
    classe = "from django_q.brokers import get_broker; print(type(get_broker()).__name__)"
    assert (
        derniere_ligne(manage(env, "shell", "-c", classe, check=True))
        == {"orm": "ORM", "redis": "Redis"}[courtier]
    )
    lot_id = derniere_ligne(manage(env, "shell", "-c", CREER, check=True))
    lire = f"from convocations.models import LotEnvoi; print(LotEnvoi.objects.get(pk={lot_id}).etat)"
    assert derniere_ligne(manage(env, "shell", "-c", lire, check=True)) == "en_attente"

    worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
        commande("qcluster"),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        fin = time.monotonic() + 90
        while (etat := derniere_ligne(manage(env, "shell", "-c", lire, check=True))) != "termine":
            assert time.monotonic() < fin, f"le worker n'a pas fini l'envoi en 90 s (état : {etat})"
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # qcluster and its workers (django-q2 #346)
        worker.wait()
    assert sorted(serveur_smtp.destinataires) == [[f"p{i}@exemple.invalid"] for i in range(3)]
    assert all(set(pieces(m)) == {"convocation.pdf", "convocation.ics"} for m in serveur_smtp.messages)


def test_encart_de_la_page_du_stage(rf, stage, antenne, secretariat, convocation):
    from django.template.loader import render_to_string

    from commun.encarts import encarts
    from stages.access import acces_de
    from tests.factories import creer_utilisateur

    def rendu(user):
        requete = rf.get("/")
        requete.user, requete.session = user, {}
        requete.acces = acces_de(requete)
        (gabarit, contexte), *_ = [e for e in encarts("stage", requete, stage) if "envois" in e[0]]
        return render_to_string(gabarit, contexte, request=requete)

    assert "Envoyer les convocations" in rendu(secretariat)
    animateur = creer_utilisateur("animateur", antenne)
    stage.animateurs.add(animateur.membres.get())
    html = rendu(animateur)
    assert "Agenda des animateur" in html and "Envoyer les convocations" not in html
    personne = convocation.orientation.personne
    assert personne.nom not in html and personne.email not in html


def test_la_page_de_suivi_interroge_tant_que_le_lot_tourne(client_secretariat, stage, convoques):
    lot = LotEnvoi.objects.create(stage=stage, etat=LotEnvoi.Etat.EN_COURS, total=3, faits=1)
    adresse = reverse("convocations:lot_suivi", args=[lot.pk])

    fragment = client_secretariat.get(adresse, headers={"HX-Request": "true"}).content.decode()
    assert f'hx-get="{adresse}"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert 'max="3" value="1"' in fragment and "Convocations traitées : 1 / 3" in fragment
    page = client_secretariat.get(adresse).content.decode()  # without JS: the whole page
    assert "<html" in page and "rechargez la page" in page


def test_les_lettres_du_stage_en_un_pdf_a_imprimer(client_secretariat, stage, convoques):
    reponse = client_secretariat.get(reverse("convocations:stage_lettres", args=[stage.pk]))

    assert reponse["Content-Type"] == "application/pdf"
    texte = texte_poppler(reponse.content)
    assert all(nom in texte for nom in ("LEFÈVRE", "ŒUVRAY", "SANSCOURRIEL"))
