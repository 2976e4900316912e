"""Phone numbers typed any way, stored E.164, and written back (screen, exports, documents) so
that reading them again gives the same number.

A number written with its country code (+44 20 7946 0958, 0044…) is that country's. One
written without (06 12 34 56 78, 0596 30 12 34, 20 12 34) is read as French, where France
means metropolitan France and every overseas département and collectivité, each with its own
country code. The rule, in this order:

1. the digits are tried as a national number of each of them (after the trunk 0 where the
   territory has one; Saint-Pierre-et-Miquelon's also in the metropolitan form 05 08 xx xx xx),
   and only valid numbers are kept;
2. a territory's own range (its landlines and mobiles: 0596, 0263, 0269, 0508, 0639…) is the
   territory's, although libphonenumber also lists some of them for metropolitan France;
   otherwise a valid metropolitan number is metropolitan (0800 and 09 numbers included);
3. among the territories left, those whose own way of writing the number gives these digits
   (a 6-digit number of New Caledonia has no leading 0, one of Saint-Pierre-et-Miquelon has);
4. if two territories still remain (a Wallis-et-Futuna number is also a valid New Caledonian
   one), the number is refused with both readings: it has to be typed with its country code.

Written back, a French number takes its national form only when that form reads back as the
same number by this very rule; any other takes its international form. Separators are spaces,
which no spreadsheet reads as a date (New Caledonia's own "20.12.34" would be).
"""

import re

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

FRANCE = "FR"
OUTRE_MER = {
    "GP": "Guadeloupe", "MQ": "Martinique", "GF": "Guyane", "RE": "La Réunion",
    "YT": "Mayotte", "PM": "Saint-Pierre-et-Miquelon", "BL": "Saint-Barthélemy",
    "MF": "Saint-Martin", "NC": "Nouvelle-Calédonie", "WF": "Wallis-et-Futuna",
    "PF": "Polynésie française",
}
REGIONS_FRANCAISES = (FRANCE, *OUTRE_MER)
PROPRES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE,
           PhoneNumberType.FIXED_LINE_OR_MOBILE}
FORME_METROPOLITAINE = {"PM": "0508"}  # its 6 digits after this prefix
INVALIDE = ("Numéro de téléphone invalide : saisissez par exemple 06 12 34 56 78, "
            "0590 12 34 56 ou, à l'étranger, avec l'indicatif : +32 2 123 45 67.")
_SEPARATEURS = re.compile(r"[\s.\-/()]+")


class NumeroInvalide(ValueError):
    """`message`: why, in French, for the field."""

    def __init__(self, saisie: str, message: str = INVALIDE):
        super().__init__(message)
        self.saisie, self.message = saisie, message


def _e164(numero: PhoneNumber) -> str:
    return phonenumbers.format_number(numero, PhoneNumberFormat.E164)


def _chiffres(texte: str) -> str:
    return _SEPARATEURS.sub("", texte)


def _lectures_nationales(chiffres: str) -> dict[str, PhoneNumber]:
    """Region -> the valid number these digits are there, written without country code."""
    lectures = {}
    for region in REGIONS_FRANCAISES:
        metadonnees = phonenumbers.PhoneMetadata.metadata_for_region(region)
        # As they are: no trunk 0 in the Pacific, or dropped by a spreadsheet's number cell.
        nationaux = [chiffres]
        for prefixe in (metadonnees.national_prefix, FORME_METROPOLITAINE.get(region)):
            if prefixe and chiffres.startswith(prefixe):
                nationaux.append(chiffres[len(prefixe):])
        for national in nationaux:
            # No national number of these regions starts with 0 (int() would drop it).
            if national[:1] in ("", "0"):
                continue
            numero = PhoneNumber(country_code=metadonnees.country_code,
                                 national_number=int(national))
            if phonenumbers.is_valid_number_for_region(numero, region):
                lectures[region] = numero
                break
    return lectures


def _lire_national(saisie: str, chiffres: str) -> str:
    lectures = _lectures_nationales(chiffres)
    metropole = lectures.pop(FRANCE, None)
    propres = {region: numero for region, numero in lectures.items()
               if phonenumbers.number_type(numero) in PROPRES}
    if metropole and not propres:
        return _e164(metropole)
    if metropole:
        lectures = propres
    par_numero = {_e164(numero): (region, numero) for region, numero in lectures.items()}
    ecrits_ainsi = {
        e164: lecture for e164, lecture in par_numero.items()
        if _chiffres(phonenumbers.format_number(lecture[1], PhoneNumberFormat.NATIONAL)) == chiffres
    }
    par_numero = ecrits_ainsi or par_numero
    if not par_numero:
        raise NumeroInvalide(saisie)
    if len(par_numero) > 1:
        lectures_possibles = " ou de ".join(
            f"{OUTRE_MER[region]} ({_ecrit(numero, PhoneNumberFormat.INTERNATIONAL)})"
            for region, numero in par_numero.values()
        )
        raise NumeroInvalide(saisie, (
            f"Ce numéro peut être un numéro de {lectures_possibles} : écrivez-le avec son indicatif."
        ))
    return next(iter(par_numero))


def en_e164(saisie: str) -> str:
    """'06 12 34 56 78' -> '+33612345678'; '0596 30 12 34' -> '+596596301234';
    '20 12 34' -> '+687201234'; '+1 268 464 1234' -> '+12684641234'."""
    saisie = saisie.strip()
    chiffres = _chiffres(saisie)
    if chiffres.startswith(("+", "00")):
        try:
            numero = phonenumbers.parse(saisie, FRANCE)
        except phonenumbers.NumberParseException as erreur:
            raise NumeroInvalide(saisie) from erreur
        if not phonenumbers.is_valid_number(numero):
            raise NumeroInvalide(saisie)
        if numero.country_code != phonenumbers.country_code_for_region(FRANCE):
            return _e164(numero)
        # +33 5 96…: an overseas range is the territory's whatever the code typed.
        chiffres = f"0{numero.national_number}"
    if not chiffres.isascii() or not chiffres.isdigit():
        raise NumeroInvalide(saisie)
    return _lire_national(saisie, chiffres)


def _ecrit(numero: PhoneNumber, format_: PhoneNumberFormat) -> str:
    return " ".join(_SEPARATEURS.split(phonenumbers.format_number(numero, format_))).strip()


def numero_ecrit(e164: str) -> str:
    """A stored number as written on screen and in every export or document: the national
    form for France and its overseas territories when it reads back as the same number,
    the international one otherwise ('+1 268 464 1234')."""
    if not e164:
        return ""
    try:
        numero = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164  # not E.164 (saved before any check): as it is
    if phonenumbers.region_code_for_number(numero) in REGIONS_FRANCAISES:
        national = _ecrit(numero, PhoneNumberFormat.NATIONAL)
        try:
            if en_e164(national) == _e164(numero):
                return national
        except NumeroInvalide:
            pass
    return _ecrit(numero, PhoneNumberFormat.INTERNATIONAL)
