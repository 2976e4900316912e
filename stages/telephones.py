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
import re._parser as analyse_re
from itertools import product

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


def _motifs_generaux() -> dict[str, tuple]:
    """Region -> (metadata, the pattern every national number of the region matches)."""
    motifs = {}
    for region in REGIONS_FRANCAISES:
        metadonnees = phonenumbers.PhoneMetadata.metadata_for_region(region)
        motifs[region] = (metadonnees, re.compile(metadonnees.general_desc.national_number_pattern))
    return motifs


_MOTIFS_GENERAUX = _motifs_generaux()


def _lectures_nationales(chiffres: str) -> dict[str, PhoneNumber]:
    """Region -> the valid number these digits are there, written without country code."""
    lectures = {}
    for region, (metadonnees, motif_general) in _MOTIFS_GENERAUX.items():
        # As they are: no trunk 0 in the Pacific, or dropped by a spreadsheet's number cell.
        nationaux = [chiffres]
        for prefixe in (metadonnees.national_prefix, FORME_METROPOLITAINE.get(region)):
            if prefixe and chiffres.startswith(prefixe):
                nationaux.append(chiffres[len(prefixe):])
        for national in nationaux:
            # No national number of these regions starts with 0 (int() would drop it).
            # Outside the region's general pattern, no number type matches: invalid there.
            # One regex instead of libphonenumber's every type (exports write thousands).
            if national[:1] in ("", "0") or not motif_general.fullmatch(national):
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
    if e164[1:].isdigit() and e164.isascii() and (gabarits := _GABARITS.get(len(e164))):
        for fin in range(3, len(e164)):
            if (gabarit := gabarits.get(e164[:fin])) is not None:
                gabarit, longueur = gabarit
                return gabarit.format(*e164[-longueur:])
    ecrit = _numero_ecrit(e164)
    if (cle := _cle_francaise(e164)) is not None:
        _retenir_gabarit(e164, *cle, ecrit)
    return ecrit


# --- Writing thousands of numbers (exports) -----------------------------------------------
#
# The rule above costs about a millisecond a number (every territory's metadata is tried).
# Its outcome depends only on the regular expressions of these territories' metadata, and
# each of them tests the first few digits and then the length alone. So the number written
# for one stored number is a template (where its digits go) that holds for every number of
# the same country code and length sharing the digits that decided each expression: those
# deciding digits are found by walking each expression's paths, and the template is kept
# under them. Nothing is guessed: a number whose deciding prefix was never seen takes the
# rule itself.

class _MotifNonAnalysable(ValueError):
    pass


_CHIFFRES = frozenset("0123456789")
_POSITION_LIBRE = None  # any digit


def _ensemble(op, av) -> frozenset | None:
    """The digits one regex item accepts (None: every digit)."""
    if op is analyse_re.LITERAL:
        return frozenset({chr(av)}) & _CHIFFRES
    if op is analyse_re.IN:
        accepte = set()
        for sous_op, sous_av in av:
            if sous_op is analyse_re.LITERAL:
                accepte.add(chr(sous_av))
            elif sous_op is analyse_re.RANGE:
                accepte.update(chr(c) for c in range(sous_av[0], sous_av[1] + 1))
            elif sous_op is analyse_re.CATEGORY and sous_av is analyse_re.CATEGORY_DIGIT:
                accepte.update(_CHIFFRES)
            else:
                raise _MotifNonAnalysable(sous_op)
        accepte &= _CHIFFRES
        return _POSITION_LIBRE if accepte == _CHIFFRES else frozenset(accepte)
    raise _MotifNonAnalysable(op)


def _chemins(elements) -> list[tuple]:
    """Every path through a parsed regex: the digits accepted at each position, as a tuple
    (variable lengths expanded, so at most a few hundred paths for these metadata)."""
    chemins = [()]
    for op, av in elements:
        if op is analyse_re.SUBPATTERN:
            suites = _chemins(av[-1])
        elif op is analyse_re.BRANCH:
            suites = [chemin for alternative in av[1] for chemin in _chemins(alternative)]
        elif op is analyse_re.MAX_REPEAT or op is analyse_re.MIN_REPEAT:
            minimum, maximum, contenu = av
            if maximum > 20:
                raise _MotifNonAnalysable("répétition sans borne")
            une = _chemins(contenu)
            suites = [tuple(x for morceau in combinaison for x in morceau)
                      for nombre in range(minimum, maximum + 1)
                      for combinaison in product(une, repeat=nombre)]
        else:
            suites = [(_ensemble(op, av),)]
        chemins = list({debut + suite for debut in chemins for suite in suites})
        if len(chemins) > 5000:
            raise _MotifNonAnalysable("trop de chemins")
    return chemins


def _motifs_des_metadonnees() -> list[tuple[list[tuple], bool]]:
    """Every regex the rule and libphonenumber apply to a French number: (its paths, whether
    it must match the whole number or a start of it)."""
    motifs = []
    for region in REGIONS_FRANCAISES:
        metadonnees = phonenumbers.PhoneMetadata.metadata_for_region(region)
        descriptions = [metadonnees.general_desc, *(
            getattr(metadonnees, nom) for nom in (
                "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                "personal_number", "voip", "pager", "uan", "voicemail", "no_international_dialling",
            )
        )]
        entiers = [d.national_number_pattern for d in descriptions if d and d.national_number_pattern]
        debuts = [metadonnees.leading_digits, metadonnees.national_prefix_for_parsing]
        for format_ in [*metadonnees.number_format, *metadonnees.intl_number_format]:
            entiers.append(format_.pattern)
            debuts.extend(format_.leading_digits_pattern)
        motifs += [(_chemins(analyse_re.parse(m)), True) for m in entiers]
        motifs += [(_chemins(analyse_re.parse(m)), False) for m in debuts if m]
    return motifs


def _analyser() -> list[tuple[list[tuple], bool]] | None:
    try:
        return _motifs_des_metadonnees()
    except _MotifNonAnalysable:
        return None  # a future metadata beyond this analysis: the rule for every number


_MOTIFS = _analyser()
_INDICATIFS = tuple(sorted({
    str(phonenumbers.country_code_for_region(region)) for region in REGIONS_FRANCAISES
}))
# Length of the E.164 -> its start up to the deciding digits -> (template, national digits).
_GABARITS: dict[int, dict[str, tuple[str, int]]] = {}


def _cle_francaise(e164: str) -> tuple[str, str] | None:
    if _MOTIFS is None or not e164.startswith("+") or not e164[1:].isascii() or not e164[1:].isdigit():
        return None
    for indicatif in _INDICATIFS:
        if e164.startswith(indicatif, 1):
            national = e164[1 + len(indicatif):]
            return (indicatif, national) if national[:1] not in ("", "0") else None
    return None


def _chiffres_decisifs(national: str) -> int:
    """How many first digits decide every regex for this number (its length being known)."""
    decisifs = 0
    for chemins, entier in _MOTIFS:
        for chemin in chemins:
            if len(chemin) > len(national) or (entier and len(chemin) != len(national)):
                continue  # decided by the length alone
            contraint = 0
            for position, accepte in enumerate(chemin):
                if accepte is _POSITION_LIBRE:
                    continue
                contraint = position + 1
                if national[position] not in accepte:
                    break  # this path is refused by the digits up to here
            decisifs = max(decisifs, contraint)
    return decisifs


def _retenir_gabarit(e164: str, indicatif: str, national: str, ecrit: str) -> None:
    """Keep `ecrit` as a template when its last digits are the national number's, in order."""
    positions = [i for i, caractere in enumerate(ecrit) if caractere.isdigit()]
    if len(positions) < len(national) or "".join(ecrit[i] for i in positions[-len(national):]) != national:
        return
    gabarit = list(ecrit.replace("{", "{{").replace("}", "}}"))
    for i in positions[-len(national):]:
        gabarit[i] = "{}"
    debut = e164[:1 + len(indicatif) + max(1, _chiffres_decisifs(national))]
    _GABARITS.setdefault(len(e164), {})[debut] = ("".join(gabarit), len(national))


def _numero_ecrit(e164: str) -> str:
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
