"""The receipt (PDF) of a payment or of its cancellation: a pure function of the rows."""

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from commun.documents import Signataire, construire_document, echapper, paragraphe, styles
from paiements.models import Mode, NatureRecu, Paiement, Recu
from paiements.montants import montant, montant_en_lettres
from stages.dates import date_longue
from stages.documents import entete_de
from stages.models import Sexe

TITRE_PDF = "Reçu"


def _personne(paiement: Paiement) -> str:
    personne = paiement.orientation.personne
    civilite = "Madame" if personne.sexe == Sexe.FEMME else "Monsieur"
    return f"{civilite} {personne.prenom} {personne.nom.upper()}"


def _mode(paiement: Paiement) -> str:
    if paiement.mode == Mode.CHEQUE:
        return f"Chèque n° {paiement.numero_cheque}, {paiement.banque}"
    return paiement.get_mode_display()


def _jour(recu: Recu) -> str:
    return date_longue(timezone.localtime(recu.emis_le).date())


def _lignes(lignes: list[tuple[str, str]]) -> list[Paragraph]:
    # Paragraphs rather than a Table: the same page, laid out in a third less time.
    style = styles()["normal"]
    return [Paragraph(f"<b>{echapper(titre)} :</b> {echapper(valeur)}", style) for titre, valeur in lignes]


def elements_recu(recu: Recu, *, annulation: Recu | None = None, origine: Recu | None = None) -> list:
    """`annulation`: the cancellation receipt of a cancelled payment's receipt (it then shows
    "annulé"); `origine`: for a cancellation receipt, the receipt it cancels."""
    paiement = recu.paiement
    emis = _jour(recu)
    if recu.nature == NatureRecu.ANNULATION:
        elements = [paragraphe(f"Reçu d'annulation n° {recu.numero}", "titre"),
                    paragraphe(f"Annule le reçu n° {origine.numero if origine else '—'} "
                               f"du {_jour(origine) if origine else '—'}.")]
    else:
        elements = [paragraphe(f"Reçu n° {recu.numero}", "titre")]
        if annulation is not None:
            elements.append(paragraphe(
                f"ANNULÉ — ce paiement a été annulé le {_jour(annulation)} "
                f"(reçu d'annulation n° {annulation.numero}) : {paiement.motif_annulation}", "objet"))
    lignes = [
        ("Émis le", emis),
        ("Reçu de", _personne(paiement)),
        ("Date du paiement", date_longue(paiement.date)),
        ("Montant", f"{montant(paiement.montant)} ({montant_en_lettres(paiement.montant)})"),
        ("Mode de paiement", _mode(paiement)),
    ]
    if recu.nature == NatureRecu.ANNULATION:
        lignes.append(("Motif de l'annulation", paiement.motif_annulation))
    lignes += [
        ("Somme due", montant(recu.somme_due)),
        ("Total payé à ce jour", montant(recu.total_paye)),
        ("Reste à payer", f"{montant(recu.reste)} ({montant_en_lettres(recu.reste)})"),
    ]
    if paiement.trop_percu and recu.nature == NatureRecu.PAIEMENT:
        lignes.append(("Trop-perçu à rembourser", montant(paiement.trop_percu)))
    elements += [Spacer(1, 3 * mm), *_lignes(lignes), Spacer(1, 4 * mm),
                 paragraphe("Stage de responsabilisation pour la prévention et la lutte contre les "
                            "violences au sein du couple et sexistes.", "petit")]
    return elements


def recu_pdf(recu: Recu, *, annulation: Recu | None = None, origine: Recu | None = None) -> bytes:
    """One receipt (PDF bytes). `recu` with its payment, orientation, personne and antenne."""
    antenne = recu.antenne
    signataire = Signataire(antenne.signataire, "Pour l'antenne") if antenne.signataire else None
    return construire_document(
        elements_recu(recu, annulation=annulation, origine=origine), entete=entete_de(antenne),
        signataire=signataire, titre=f"{TITRE_PDF} {recu.numero}", auteur=antenne.nom,
    )
