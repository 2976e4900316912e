"""What the payments add to the pages of `stages` (commun.encarts): the balance on the
orientation page, the fee and who still owes on the stage page."""

from django.http import HttpRequest

from paiements import selectors
from stages.access import Droit
from stages.models import Orientation, Stage


def contexte_orientation(request: HttpRequest, orientation: Orientation) -> dict:
    """The balance, read with the orientation (`selectors.avec_solde_de_la_fiche`) when the
    page annotated it."""
    if hasattr(orientation, "deja_paye"):
        solde, attend = selectors.solde_annote(orientation), bool(orientation.attestation_attend)
    else:
        solde = selectors.solde_de(orientation)
        attend = selectors.attestation_attend_paiement(orientation.antenne)
    return {"orientation": orientation, "solde": solde, "attestation_attend": attend}


def contexte_stage(request: HttpRequest, stage: Stage) -> dict:
    """The stage's fee for anyone who sees the stage; how many still owe, and the list of who
    owes what (loaded apart, `views.stage_soldes`), only for staff who see personal data (an
    animateur of the stage does not). No query of its own: `selectors.avec_paiements`."""
    return {
        "stage": stage, "tarif": selectors.tarif_du_stage(stage),
        "voit_les_personnes": request.acces.peut(Droit.LISTE_ATTENTE),
        "nb_restes": getattr(stage, "nb_restes", None), "total_reste": getattr(stage, "total_reste", None),
    }
