"""The calendar files of a convocation and a stage's feed, parsed back with icalendar."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from convocations import documents
from convocations.models import FluxCalendrier
from tests.convocations.envoi import convoquer
from tests.factories import creer_utilisateur, dans_l_antenne

PARIS = ZoneInfo("Europe/Paris")


def evenements(ics: bytes):
    calendrier = Calendar.from_ical(ics)
    return calendrier, list(calendrier.walk("VEVENT"))


def test_un_evenement_par_seance_heure_de_paris_et_rappel_la_veille(convocation):
    calendrier, (premier, second) = evenements(documents.ics_convocation(convocation))

    assert calendrier["METHOD"] == "REQUEST"
    assert premier.start == datetime(2026, 12, 14, 9, 30, tzinfo=PARIS)
    assert premier.start.tzinfo.key == "Europe/Paris"
    assert premier.end == datetime(2026, 12, 14, 17, tzinfo=PARIS)
    assert second.start == datetime(2026, 12, 15, 9, tzinfo=PARIS)
    assert str(premier["LOCATION"]) == "Maison des associations, 2 rue de la Paix, 66000 Perpignan"
    assert "Cœur de ville" in str(premier["DESCRIPTION"])
    (alarme,) = premier.walk("VALARM")
    assert alarme["TRIGGER"].dt == -timedelta(days=1)
    assert premier["SEQUENCE"] == 0
    assert [a.lower() for a in [str(premier["ATTENDEE"])]] == ["mailto:gaelle.lefevre@exemple.invalid"]


def test_uid_stable_et_sequence_de_la_convocation(convocation, stage):
    avant = [e["UID"] for e in evenements(documents.ics_convocation(convocation))[1]]
    convocation.sequence_ics = 3
    apres = evenements(documents.ics_convocation(convocation))[1]

    assert [e["UID"] for e in apres] == avant
    assert len(set(avant)) == 2 and all(str(convocation.pk) in uid for uid in avant)
    assert [e["SEQUENCE"] for e in apres] == [3, 3]
    autre = convoquer(stage, nom="Autre")
    assert not set(avant) & {e["UID"] for e in evenements(documents.ics_convocation(autre))[1]}


def test_annulation_method_cancel(convocation):
    calendrier, evts = evenements(documents.ics_convocation(convocation, annulation=True))

    assert calendrier["METHOD"] == "CANCEL"
    assert {str(e["STATUS"]) for e in evts} == {"CANCELLED"}
    assert not [a for e in evts for a in e.walk("VALARM")]


def test_flux_du_stage_a_son_adresse_secrete_sans_donnees_personnelles(
    client_secretariat, antenne, stage, convocation
):
    client = Client()  # the calendar application: no session
    client_secretariat.post(
        reverse("convocations:stage_flux_regenerer", args=[stage.pk]), dans_l_antenne(antenne)
    )
    jeton = FluxCalendrier.objects.get(stage=stage).jeton
    animateur = creer_utilisateur("animateur", antenne, first_name="Léa")
    stage.animateurs.add(animateur.membres.get())

    reponse = client.get(reverse("convocations:flux_stage", args=[jeton]))
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/calendar")
    texte = reponse.content.decode()
    calendrier, evts = evenements(reponse.content)
    assert calendrier["METHOD"] == "PUBLISH" and len(evts) == 2
    assert "Léa" in texte and "Personnes convoquées : 1" in str(evts[0]["DESCRIPTION"])
    personne = convocation.orientation.personne
    for donnee in (personne.nom, personne.prenom, personne.email, convocation.orientation.reference):
        assert donnee.casefold() not in texte.casefold()

    # A new address revokes the old one.
    client_secretariat.post(
        reverse("convocations:stage_flux_regenerer", args=[stage.pk]), dans_l_antenne(antenne)
    )
    assert client.get(reverse("convocations:flux_stage", args=[jeton])).status_code == 404
    nouveau = FluxCalendrier.objects.get(stage=stage).jeton
    assert nouveau != jeton
    assert client.get(reverse("convocations:flux_stage", args=[nouveau])).status_code == 200


@pytest.mark.parametrize("jeton", ["inconnu", "x" * 43])
def test_flux_jeton_inconnu_404(client, db, jeton):
    assert client.get(reverse("convocations:flux_stage", args=[jeton])).status_code == 404


def test_ics_et_lettre_telechargeables_par_le_personnel(client_secretariat, convocation):
    ics = client_secretariat.get(reverse("convocations:convocation_ics", args=[convocation.pk]))
    assert len(evenements(ics.content)[1]) == 2
    pdf = client_secretariat.get(reverse("convocations:convocation_lettre", args=[convocation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
