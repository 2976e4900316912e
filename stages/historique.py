"""The timeline of an orientation (every change of it and of its person) and the history of
a prescripteur, in French.

Read from django-simple-history in a fixed number of queries whatever the number of records:
the records of each model in one query (an orientation's with the prescripteur each record
names, so the names shown before and after a change come with them), the diffs computed in
memory.
"""

from datetime import date

from django.db.models import Field

from commun.chronologie import Changement, Evenement, auteur, evenements_ajoutes
from stages.dates import date_courte
from stages.models import Orientation, Personne, Prescripteur, Stage
from stages.telephones import numero_ecrit

# Links that never change through the application: not worth a line in the timeline.
NON_AFFICHES = {Orientation: ["antenne", "personne"], Personne: ["antenne"], Prescripteur: ["antenne"],
                Stage: ["antenne"]}


def valeur_affichee(champ: Field, valeur, prescripteurs: dict[int, Prescripteur]) -> str:
    """A stored value as staff read it (prescripteurs: the names of the ids that may appear)."""
    if valeur is None or valeur == "":
        return "—"
    if champ.choices:
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if champ.is_relation:  # a prescripteur (merged into): the other links are not shown
        return str(prescripteurs.get(valeur, "prescripteur supprimé"))
    if champ.name == "telephone":
        return numero_ecrit(valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, date):
        return date_courte(valeur)
    return str(valeur)


def _evenements(modele, historique, prescripteurs: dict) -> list[tuple[Evenement, list]]:
    """One event per record, with its raw changes against the previous record; the
    prescripteurs the records name are added to `prescripteurs`."""
    liens = ["history_user"] + (["prescripteur"] if modele is Orientation else [])
    enregistrements = historique.select_related(*liens).order_by("history_date", "history_id")
    resultat, precedent = [], None
    for enregistrement in enregistrements:
        if modele is Orientation and enregistrement.prescripteur_id and enregistrement.prescripteur:
            prescripteurs[enregistrement.prescripteur_id] = enregistrement.prescripteur
        changes = []
        if precedent is not None:
            changes = enregistrement.diff_against(
                precedent, excluded_fields=NON_AFFICHES[modele]
            ).changes
        resultat.append((Evenement(
            quand=enregistrement.history_date, qui=auteur(enregistrement),
            sujet=modele._meta.verbose_name.capitalize(),
            creation=enregistrement.history_type == "+",
            motif=enregistrement.history_change_reason or "",
        ), changes))
        precedent = enregistrement
    return resultat


def _decrire(bruts: list[tuple[type, Evenement, list]], prescripteurs: dict[int, Prescripteur]) -> None:
    """Each event's changes in French, with the names of the prescripteurs they name."""
    for modele, evenement, changes in bruts:
        for change in changes:
            champ = modele._meta.get_field(change.field)
            evenement.changements.append(Changement(
                champ=str(champ.verbose_name).capitalize(),
                avant=valeur_affichee(champ, change.old, prescripteurs),
                apres=valeur_affichee(champ, change.new, prescripteurs),
            ))


def chronologie(orientation: Orientation) -> list[Evenement]:
    """Every recorded change of the orientation and of its person, and what the other apps
    add (`commun.chronologie.ajouter_source`: its convocations…), most recent first."""
    prescripteurs: dict[int, Prescripteur] = {}
    bruts = [
        (modele, evenement, changes)
        for modele, historique in (
            (Orientation, orientation.history), (Personne, orientation.personne.history),
        )
        for evenement, changes in _evenements(modele, historique, prescripteurs)
    ]
    _decrire(bruts, prescripteurs)
    evenements = [evenement for _m, evenement, _c in bruts] + evenements_ajoutes(orientation)
    return sorted(evenements, key=lambda e: e.quand, reverse=True)


def historique_prescripteur(prescripteur: Prescripteur) -> list[Evenement]:
    """Every recorded change of a prescripteur (deactivation, merges), most recent first."""
    bruts = [(Prescripteur, evenement, changes)
             for evenement, changes in _evenements(Prescripteur, prescripteur.history, {})]
    fusions = {
        valeur for _m, _e, changes in bruts for change in changes
        if change.field == "fusionne_dans" for valeur in (change.old, change.new)
    } - {None}
    _decrire(bruts, Prescripteur.objects.in_bulk(fusions) if fusions else {})
    return [evenement for _m, evenement, _c in reversed(bruts)]


def historique_stage(stage: Stage) -> list[Evenement]:
    """Every recorded change of a stage (its justification of a long day, its cancellation
    and their reasons), most recent first."""
    bruts = [(Stage, evenement, changes) for evenement, changes in _evenements(Stage, stage.history, {})]
    _decrire(bruts, {})
    return [evenement for _m, evenement, _c in reversed(bruts)]
