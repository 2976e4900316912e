"""The accountant's follow-up: the payments of a period with their totals by mode, who still
owes, who is owed a refund, and the export of the period's payments."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from paiements import selectors
from paiements.models import Mode, NatureRecu, Recu, numero_de_recu
from stages.dates import date_courte, lire_date_saisie
from stages.models import Antenne

# The rows each list shows on the page (the totals count them all; the export has them all).
NB_LIGNES = 50


@dataclass(frozen=True)
class Periode:
    du: date
    au: date
    erreur: str = ""

    def __str__(self):
        return f"du {date_courte(self.du)} au {date_courte(self.au)}"

    @classmethod
    def de_la_requete(cls, donnees, *, aujourd_hui: date) -> "Periode":
        """From ?du=&au= (jj/mm/aaaa); the current year to date by default, or when a date is
        unreadable (said in `erreur`, shown next to the filter)."""
        defaut = cls(date(aujourd_hui.year, 1, 1), aujourd_hui)
        try:
            du = lire_date_saisie(donnees.get("du", "")) or defaut.du
            au = lire_date_saisie(donnees.get("au", "")) or defaut.au
        except ValidationError as refus:
            return cls(defaut.du, defaut.au, " ".join(refus.messages))
        if du > au:
            return cls(defaut.du, defaut.au, "La date de début de la période est après sa fin.")
        return cls(du, au)


_NUMERO_RECU = {"recu_annee": "annee", "recu_prefixe": "prefixe", "recu_rang": "rang"}
_MARQUE = 987654321


def _adresse_des_paiements() -> str:
    """The address of an orientation's payments with '{}' for its id: reversed once per page
    ({% url %} on each of hundreds of rows cost more than their queries)."""
    return reverse("paiements:orientation", args=[_MARQUE]).replace(str(_MARQUE), "{}")


def _personne(ligne: dict) -> str:
    # As Personne.__str__ writes it, from the two columns read (no model built per row).
    return f"{ligne['orientation__personne__nom'].upper()} {ligne['orientation__personne__prenom']}"


PERSONNE = ("orientation_id", "orientation__personne__nom", "orientation__personne__prenom")


def _lignes_de_paiements(antenne: Antenne, periode: Periode) -> list[dict]:
    recu = Recu.objects.filter(paiement=OuterRef("pk"), nature=NatureRecu.PAIEMENT)
    paiements = (selectors.paiements_de_la_periode(antenne, periode.du, periode.au)
                 .annotate(**{nom: Subquery(recu.values(champ)[:1]) for nom, champ in _NUMERO_RECU.items()})
                 .order_by("-date", "-pk")
                 .values("pk", "date", "montant", "mode", "annule", *PERSONNE, *_NUMERO_RECU)[:NB_LIGNES])
    modes = dict(Mode.choices)
    return [ligne | {"mode_libelle": modes[ligne["mode"]], "numero": numero_de_recu(
        ligne["recu_annee"], ligne["recu_prefixe"], ligne["recu_rang"]) if ligne["recu_rang"] else ""}
        for ligne in paiements]


def _lignes(sommes, *champs: str) -> list[dict]:
    return list(sommes.values("montant", "paye", *champs, *PERSONNE)[:NB_LIGNES])


def suivi_de(antenne: Antenne, periode: Periode) -> dict:
    """The page's figures and its lists, each list read as plain values (a row is no model)."""
    totaux = selectors.totaux_par_mode(antenne, periode.du, periode.au)
    adresse = _adresse_des_paiements()
    listes = {
        "paiements": _lignes_de_paiements(antenne, periode),
        "soldes": _lignes(selectors.soldes_restants(antenne), "reste"),
        "remboursements": _lignes(selectors.remboursements_dus(antenne), "a_rembourser"),
        "retards": list(selectors.echeances_en_retard(antenne, periode.au)
                        .values("date", "cumul", "paye", *PERSONNE)[:NB_LIGNES]),
    }
    for lignes in listes.values():
        for ligne in lignes:
            ligne["personne"], ligne["adresse"] = _personne(ligne), adresse.format(ligne["orientation_id"])
    restes = selectors.totaux_des_soldes(antenne)
    return listes | {
        "periode": periode, "totaux": totaux, "nb_lignes": NB_LIGNES,
        "total": sum(t.total for t in totaux), "nombre": sum(t.nombre for t in totaux),
        "total_soldes": restes["reste"], "total_remboursements": restes["a_rembourser"],
    }


TITRES_EXPORT = ["Date", "Reçu", "Nom", "Prénom", "Référence du dossier", "Montant (€)", "Mode",
                 "N° de chèque", "Banque", "Annulé", "Motif de l'annulation", "Trop-perçu (€)"]


def lignes_export(antenne: Antenne, periode: Periode) -> tuple[list[str], Iterator[list]]:
    paiements = (selectors.paiements_de_la_periode(antenne, periode.du, periode.au)
                 .select_related("orientation__personne").prefetch_related("recus").order_by("date", "pk"))

    def rangees():
        for p in paiements.iterator(chunk_size=2000):
            recu = next((r for r in p.recus.all() if r.nature == NatureRecu.PAIEMENT), None)
            personne = p.orientation.personne
            yield [p.date, recu.numero if recu else "", personne.nom, personne.prenom,
                   p.orientation.reference, p.montant, p.get_mode_display(), p.numero_cheque, p.banque,
                   "oui" if p.annule else "non", p.motif_annulation, p.trop_percu]

    return TITRES_EXPORT, rangees()


