"""What a tablet sends: a mark or a signature under the key the browser drew for it and the time
it was made there. Online it comes at once; offline the browser keeps it and sends it when the
network is back (`seance_synchroniser`), maybe twice if an answer was lost: the key makes it
count once (`commun.idempotence.creer_une_fois` on `ActionTablette`)."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from commun.idempotence import creer_une_fois
from convocations.models import ActionTablette, Convocation, NatureAction, Presence
from convocations.services.presences import heure_d_origine, presence_marquer, presence_signer
from stages.models import Seance

ENREGISTREE, DEJA_RECUE, REMPLACEE = "enregistree", "deja", "remplacee"


def action_tablette(*, cle: str, nature: NatureAction, seance: Seance, convocation: Convocation,
                    faite_le: datetime, par, hors_ligne: bool, faire: Callable[[], Presence]) -> str:
    """Run `faire` (the mark or the signature, made at `faite_le`) once for `cle`: ENREGISTREE;
    DEJA_RECUE when that key was already applied (nothing done again); REMPLACEE for a mark
    older than the one already there (kept in the journal, the later one stands). A refusal
    (ValidationError) is raised, nothing saved, the key left free."""

    def creer() -> ActionTablette:
        presence = faire()
        appliquee = nature != NatureAction.MARQUE or presence.marque_le == faite_le
        return ActionTablette.objects.create(
            cle=cle, nature=nature, seance=seance, convocation=convocation, faite_le=faite_le,
            hors_ligne=hors_ligne, appliquee=appliquee, par=par)

    action, creee = creer_une_fois(ActionTablette, cle={"cle": cle}, creer=creer)
    if not creee:
        return DEJA_RECUE
    return ENREGISTREE if action.appliquee else REMPLACEE


def tablette_appliquer(*, seance: Seance, convocation: Convocation, nature: NatureAction, donnees: dict,
                       par, hors_ligne: bool) -> str:
    """A mark (`statut`, `minutes`, `motif`) or a signature (`signature`: the pad's strokes) from
    the tablet, with `cle` and `faite_le` when its script gave them (once per key); without a key
    (a plain form), applied as it comes. ENREGISTREE, DEJA_RECUE or REMPLACEE; ValidationError
    when refused."""
    maintenant = timezone.now()
    faite_le = heure_d_origine(donnees.get("faite_le"), maintenant)
    if nature == NatureAction.SIGNATURE:
        def faire() -> Presence:
            return presence_signer(seance=seance, convocation=convocation,
                                   traits=donnees.get("signature") or "", par=par,
                                   maintenant=maintenant, faite_le=faite_le)
    else:
        def faire() -> Presence:
            return presence_marquer(seance=seance, convocation=convocation, statut=donnees["statut"],
                                    minutes=donnees.get("minutes"), motif=donnees.get("motif") or "", par=par,
                                    maintenant=maintenant, faite_le=faite_le)
    if not donnees.get("cle"):
        presence = faire()
        appliquee = nature == NatureAction.SIGNATURE or presence.marque_le == faite_le
        return ENREGISTREE if appliquee else REMPLACEE
    return action_tablette(cle=donnees["cle"], nature=nature, seance=seance, convocation=convocation,
                           faite_le=faite_le, par=par, hors_ligne=hors_ligne, faire=faire)
