"""Sending attestations to the prescripteur through the outbox: by e-mail to a real local SMTP
server (the PDF as issued, its hash kept as proof), once whatever the number of calls, retried
when the server is down; to post with a cover letter when the prescripteur has no e-mail; a
whole stage by the worker's batch. The orientation is « terminée » once it has gone."""

import hashlib

from commun.envois import envoyer_en_attente
from commun.models import CanalEnvoi, Envoi, StatutEnvoi
from convocations.models import LotEnvoi
from convocations.selectors import attestations_a_envoyer
from convocations.services.attestations import (
    a_envoyer_par_courrier,
    attestation_emettre,
    attestation_envoyer,
    attestation_lire,
    attestation_remettre,
    attestations_suivre_envois,
    envoi_marquer_poste,
    lot_attestations_demander,
)
from stages.models import Statut
from tests.commun.lecture import texte_poppler
from tests.convocations.attestations.conftest import EMISE, convoquer, marquer


def test_le_serveur_smtp_recoit_l_attestation_pour_le_prescripteur(effectuee, serveur_smtp):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)

    envoi, _parti = attestation_envoyer(attestation)

    assert envoi.statut == StatutEnvoi.ENVOYE and envoi.envoye_le is not None
    [message] = serveur_smtp.messages
    assert serveur_smtp.destinataires == [["parquet@justice.invalid"]]
    assert message["Subject"] == "Attestation de stage n° 2026-PER-0001 — dossier PR-2026-0042"
    assert attestation.empreinte in message.get_body(("plain",)).get_content()
    [piece] = list(message.iter_attachments())
    assert piece.get_filename() == "attestation-2026-PER-0001.pdf"
    assert piece.get_content() == attestation_lire(attestation)  # the very bytes issued
    # The proof kept: time, server's answer, attachment's hash.
    empreinte = hashlib.sha256(piece.get_content()).hexdigest()
    assert envoi.pieces_jointes[0]["sha256"] == attestation.sha256 == empreinte
    assert envoi.message_id and envoi.message_id == message["Message-ID"]
    effectuee.orientation.refresh_from_db()
    assert effectuee.orientation.statut == Statut.TERMINEE
    assert "envoyée au prescripteur" in effectuee.orientation.history.first().history_change_reason


def test_envoyer_deux_fois_n_envoie_qu_une_fois(effectuee, serveur_smtp):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)

    premier, parti = attestation_envoyer(attestation)
    second, reparti = attestation_envoyer(attestation)

    assert (parti, reparti) == (True, False)
    assert premier.pk == second.pk and Envoi.objects.count() == 1
    assert len(serveur_smtp.messages) == 1


def test_serveur_injoignable_reessaye_puis_termine(effectuee, serveur_smtp):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    serveur_smtp.arreter()

    envoi, _parti = attestation_envoyer(attestation)

    assert envoi.statut == StatutEnvoi.A_ENVOYER and envoi.tentatives == 1 and "injoignable" in envoi.erreur
    effectuee.orientation.refresh_from_db()
    assert effectuee.orientation.statut == Statut.STAGE_EFFECTUE
    assert list(attestations_a_envoyer(effectuee.stage.antenne)) == [effectuee]
    serveur_smtp.demarrer()
    Envoi.objects.filter(pk=envoi.pk).update(prochain_essai=None)
    assert envoyer_en_attente() == 1  # the outbox's job
    assert attestations_suivre_envois() == 1  # ours: the orientation follows
    effectuee.orientation.refresh_from_db()
    assert effectuee.orientation.statut == Statut.TERMINEE
    assert list(attestations_a_envoyer(effectuee.stage.antenne)) == []
    assert len(serveur_smtp.messages) == 1


def test_prescripteur_sans_adresse_liste_a_poster_avec_lettre(stage, serveur_smtp):
    convocation = marquer(convoquer(stage, email_prescripteur="",
                                    adresse_prescripteur="Place du Palais\n66000 Perpignan"))
    attestation, _ = attestation_emettre(convocation=convocation, maintenant=EMISE)

    envoi, _parti = attestation_envoyer(attestation)

    assert envoi.canal == CanalEnvoi.COURRIER and envoi.statut == StatutEnvoi.A_POSTER
    assert serveur_smtp.messages == []
    assert a_envoyer_par_courrier(stage.antenne) == [envoi]
    lettre, piece = envoi.pieces.all()
    texte = " ".join(texte_poppler(bytes(lettre.contenu)).replace("\u00a0", " ").split())
    assert "SPIP des Pyrénées-Orientales" in texte and "66000 PERPIGNAN" in texte
    assert "Objet : attestation de stage n° 2026-PER-0001 — dossier PR-2026-0042" in texte
    assert "Gaëlle LEFÈVRE" in texte
    assert bytes(piece.contenu) == attestation_lire(attestation)
    convocation.orientation.refresh_from_db()
    assert convocation.orientation.statut == Statut.STAGE_EFFECTUE  # not posted yet

    envoi_marquer_poste(envoi=envoi)

    convocation.orientation.refresh_from_db()
    assert convocation.orientation.statut == Statut.TERMINEE
    assert a_envoyer_par_courrier(stage.antenne) == []


def test_demarche_volontaire_rien_a_envoyer_terminee_a_la_remise(stage):
    convocation = marquer(convoquer(stage, prescripteur=False))
    attestation, _ = attestation_emettre(convocation=convocation, maintenant=EMISE)

    assert attestation_envoyer(attestation) == (None, False)
    attestation_remettre(attestation=attestation)

    convocation.orientation.refresh_from_db()
    assert convocation.orientation.statut == Statut.TERMINEE


def test_tout_le_stage_en_un_lot_du_worker(stage, secretariat, serveur_smtp,
                                           django_capture_on_commit_callbacks):
    presentes = [marquer(convoquer(stage, nom=f"Présente{i}")) for i in range(3)]
    postale = marquer(convoquer(stage, nom="Postale", email_prescripteur=""))
    absente = marquer(convoquer(stage, nom="Absente"), ("present", "absent"))

    with django_capture_on_commit_callbacks(execute=True):  # the worker runs synchronously in tests
        lot = lot_attestations_demander(stage=stage, user=secretariat)

    lot.refresh_from_db()
    assert lot.nature == LotEnvoi.Nature.ATTESTATIONS and lot.etat == LotEnvoi.Etat.TERMINE
    assert (lot.total, lot.faits, lot.courriels, lot.a_poster, lot.echecs) == (4, 4, 3, 1, 0)
    assert lot.message == "3 attestations envoyées par courriel, 1 à envoyer par courrier."
    assert len(serveur_smtp.messages) == 3
    for convocation in presentes:
        convocation.orientation.refresh_from_db()
        assert convocation.orientation.statut == Statut.TERMINEE
    assert not absente.attestations.exists() and postale.attestations.count() == 1
    # Run again: nothing issued or sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        encore = lot_attestations_demander(stage=stage, user=secretariat)
    assert encore.pk != lot.pk
    encore.refresh_from_db()
    assert len(serveur_smtp.messages) == 3 and encore.courriels == 0
    assert encore.message == ("0 attestation envoyée par courriel, 1 à envoyer par courrier, "
                              "3 déjà envoyées auparavant (pas renvoyées).")
