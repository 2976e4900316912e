"""The notices to prescripteurs (services): each a PDF by e-mail through the outbox, or to post
without an address; once per key; the accord prolongs the échéance with its history; each
says what the law expects next."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from commun.models import CanalEnvoi, Envoi, StatutEnvoi
from convocations.avis import SUITES
from convocations.models import Avis, NatureAvis
from convocations.services.avis import (
    accord_demander,
    accord_enregistrer,
    non_realisation_envoyer,
    retour_envoyer,
)
from stages.models import Cadre, Orientation, Statut
from stages.services import PREFIXE_PROLONGATION
from tests.commun.lecture import texte_poppler
from tests.factories import creer_orientation, creer_prescripteur


def _texte(avis: Avis) -> str:
    return " ".join(texte_poppler(bytes(avis.envoi.pieces.get().contenu)).split())


def test_avis_de_non_realisation_envoye_au_prescripteur(orientation, serveur_smtp,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        avis, cree = non_realisation_envoyer(orientation=orientation, motif="injoignable",
                                             precisions="Trois appels sans réponse en novembre.")
    assert cree and avis.envoi.canal == CanalEnvoi.COURRIEL
    avis.envoi.refresh_from_db()
    assert avis.envoi.statut == StatutEnvoi.ENVOYE
    assert serveur_smtp.destinataires == [["parquet@justice.invalid"]]
    message = serveur_smtp.messages[0]
    assert message["Subject"] == "Avis de non-réalisation — Gaëlle LEFÈVRE — réf. PR-2026-0042"
    corps = message.get_body(("plain",)).get_content()
    assert "n'a pas pu être jointe" in corps and "composition pénale ou d'engager des poursuites" in corps
    texte = _texte(avis)
    assert "Avis de non-réalisation du stage" in texte and "née le 02/03/1985" in texte
    assert "Trois appels sans réponse" in texte and "Ce qui est attendu maintenant" in texte
    orientation.refresh_from_db()
    assert orientation.statut == Statut.EN_ATTENTE  # the notice alone closes nothing


def test_un_avis_envoye_deux_fois_est_un_seul_enregistrement(orientation, serveur_smtp,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        premier, _ = non_realisation_envoyer(orientation=orientation, motif="refus")
        second, cree = non_realisation_envoyer(orientation=orientation, motif="refus")
    assert (second, cree) == (premier, False)
    assert Avis.objects.count() == 1 and Envoi.objects.count() == 1 and len(serveur_smtp.messages) == 1


def test_prescripteur_sans_adresse_courrier_a_poster(antenne, orientation):
    Orientation.objects.filter(pk=orientation.pk).update(
        prescripteur=creer_prescripteur(antenne, nom="SPIP des Pyrénées-Orientales", email="",
                                        adresse="2 rue du Palais\n66000 Perpignan"))
    avis, _ = non_realisation_envoyer(orientation=orientation, motif="demenagement")
    assert (avis.envoi.canal, avis.envoi.statut, avis.envoi.destinataire) == (
        CanalEnvoi.COURRIER, StatutEnvoi.A_POSTER, "")
    texte = _texte(avis)
    assert "SPIP des Pyrénées-Orientales" in texte and "quitté le secteur" in texte


def test_demande_d_accord_puis_accord_prolonge_l_echeance_avec_l_historique(orientation, serveur_smtp,
                                                                           django_capture_on_commit_callbacks):
    ancienne = orientation.echeance
    nouvelle = ancienne + timedelta(days=90)
    with django_capture_on_commit_callbacks(execute=True):
        avis, _ = accord_demander(orientation=orientation, nouvelle_echeance=nouvelle,
                                  aujourd_hui=ancienne + timedelta(days=3))
    assert avis.attend_un_accord and (avis.echeance_actuelle, avis.echeance_proposee) == (ancienne, nouvelle)
    texte = _texte(avis)
    assert "est dépassé depuis le" in texte and "six mois" in texte and "votre accord" in texte
    assert len(serveur_smtp.messages) == 1

    accord_enregistrer(avis=avis, accord="Mme Martin, parquet, courriel", recu_le=avis.cree_le.date())
    orientation.refresh_from_db()
    avis.refresh_from_db()
    assert orientation.echeance == nouvelle and orientation.echeance_initiale == ancienne
    assert "Mme Martin, parquet, courriel" in orientation.accord_prolongation
    assert orientation.history.first().history_change_reason.startswith(PREFIXE_PROLONGATION)
    assert orientation.history.all()[1].echeance == ancienne  # the history keeps the old one
    assert not avis.attend_un_accord
    with pytest.raises(ValidationError, match="déjà enregistré"):
        accord_enregistrer(avis=avis, accord="Encore")


@pytest.mark.parametrize(("nouvelle", "message"), [
    (None, "Proposez une date postérieure"),
    (date(2020, 1, 1), "Proposez une date postérieure"),
])
def test_demande_d_accord_refuse_une_date_qui_ne_prolonge_pas(orientation, nouvelle, message):
    with pytest.raises(ValidationError, match=message):
        accord_demander(orientation=orientation, nouvelle_echeance=nouvelle)
    assert not Avis.objects.exists()


def test_accord_sans_texte_refuse_rien_ne_change(orientation):
    avis, _ = accord_demander(orientation=orientation,
                              nouvelle_echeance=orientation.echeance + timedelta(days=60))
    with pytest.raises(ValidationError, match="Indiquez qui a donné l'accord"):
        accord_enregistrer(avis=avis, accord="   ")
    orientation.refresh_from_db()
    assert not orientation.est_prolongee


def test_une_demarche_volontaire_n_a_pas_de_prescripteur_a_aviser(antenne):
    volontaire = creer_orientation(antenne, cadre=Cadre.VOLONTAIRE)
    with pytest.raises(ValidationError, match="pas de prescripteur"):
        retour_envoyer(orientation=volontaire)
    assert not Avis.objects.exists()


def test_le_retour_est_refuse_tant_que_la_personne_est_convoquee(convocation, orientation):
    orientation.refresh_from_db()
    with pytest.raises(ValidationError, match="annulez d'abord sa convocation"):
        retour_envoyer(orientation=orientation)
    assert not Avis.objects.exists() and not Envoi.objects.exists()


@pytest.mark.parametrize("cadre", [Cadre.PEINE, Cadre.SURSIS, Cadre.COMPOSITION])
def test_chaque_retour_dit_ce_que_la_loi_attend_selon_le_cadre(antenne, prescripteur, cadre):
    champs = {"date_definitive": date(2026, 9, 1)} if cadre == Cadre.PEINE else {}
    orientation = creer_orientation(antenne, prescripteur=prescripteur, cadre=cadre, **champs)
    avis, _ = retour_envoyer(orientation=orientation, motif="refus")
    texte = _texte(avis)
    assert " ".join(SUITES[cadre].split())[:80] in texte
    assert PdfReader(io.BytesIO(bytes(avis.envoi.pieces.get().contenu))).metadata.title == (
        NatureAvis.RETOUR.label)


def test_avertissement_sans_adresse_electronique_a_poster(convocation, orientation,
                                                         django_capture_on_commit_callbacks):
    from convocations.models import StatutPresence
    from convocations.services.presences import presence_marquer
    from tests.convocations.avis.conftest import APRES

    orientation.personne.email = ""
    orientation.personne.save()
    with django_capture_on_commit_callbacks(execute=True):
        for seance in convocation.stage.seances.all():
            presence_marquer(seance=seance, convocation=convocation, statut=StatutPresence.ABSENT,
                             maintenant=APRES)
    avis = Avis.objects.get(nature=NatureAvis.AVERTISSEMENT)
    assert (avis.envoi.canal, avis.envoi.statut) == (CanalEnvoi.COURRIER, StatutEnvoi.A_POSTER)
    assert "3 avenue de la Gare" in _texte(avis)


def test_pas_d_avertissement_quand_l_orientation_est_a_retourner(convocation, orientation,
                                                               django_capture_on_commit_callbacks):
    from convocations.models import StatutPresence
    from convocations.services.presences import presence_marquer
    from tests.convocations.avis.conftest import APRES

    Orientation.objects.filter(pk=orientation.pk).update(nb_absences=1)
    with django_capture_on_commit_callbacks(execute=True):
        for seance in convocation.stage.seances.all():
            presence_marquer(seance=seance, convocation=convocation, statut=StatutPresence.ABSENT,
                             maintenant=APRES)
    orientation.refresh_from_db()
    assert orientation.statut == Statut.A_RETOURNER and not Avis.objects.exists()
