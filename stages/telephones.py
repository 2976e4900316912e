"""French phone numbers typed any way, stored E.164 (overseas départements included)."""

import phonenumbers

REGION = "FR"


class NumeroInvalide(ValueError):
    pass


def en_e164(saisie: str) -> str:
    """'06 12 34 56 78' -> '+33612345678'; '0590 12 34 56' -> '+590590123456'."""
    try:
        numero = phonenumbers.parse(saisie, REGION)
    except phonenumbers.NumberParseException as erreur:
        raise NumeroInvalide(saisie) from erreur
    # A French-looking number of an overseas département parses as +33; try its own region.
    if not phonenumbers.is_valid_number(numero):
        for region in ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"):
            candidat = phonenumbers.parse(saisie, region)
            if phonenumbers.is_valid_number(candidat):
                numero = candidat
                break
        else:
            raise NumeroInvalide(saisie)
    return phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.E164)


def affichage_national(e164: str) -> str:
    if not e164:
        return ""
    numero = phonenumbers.parse(e164, REGION)
    return phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.NATIONAL)
