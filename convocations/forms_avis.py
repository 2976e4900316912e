"""The forms of the notices to prescripteurs (views.avis): the reason, the date proposed, the
accord received. Dates typed jj/mm/aaaa (stages.forms.DatesMixin)."""

from django import forms

from convocations.models import Avis, MotifNonRealisation
from stages.forms import DatesMixin, Formulaire

PRECISIONS_MAX = Avis._meta.get_field("precisions").max_length
ACCORD_MAX = Avis._meta.get_field("accord").max_length


def _precisions() -> forms.CharField:
    return forms.CharField(
        label="Précisions (facultatif)", required=False, max_length=PRECISIONS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pratique seulement (dates des appels, courrier revenu…) : aucun récit des faits.",
    )


class NonRealisationForm(Formulaire):
    motif = forms.ChoiceField(label="Motif", choices=MotifNonRealisation.choices,
                              error_messages={"invalid_choice": "Choisissez le motif dans la liste."})
    precisions = _precisions()


class DemandeAccordForm(DatesMixin, Formulaire):
    nouvelle_echeance = forms.DateField(label="Nouvelle échéance proposée")
    precisions = _precisions()


class RetourForm(Formulaire):
    motif = forms.ChoiceField(label="Motif", required=False,
                              choices=[("", "Stage non réalisé"), *MotifNonRealisation.choices],
                              error_messages={"invalid_choice": "Choisissez le motif dans la liste."})
    precisions = _precisions()
    confirmation = forms.BooleanField(
        label="Je confirme : l'orientation sera close, retournée au prescripteur.",
        error_messages={"required": "Cochez « Je confirme » pour retourner le dossier."},
    )


class AccordForm(DatesMixin, Formulaire):
    accord = forms.CharField(label="Accord du prescripteur", max_length=ACCORD_MAX,
                             help_text="Qui a donné l'accord, et comment (ex. : Mme Martin, parquet, "
                             "courriel).")
    recu_le = forms.DateField(label="Reçu le", required=False, help_text="Aujourd'hui si vide.")
    nouvelle_echeance = forms.DateField(
        label="Nouvelle échéance", required=False,
        help_text="Laissez vide pour la date proposée dans la demande.",
    )
