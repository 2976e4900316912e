"""Calendar files (ICS, RFC 5545) with icalendar 7: events in Europe/Paris time with their
VTIMEZONE, a reminder before each, a UID and a SEQUENCE chosen by the caller, and the iTIP
method (RFC 5546) that tells a calendar to add, update or cancel them.

The caller passes every text and keeps the UID stable (one per convocation and séance, say)
and the SEQUENCE increasing: a calendar replaces an event of the same UID when the SEQUENCE
grows, and removes it on METHOD:CANCEL.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vCalAddress

FUSEAU = ZoneInfo("Europe/Paris")
PRODID = "-//CPCA//Stages de responsabilisation//FR"
TYPE_MIME = "text/calendar"


class Methode(StrEnum):
    PUBLISH = "PUBLISH"  # a feed to subscribe to
    REQUEST = "REQUEST"  # add or update in the recipient's calendar
    CANCEL = "CANCEL"  # remove from it


@dataclass(frozen=True)
class Evenement:
    uid: str
    debut: datetime  # aware; written in Europe/Paris time
    fin: datetime
    titre: str
    lieu: str = ""
    description: str = ""
    sequence: int = 0
    # The reminder shown `rappel_avant` the start; none when None.
    rappel: str | None = None
    rappel_avant: timedelta = timedelta(days=1)


@dataclass(frozen=True)
class Personne:
    """An organiser or an attendee (iTIP needs both for REQUEST and CANCEL)."""

    courriel: str
    nom: str = ""

    def adresse(self) -> vCalAddress:
        adresse = vCalAddress(f"mailto:{self.courriel}")
        if self.nom:
            adresse.params["CN"] = self.nom
        return adresse


def _heure_de_paris(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("Heure sans fuseau : impossible de la placer dans un calendrier.")
    return moment.astimezone(FUSEAU)


def construire_calendrier(
    evenements: Iterable[Evenement],
    *,
    methode: Methode = Methode.REQUEST,
    organisateur: Personne | None = None,
    participants: Iterable[Personne] = (),
    nom: str | None = None,
    horodatage: datetime | None = None,
) -> bytes:
    """The ICS bytes of these events. With METHOD:CANCEL every event is marked
    STATUS:CANCELLED (the caller bumps its SEQUENCE)."""
    annule = methode is Methode.CANCEL
    horodatage = horodatage or timezone.now()
    participants = [p.adresse() for p in participants]
    for adresse in participants:
        adresse.params.update({"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    composants = []
    for evenement in evenements:
        debut, fin = _heure_de_paris(evenement.debut), _heure_de_paris(evenement.fin)
        if fin <= debut:
            raise ValueError("La fin d'un événement doit suivre son début.")
        composant = Event.new(
            uid=evenement.uid, sequence=evenement.sequence, stamp=horodatage, start=debut, end=fin,
            summary=evenement.titre, location=evenement.lieu or None,
            description=evenement.description or None,
            status="CANCELLED" if annule else "CONFIRMED",
            organizer=organisateur.adresse() if organisateur else None,
            attendees=list(participants) or None,
        )
        if evenement.rappel and not annule:
            composant.add_component(Alarm.new_display(description=evenement.rappel,
                                                      trigger=-evenement.rappel_avant))
        composants.append(composant)
    calendrier = Calendar.new(prodid=PRODID, method=str(methode), name=nom, subcomponents=composants)
    # Calendar.new gives the calendar a random UID (RFC 7986): dropped, so that the same
    # events (and horodatage) give the same bytes.
    del calendrier["UID"]
    # VTIMEZONE covering the events' years only (icalendar's default spans 1970-2038).
    if composants:
        debuts = [c.start.date() for c in composants]
        calendrier.add_missing_timezones(first_date=date(min(debuts).year, 1, 1),
                                         last_date=date(max(debuts).year + 1, 12, 31))
    return calendrier.to_ical()
