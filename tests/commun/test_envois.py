"""The outbox against a real SMTP server on this machine (aiosmtpd): what it received, once."""

import hashlib
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from commun.calendrier import Evenement, construire_calendrier
from commun.documents import EnTete, construire_document, paragraphe
from commun.envois import delai_avant_essai, envoyer, envoyer_en_attente
from commun.models import CanalEnvoi, Envoi, Fichier, StatutEnvoi
from tests.concurrence import en_meme_temps

PARIS = ZoneInfo("Europe/Paris")
SUJET = "Convocation : séance du 5 avril – « stage »"
CORPS = "Bonjour Élodie,\n\nVous êtes attendue à 9 h ; montant dû : 180 €. Cœur léger !\n"


def pieces() -> list[Fichier]:
    pdf = construire_document([paragraphe("Lettre à Élodie Œuvray : 180 €")], entete=EnTete(nom="Antenne"))
    debut = datetime(2027, 4, 5, 9, tzinfo=PARIS)
    ics = construire_calendrier([Evenement(uid="c1-s1@exemple.invalid", debut=debut,
                                           fin=debut + timedelta(hours=3), titre="Séance", rappel="Demain")],
                                horodatage=datetime(2027, 3, 1, 8, tzinfo=PARIS))  # same bytes each call
    return [Fichier("lettre.pdf", pdf, "application/pdf"), Fichier("seances.ics", ics, "text/calendar")]


def preparer(cle: str = "convocation-1", destinataire: str = "elodie@exemple.invalid", **options):
    options = {"nature": "convocation", "sujet": SUJET, "corps": CORPS, "pieces_jointes": pieces(), **options}
    return Envoi.objects.preparer(cle=cle, destinataire=destinataire, **options)


def passer_le_temps(envoi: Envoi) -> None:
    """The retry's time has come."""
    Envoi.objects.filter(pk=envoi.pk).update(prochain_essai=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_preparer_deux_fois_la_meme_cle_donne_un_seul_envoi():
    objet = User.objects.create(username="objet")
    premier, cree = preparer(objet=objet)
    second, recree = preparer(sujet="autre sujet")

    assert (cree, recree) == (True, False)
    assert second.pk == premier.pk and second.sujet == SUJET
    assert Envoi.objects.count() == 1
    assert premier.statut == StatutEnvoi.A_ENVOYER and premier.nature == "convocation"
    assert Envoi.objects.get().objet == objet
    attendues = pieces()
    assert [p["nom"] for p in premier.pieces_jointes] == ["lettre.pdf", "seances.ics"]
    assert premier.pieces_jointes[1]["sha256"] == attendues[1].sha256
    assert [bytes(p.contenu) for p in premier.pieces.all()][1] == attendues[1].contenu


@pytest.mark.django_db
def test_un_courrier_est_a_poster_et_n_est_pas_envoye(serveur_smtp):
    envoi, _ = preparer(canal=CanalEnvoi.COURRIER, destinataire="")

    assert envoi.statut == StatutEnvoi.A_POSTER
    assert envoyer(envoi.pk) is False
    assert envoyer_en_attente() == 0
    assert serveur_smtp.messages == []


@pytest.mark.django_db
def test_le_serveur_recoit_le_message_et_ses_deux_pieces_jointes(serveur_smtp):
    envoi, _ = preparer()

    assert envoyer(envoi.pk) is True

    (message,) = serveur_smtp.messages
    assert serveur_smtp.destinataires == [["elodie@exemple.invalid"]]
    assert message["Subject"] == SUJET
    assert message["To"] == "elodie@exemple.invalid"
    assert message["From"] == "stages@cpca.invalid"
    envoi.refresh_from_db()
    assert message["Message-ID"] == envoi.message_id
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == CORPS
    pdf, ics = message.iter_attachments()
    assert (pdf.get_filename(), pdf.get_content_type()) == ("lettre.pdf", "application/pdf")
    lettre = PdfReader(io.BytesIO(pdf.get_payload(decode=True)))
    assert "Lettre à Élodie Œuvray : 180 €" in lettre.pages[0].extract_text()
    assert (ics.get_filename(), ics.get_content_type()) == ("seances.ics", "text/calendar")
    (evenement,) = Calendar.from_ical(ics.get_payload(decode=True)).events
    assert evenement.start == datetime(2027, 4, 5, 9, tzinfo=PARIS)
    # What was received is what was hashed when prepared.
    recus = [hashlib.sha256(p.get_payload(decode=True)).hexdigest() for p in (pdf, ics)]
    assert recus == [p["sha256"] for p in envoi.pieces_jointes]
    assert (envoi.statut, envoi.tentatives, envoi.erreur) == (StatutEnvoi.ENVOYE, 1, "")
    assert envoi.envoye_le is not None


@pytest.mark.django_db
def test_envoyer_deux_fois_n_envoie_qu_un_message(serveur_smtp):
    envoi, _ = preparer()
    preparer()  # the task run twice prepares the same message

    assert envoyer(envoi.pk) is True
    assert envoyer(envoi.pk) is False
    assert envoyer_en_attente() == 0
    assert len(serveur_smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_deux_envois_au_meme_instant_n_envoient_qu_un_message(serveur_smtp):
    envoi, _ = preparer()

    resultats, erreurs = en_meme_temps(lambda: envoyer(envoi.pk), fois=3)

    assert erreurs == []
    assert sorted(resultats) == [False, False, True]
    assert len(serveur_smtp.messages) == 1
    assert Envoi.objects.get().tentatives == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement")
@pytest.mark.django_db(transaction=True)
def test_preparer_au_meme_instant_cree_un_seul_envoi():
    resultats, erreurs = en_meme_temps(preparer, fois=3)

    assert erreurs == []
    assert sorted(cree for _e, cree in resultats) == [False, False, True]
    assert len({e.pk for e, _c in resultats}) == 1
    assert Envoi.objects.count() == 1


@pytest.mark.django_db
def test_serveur_arrete_l_essai_est_note_puis_reussit_quand_il_revient(serveur_smtp):
    envoi, _ = preparer()
    serveur_smtp.arreter()

    avant = timezone.now()
    assert envoyer(envoi.pk) is False
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.A_ENVOYER and envoi.tentatives == 1
    assert envoi.erreur.startswith("Serveur d'envoi injoignable")
    assert avant + timedelta(minutes=1) <= envoi.prochain_essai <= timezone.now() + timedelta(minutes=1)
    assert envoyer_en_attente() == 0  # not due yet: not tried again
    assert Envoi.objects.get().tentatives == 1

    serveur_smtp.demarrer()
    passer_le_temps(envoi)
    assert envoyer_en_attente() == 1
    envoi.refresh_from_db()
    assert (envoi.statut, envoi.tentatives, envoi.erreur) == (StatutEnvoi.ENVOYE, 2, "")
    assert envoi.prochain_essai is None
    assert len(serveur_smtp.messages) == 1
    assert envoyer_en_attente() == 0


def test_delais_entre_les_essais():
    assert [delai_avant_essai(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 5, 25, 125)]


@pytest.mark.django_db
def test_abandon_apres_le_nombre_maximal_d_essais(serveur_smtp, settings):
    settings.ENVOIS_TENTATIVES_MAX = 3
    envoi, _ = preparer()
    serveur_smtp.arreter()

    delais = []
    for _ in range(3):
        passer_le_temps(envoi)
        debut = timezone.now()
        envoyer(envoi.pk)
        envoi.refresh_from_db()
        if envoi.prochain_essai:
            delais.append(round((envoi.prochain_essai - debut).total_seconds() / 60))

    assert delais == [1, 5]
    assert (envoi.statut, envoi.tentatives, envoi.prochain_essai) == (StatutEnvoi.ECHOUE, 3, None)
    assert "injoignable" in envoi.erreur
    serveur_smtp.demarrer()
    passer_le_temps(envoi)
    assert envoyer_en_attente() == 0 and serveur_smtp.messages == []


@pytest.mark.django_db
def test_destinataire_refuse_par_le_serveur_echoue_tout_de_suite(serveur_smtp):
    serveur_smtp.refuser("inconnu@exemple.invalid")
    envoi, _ = preparer(destinataire="inconnu@exemple.invalid")
    autre, _ = preparer(cle="convocation-2")

    assert envoyer_en_attente() == 1

    envoi.refresh_from_db()
    assert (envoi.statut, envoi.tentatives, envoi.prochain_essai) == (StatutEnvoi.ECHOUE, 1, None)
    assert "inconnu@exemple.invalid" in envoi.erreur and "550" in envoi.erreur
    assert envoi.erreur.startswith("Destinataire refusé par le serveur d'envoi")
    assert serveur_smtp.destinataires == [["elodie@exemple.invalid"]]
    assert Envoi.objects.get(pk=autre.pk).statut == StatutEnvoi.ENVOYE
