"""A no-show's path: absent at every séance of the stage -> one absence more, back on the
waiting list at the original rank with a warning letter (PDF by e-mail, received by the local
SMTP server); convoked a second time, absent again -> « à retourner »; the retour au
prescripteur (PDF by e-mail) closes the orientation and says what the law expects next."""

from datetime import date, timedelta

from commun.envois import envoyer_en_attente
from commun.models import Envoi, StatutEnvoi
from convocations.models import Avis, NatureAvis, StatutConvocation, StatutPresence
from convocations.services.avis import retour_envoyer
from convocations.services.presences import presence_marquer
from convocations.services.proposition import Choix, convocations_creer
from stages.models import Orientation, Statut
from tests.commun.lecture import texte_poppler
from tests.convocations.avis.conftest import APRES
from tests.factories import creer_stage


def _absent_partout(convocation, maintenant):
    for seance in convocation.stage.seances.all():
        presence_marquer(seance=seance, convocation=convocation, statut=StatutPresence.ABSENT,
                         maintenant=maintenant)
    convocation.refresh_from_db()
    return convocation


def _pdf(message) -> str:
    (piece,) = [p for p in message.iter_attachments() if p.get_filename().endswith(".pdf")]
    return " ".join(texte_poppler(piece.get_content()).split())


def test_un_absent_passe_par_la_seconde_convocation_puis_le_retour_au_prescripteur(
    convocation, orientation, serveur_smtp, django_capture_on_commit_callbacks,
):
    rang = orientation.date_orientation
    with django_capture_on_commit_callbacks(execute=True):
        convocation = _absent_partout(convocation, APRES)
    orientation.refresh_from_db()
    assert convocation.statut == StatutConvocation.ABSENTE
    assert (orientation.statut, orientation.nb_absences, orientation.date_orientation) == (
        Statut.EN_ATTENTE, 1, rang)

    avertissement = Avis.objects.get(nature=NatureAvis.AVERTISSEMENT)
    assert avertissement.convocation == convocation and avertissement.envoi.statut == StatutEnvoi.ENVOYE
    assert serveur_smtp.destinataires == [["gaelle.lefevre@exemple.invalid"]]
    message = serveur_smtp.messages[0]
    assert message["Subject"] == "Stage de responsabilisation : votre absence"
    assert "seconde convocation" in message.get_body(("plain",)).get_content()
    texte = _pdf(message)
    assert "avertissement" in texte and "Madame Gaëlle LEFÈVRE" in texte
    assert "lundi 14 décembre 2026" in texte and "seconde convocation" in texte
    assert "une nouvelle absence sera signalée à votre prescripteur" in texte

    # The second convocation, to the next stage: absent again.
    second = creer_stage(convocation.stage.antenne, jours=(date(2027, 1, 11), date(2027, 1, 12)))
    (convocation2,), _ = convocations_creer(stage=second, choix=[Choix(orientation.pk)],
                                            aujourd_hui=date(2026, 12, 16))
    assert convocation2.numero == 2
    with django_capture_on_commit_callbacks(execute=True):
        _absent_partout(convocation2, APRES + timedelta(days=30))
    orientation.refresh_from_db()
    assert (orientation.statut, orientation.nb_absences) == (Statut.A_RETOURNER, 2)
    assert Avis.objects.filter(nature=NatureAvis.AVERTISSEMENT).count() == 1  # no second warning

    # The retour au prescripteur: the notice by e-mail, the orientation closed.
    with django_capture_on_commit_callbacks(execute=True):
        retour, cree = retour_envoyer(orientation=orientation, motif="absences")
        envoyer_en_attente()
    assert cree
    orientation.refresh_from_db()
    assert orientation.statut == Statut.RETOURNEE
    assert "Retournée au prescripteur" in orientation.history.first().history_change_reason
    assert serveur_smtp.destinataires[-1] == ["parquet@justice.invalid"]
    texte = _pdf(serveur_smtp.messages[-1])
    assert "Retour du dossier au prescripteur" in texte and "PR-2026-0042" in texte
    assert "absente 2 fois" in texte
    assert "composition pénale ou d'engager des poursuites" in texte  # what 41-1 expects next
    assert "Parquet de Perpignan" in texte and "66000 PERPIGNAN" in texte

    # Sent twice: one notice, one message.
    with django_capture_on_commit_callbacks(execute=True):
        deja, cree = retour_envoyer(orientation=Orientation.objects.get(pk=orientation.pk), motif="absences")
    assert (deja, cree) == (retour, False)
    assert Avis.objects.filter(nature=NatureAvis.RETOUR).count() == 1
    assert Envoi.objects.filter(nature="avis-retour").count() == 1 and len(serveur_smtp.messages) == 2
