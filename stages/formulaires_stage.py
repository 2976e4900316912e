"""Forms of the stages screens: a new stage from a first date and a format, the stage's own
fields, its séances (a formset), the cancellation. The rules live in `stages.planning`; a
refusal it raises is shown next to the séance and field it is about (`montrer_refus`)."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from stages.forms import DatesMixin, FormulaireModele
from stages.models import Antenne, FormatStage, Membre, Role, Stage
from stages.planning import CHAMPS_DU_STAGE, Refus, SeanceSaisie, SeancesRefusees, signalement_du_jour


class PreparationForm(DatesMixin, forms.Form):
    """The first date and the format the séances are pre-filled from."""

    premier_jour = forms.DateField(label="Premier jour")
    format_stage = forms.ChoiceField(label="Format", choices=FormatStage.choices, widget=forms.RadioSelect)

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format_stage"].initial = antenne.format_stage
        self.fields["premier_jour"].initial = premier_lundi_possible(timezone.localdate())


def premier_lundi_possible(aujourd_hui: date) -> date:
    """The first Monday four weeks ahead at least: convocations go three weeks before."""
    depart = aujourd_hui + timedelta(weeks=4)
    return depart + timedelta(days=(7 - depart.weekday()) % 7)


class AnimateursField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, membre: Membre) -> str:
        return membre.user.get_full_name() or membre.user.get_username()


class StageForm(FormulaireModele):
    animateurs = AnimateursField(
        label="Animateur·rices", queryset=Membre.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Stage
        fields = CHAMPS_DU_STAGE
        widgets = {"adresse_lieu": forms.Textarea(attrs={"rows": 2}),
                   "acces_lieu": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animateurs"].queryset = (
            Membre.objects.filter(antenne=antenne, role=Role.ANIMATEUR).select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")
        )
        if self.instance.pk:
            self.fields["animateurs"].initial = list(self.instance.animateurs.all())

    def champs(self) -> dict:
        return {nom: self.cleaned_data[nom] for nom in CHAMPS_DU_STAGE}


def valeurs_initiales_du_stage(antenne: Antenne) -> dict:
    """A new stage: the antenne's places, and the place of its last stage (usually the same)."""
    dernier = Stage.objects.filter(antenne=antenne).order_by("-premier_jour", "-pk").first()
    lieu = {nom: getattr(dernier, nom) for nom in ("lieu", "adresse_lieu", "acces_lieu")} if dernier else {}
    return {"places": antenne.places_defaut, "surreservation": antenne.surreservation_defaut, **lieu}


class SeanceForm(DatesMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(label="Date")
    debut = forms.TimeField(label="Début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    fin = forms.TimeField(label="Fin", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    # Explained once above the séances (a help text per row would misalign the rows).
    pauses_minutes = forms.IntegerField(label="Pauses (min)", min_value=0, max_value=240, initial=0)
    module = forms.CharField(label="Module", max_length=120, required=False)

    departement = ""

    def signalement(self) -> str:
        """« dimanche » or « jour férié (…) » for the date shown (its antenne's département)."""
        if self.is_bound:
            jour = self.cleaned_data.get("date") if hasattr(self, "cleaned_data") else None
        else:
            jour = self.initial.get("date")
        return signalement_du_jour(jour, self.departement) if jour and self.departement else ""


class BaseSeancesFormSet(forms.BaseFormSet):
    def __init__(self, *args, departement: str = "", **kwargs):
        self.departement = departement
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.departement = self.departement
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer cette séance"

    def gardes(self) -> list[SeanceForm]:
        """The séances kept: neither deleted nor left blank."""
        return [f for f in self.forms
                if (f.has_changed() or f in self.initial_forms) and not self._should_delete_form(f)]

    def saisies(self) -> list[SeanceSaisie]:
        return [SeanceSaisie(
            date=f.cleaned_data["date"], debut=f.cleaned_data["debut"], fin=f.cleaned_data["fin"],
            pauses_minutes=f.cleaned_data["pauses_minutes"] or 0, module=f.cleaned_data["module"],
            id=f.cleaned_data.get("id"),
        ) for f in self.gardes()]

    def montrer_refus(self, refus: Refus, justification: forms.Form) -> None:
        """Each message of the service's refusal next to its séance and field."""
        gardes = self.gardes()
        for index, champs in refus.par_seance.items():
            for champ, messages in champs.items():
                gardes[index].add_error(champ if champ in gardes[index].fields else None, messages)
        for champ, messages in refus.general.items():
            if champ in justification.fields:
                justification.add_error(champ, messages)
            else:
                self._non_form_errors = self.error_class(
                    [*self.non_form_errors(), *messages], renderer=self.renderer)


SeancesFormSet = forms.formset_factory(
    SeanceForm, formset=BaseSeancesFormSet, extra=1, can_delete=True, max_num=60, validate_max=True,
)


def seances_formset(data=None, *, initial=None, departement: str) -> BaseSeancesFormSet:
    return SeancesFormSet(data, initial=initial, prefix="seances", departement=departement)


class JustificationForm(forms.Form):
    justification_duree = forms.CharField(
        label="Justification d'une journée de plus de 6 heures", max_length=300, required=False,
        help_text="Seulement si une journée dépasse 6 heures de formation effective (art. R131-36 "
                  "du Code pénal) ; gardée dans l'historique du stage.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnnulationForm(forms.Form):
    motif = forms.CharField(label="Motif de l'annulation", max_length=300,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "Indiquez le motif de l'annulation."})


def montrer_refus_general(form: forms.Form, erreur: ValidationError) -> None:
    """A service's refusal (other than the séances') on top of the form or next to its field."""
    if isinstance(erreur, SeancesRefusees):
        raise TypeError("Les refus des séances passent par montrer_refus du formset.")
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)
