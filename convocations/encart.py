"""The section the convocations app adds to the stage page (`commun.encarts`), and the
counts it adds to the stages list."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from convocations.presences import historiques_de_presence, resume_du_stage, seances_du_jour
from convocations.selectors import convocations_du_stage
from convocations.services.attestations import avec_attestation
from stages.access import Droit
from stages.models import Orientation, Stage

# The links of a convocation row. A stage page may list 200 rows: each address is reversed
# once for the page, the row's id then put in by str.format (reversing 1 000 of them through
# {% url %} took a quarter of the page's time).
ACTIONS_DE_LIGNE = ("confirmer", "entretien", "reporter", "annuler")
_MARQUE = 987654321


def _gabarit_d_adresse(nom: str) -> str:
    return reverse(nom, args=[_MARQUE]).replace(str(_MARQUE), "{}")


def adresses_des_lignes(lignes) -> list[dict[str, str]]:
    """For each row, the address of its orientation and of each of its actions."""
    gabarits = {action: _gabarit_d_adresse(f"convocations:{action}") for action in ACTIONS_DE_LIGNE}
    fiche = _gabarit_d_adresse("stages:orientation")
    return [
        {"orientation": fiche.format(ligne.convocation.orientation_id)}
        | {action: gabarit.format(ligne.convocation.pk) for action, gabarit in gabarits.items()}
        for ligne in lignes
    ]


def contexte_encart(request: HttpRequest, stage: Stage) -> dict:
    """The stage's convocations with their status and entretiens; the actions only for staff
    who manage the waiting list (an animateur of the stage sees the names, no action)."""
    lignes = convocations_du_stage(stage)
    ouvertes = [ligne for ligne in lignes if ligne.convocation.est_ouverte]
    attendu = stage.antenne.entretien_prealable_attendu
    return {
        "stage": stage,
        "lignes": list(zip(lignes, adresses_des_lignes(lignes), strict=True)),
        "nb_ouvertes": len(ouvertes),
        "nb_confirmees": sum(ligne.convocation.statut == "confirmee" for ligne in ouvertes),
        "entretien_attendu": attendu,
        "non_joints": [ligne for ligne in ouvertes if not ligne.joint] if attendu else [],
        "peut_gerer": request.acces.peut(Droit.LISTE_ATTENTE),
    }


def contexte_orientation(request: HttpRequest, orientation: Orientation) -> dict:
    """The orientation page's section: its convocations, latest first (each with its
    attestation and the attestation's sending), and whether the
    prescripteur's accord is to be asked (set by a report, `reponses.echeance_avant_prochain_stage`)."""
    convocations = list(avec_attestation(orientation.convocations.select_related("stage"))
                        .order_by("-cree_le", "-pk"))
    derniere = convocations[0] if convocations else None
    historiques = historiques_de_presence(convocations)
    for convocation in convocations:
        convocation.assiduite = historiques.get(convocation.pk, [])
    return {
        "orientation": orientation,
        "convocations": convocations,
        "accord_a_demander": bool(derniere and derniere.accord_a_demander and orientation.est_en_attente),
    }


def contexte_presences(request: HttpRequest, stage: Stage) -> dict:
    """The attendance summary per séance, with links to each séance's page and sheet."""
    resumes, nb_listes = resume_du_stage(stage)
    return {"stage": stage, "resumes": resumes, "nb_listes": nb_listes}


def contexte_accueil(request: HttpRequest, _objet=None) -> dict:
    """Today's séances of whoever sees stages (an animateur: those they run)."""
    return {"seances": seances_du_jour(request, timezone.localdate())}
