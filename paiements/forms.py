"""The forms of the payments: a payment, its cancellation, the sum due, the antenne's fee.
Every amount is checked by the model's validators (ceiling of 450 €, more than zero, cents)."""

import uuid

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from paiements.models import Echeance, Paiement, Regime, SommeDue, Tarif, TrancheReduite
from stages.forms import DatesMixin, FormulaireModele
from stages.services import RAISON_MAX

MONTANT = {"invalid": "Saisissez un montant en euros, par exemple 120 ou 75,50.",
           "max_decimal_places": "Le montant a au plus deux décimales (les centimes).",
           "max_digits": "Montant trop grand.", "max_whole_digits": "Montant trop grand."}


class MontantField(forms.DecimalField):
    """An amount typed the French way: "75,50", "75.50", "75,50 €", "1 200"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class PaiementForm(DatesMixin, FormulaireModele):
    # The form's token: the same form sent twice (double click) records one payment.
    cle = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = Paiement
        fields = ["date", "montant", "mode", "numero_cheque", "banque"]
        field_classes = {"montant": MontantField}
        widgets = {"mode": forms.RadioSelect, "montant": forms.TextInput}
        error_messages = {"montant": MONTANT | {"required": "Indiquez le montant."},
                          "date": {"required": "Indiquez la date du paiement."},
                          "mode": {"required": "Choisissez le mode de paiement."}}
        help_texts = {"numero_cheque": "Pour un chèque seulement.", "banque": "Pour un chèque seulement."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["cle"].initial = uuid.uuid4().hex
        self.fields["montant"].widget.attrs.update(inputmode="decimal")

    def clean_date(self):
        jour = self.cleaned_data["date"]
        if jour > timezone.localdate():
            raise forms.ValidationError("Un paiement ne peut pas être daté d'un jour à venir.")
        return jour


class EcheanceForm(DatesMixin, FormulaireModele):
    class Meta:
        model = Echeance
        fields = ["date", "montant"]
        field_classes = {"montant": MontantField}
        widgets = {"montant": forms.TextInput}
        labels = {"date": "Date de l'échéance", "montant": "Montant de l'échéance (€)"}
        error_messages = {"montant": MONTANT | {"required": "Indiquez le montant."},
                          "date": {"required": "Indiquez la date de l'échéance."}}


class EffacerEcheancierForm(forms.Form):
    confirmation = forms.BooleanField(label="Je confirme effacer tout l'échéancier",
                                      error_messages={"required": "Cochez la case pour confirmer."})


class AnnulationForm(forms.Form):
    motif = forms.CharField(label="Motif de l'annulation", max_length=300,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            error_messages={"required": "Indiquez le motif de l'annulation."})


class SommeDueForm(FormulaireModele):
    motif = forms.CharField(label="Motif du changement", max_length=RAISON_MAX,
                            error_messages={"required": "Indiquez le motif du changement."})

    class Meta:
        model = SommeDue
        fields = ["regime", "tranche", "justification", "motif_gratuite"]
        widgets = {"regime": forms.RadioSelect}

    def __init__(self, *args, antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tranche"].queryset = TrancheReduite.objects.filter(tarif__antenne=antenne, active=True)
        self.fields["tranche"].required = False
        self.fields["tranche"].empty_label = "—"

    def clean(self):
        donnees = super().clean()
        if donnees.get("regime") != Regime.REDUIT:
            donnees["tranche"], donnees["justification"] = None, ""
        return donnees


class TarifForm(FormulaireModele):
    class Meta:
        model = Tarif
        fields = ["standard", "instructions", "attestation_attend_paiement", "trop_percu_accepte"]
        field_classes = {"standard": MontantField}
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3}), "standard": forms.TextInput}
        error_messages = {"standard": MONTANT | {"required": "Indiquez le tarif standard."}}


TranchesFormSet = inlineformset_factory(
    Tarif, TrancheReduite, fields=["libelle", "montant", "active"], extra=2, can_delete=False,
    field_classes={"montant": MontantField}, widgets={"montant": forms.TextInput},
    labels={"libelle": "Tranche", "montant": "Montant (€)"},
)


