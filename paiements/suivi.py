"""The accountant's follow-up: the payments of a period with their totals by mode, who still
owes, who is owed a refund, and the export of the period's payments."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from paiements import selectors
from paiements.models import NatureRecu
from stages.dates import date_courte, lire_date_saisie
from stages.models import Antenne

# The rows each list shows on the page (the totals count them all; the export has them all).
NB_LIGNES = 100


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


def suivi_de(antenne: Antenne, periode: Periode) -> dict:
    totaux = selectors.totaux_par_mode(antenne, periode.du, periode.au)
    paiements = (selectors.paiements_de_la_periode(antenne, periode.du, periode.au)
                 .select_related("orientation__personne").prefetch_related("recus")
                 .order_by("-date", "-pk")[:NB_LIGNES])
    soldes = selectors.soldes_restants(antenne)
    remboursements = selectors.remboursements_dus(antenne)
    restes = selectors.totaux_des_soldes(antenne)
    return {
        "periode": periode, "totaux": totaux,
        "total": sum(t.total for t in totaux), "nombre": sum(t.nombre for t in totaux),
        "paiements": list(paiements), "nb_lignes": NB_LIGNES,
        "soldes": list(soldes.select_related("orientation__personne")[:NB_LIGNES]),
        "total_soldes": restes["reste"],
        "remboursements": list(remboursements.select_related("orientation__personne")[:NB_LIGNES]),
        "total_remboursements": restes["a_rembourser"],
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


