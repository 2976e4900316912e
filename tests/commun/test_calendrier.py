"""Calendar files read back with icalendar, as a calendar application would."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from commun.calendrier import Evenement, Methode, Personne, construire_calendrier

PARIS = ZoneInfo("Europe/Paris")
HORODATAGE = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def seance(numero: int, debut: datetime, **options) -> Evenement:
    options.setdefault("rappel", "Rappel : séance demain")
    return Evenement(uid=f"convocation-7-seance-{numero}@exemple.invalid", debut=debut,
                     fin=debut + timedelta(hours=3, minutes=30), titre=f"Séance {numero} – « cœur »",
                     lieu="Salle des Œillets, 3 rue de la Gare, 66000 Perpignan",
                     description="Pièce d'identité ; 180 € ;\nnouvelle ligne", **options)


def lire(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def test_les_seances_sont_a_l_heure_de_paris_avec_le_fuseau_et_les_textes():
    # 9 h in Paris in winter (UTC+1) and after the change to summer time (UTC+2).
    hiver = seance(1, datetime(2027, 3, 27, 8, 0, tzinfo=UTC))
    ete = seance(2, datetime(2027, 3, 29, 9, 0, tzinfo=PARIS))
    calendrier = lire(construire_calendrier([hiver, ete], horodatage=HORODATAGE, nom="Stage"))

    assert calendrier["METHOD"] == "REQUEST"
    assert [tz.tz_name for tz in calendrier.timezones] == ["Europe/Paris"]
    premier, second = calendrier.events
    assert premier.start == datetime(2027, 3, 27, 9, 0, tzinfo=PARIS)
    assert str(premier.start.tzinfo) == "Europe/Paris"
    assert premier.end == datetime(2027, 3, 27, 12, 30, tzinfo=PARIS)
    assert second.start == datetime(2027, 3, 29, 9, 0, tzinfo=PARIS)
    assert second.start.utcoffset() == timedelta(hours=2)
    assert premier["SUMMARY"] == "Séance 1 – « cœur »"
    assert premier["LOCATION"] == "Salle des Œillets, 3 rue de la Gare, 66000 Perpignan"
    assert premier["DESCRIPTION"] == "Pièce d'identité ; 180 € ;\nnouvelle ligne"
    assert premier["STATUS"] == "CONFIRMED"
    assert premier.DTSTAMP == HORODATAGE


def test_un_rappel_la_veille():
    (evenement,) = lire(construire_calendrier([seance(1, datetime(2027, 4, 5, 9, tzinfo=PARIS))])).events

    (alarme,) = evenement.walk("VALARM")
    assert alarme["ACTION"] == "DISPLAY"
    assert alarme["DESCRIPTION"] == "Rappel : séance demain"
    assert alarme["TRIGGER"].dt == timedelta(days=-1)
    sans = seance(2, datetime(2027, 4, 5, 9, tzinfo=PARIS), rappel=None)
    assert lire(construire_calendrier([sans])).events[0].walk("VALARM") == []


def test_uid_et_sequence_donnes_par_l_appelant_et_octets_stables():
    avant = seance(1, datetime(2027, 4, 5, 9, tzinfo=PARIS), sequence=0)
    deplacee = seance(1, datetime(2027, 4, 6, 14, tzinfo=PARIS), sequence=1)

    une = construire_calendrier([avant], horodatage=HORODATAGE)
    assert une == construire_calendrier([avant], horodatage=HORODATAGE)  # same input, same bytes
    ancien, nouveau = lire(une).events[0], lire(construire_calendrier([deplacee])).events[0]
    assert ancien.uid == nouveau.uid == "convocation-7-seance-1@exemple.invalid"
    assert (ancien.sequence, nouveau.sequence) == (0, 1)
    assert nouveau.start == datetime(2027, 4, 6, 14, tzinfo=PARIS)


def test_annulation():
    annulee = seance(1, datetime(2027, 4, 5, 9, tzinfo=PARIS), sequence=2)
    calendrier = lire(construire_calendrier(
        [annulee], methode=Methode.CANCEL, organisateur=Personne("antenne@exemple.invalid", "Antenne"),
        participants=[Personne("elodie@exemple.invalid", "Élodie Œuvray")],
    ))

    assert calendrier["METHOD"] == "CANCEL"
    (evenement,) = calendrier.events
    assert evenement["STATUS"] == "CANCELLED"
    assert evenement.sequence == 2
    assert evenement.uid == "convocation-7-seance-1@exemple.invalid"
    assert evenement.walk("VALARM") == []  # nothing to remind of
    assert str(evenement["ORGANIZER"]) == "mailto:antenne@exemple.invalid"
    (participant,) = evenement.attendees
    assert str(participant) == "mailto:elodie@exemple.invalid"
    assert participant.params["CN"] == "Élodie Œuvray"


def test_une_heure_sans_fuseau_ou_une_fin_avant_le_debut_sont_refusees():
    with pytest.raises(ValueError, match="sans fuseau"):
        construire_calendrier([seance(1, datetime(2027, 4, 5, 9))])  # noqa: DTZ001
    debut = datetime(2027, 4, 5, 9, tzinfo=PARIS)
    with pytest.raises(ValueError, match="La fin"):
        construire_calendrier([Evenement(uid="x", debut=debut, fin=debut, titre="x")])
