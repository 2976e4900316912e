"""Forms of the convocations app: the proposal's confirmation, the responses, the entretien,
the letter's wording."""

import uuid

from django import forms
from django.utils import timezone

from convocations import documents
from convocations.models import (
    Attestation,
    Convocation,
    Entretien,
    ModeEntretien,
    ModeleLettre,
    StatutPresence,
)
from convocations.services.proposition import Choix, Proposition
from stages.forms import Formulaire, FormulaireModele

MOTIF_MAX = Convocation._meta.get_field("motif").max_length


PLUS_PROPOSEE = ("Une personne cochée n'est plus proposée (convoquée entre-temps ?) : "
                 "vérifiez la nouvelle proposition ci-dessous.")


def champ_motif(name: int) -> str:
    return f"motif_{name}"


class PropositionForm(Formulaire):
    """The boxes of the proposal: the proposed people ticked, the others offered (each with
    its reason field); a token makes a double submit create nothing more."""

    cle = forms.CharField(widget=forms.HiddenInput, max_length=80)
    choisies = forms.TypedMultipleChoiceField(
        label="Personnes à convoquer", coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": PLUS_PROPOSEE},
    )

    @classmethod
    def cle_envoyee(cls, donnees) -> str:
        """The token of a submitted proposal ('' when absent or malformed), read before the
        proposal is computed again: a double submit finds its convocations by it."""
        try:
            return cls.base_fields["cle"].clean(donnees.get("cle", ""))
        except forms.ValidationError:
            return ""

    def __init__(self, data=None, *, proposition: Proposition):
        super().__init__(data, initial={
            "cle": uuid.uuid4().hex,
            "choisies": [c.orientation.pk for c in proposition.proposees],
        })
        self.proposition = proposition
        self.proposees = {c.orientation.pk for c in proposition.proposees}
        self.candidats = proposition.candidats
        self.fields["choisies"].choices = [
            (pk, str(c.orientation.personne)) for pk, c in self.candidats.items()
        ]
        for pk, candidat in self.candidats.items():
            self.fields[champ_motif(pk)] = forms.CharField(
                label=f"Motif pour {candidat.orientation.personne}", required=False,
                max_length=Convocation._meta.get_field("motif_hors_rang").max_length,
                initial=candidat.motif_propose,
            )

    def motif_requis(self, pk: int) -> str:
        """Why a ticked person needs a reason, or ""."""
        candidat = self.candidats[pk]
        if pk not in self.proposees:
            return "Pris·e hors de son rang : indiquez le motif (il reste dans l'historique)."
        if candidat.peine_trop_longue:
            return ("Peine de stage (C. pén. 131-5-1, un mois au plus) sur un stage de plus d'un mois : "
                    "indiquez le motif.")
        return ""

    def clean(self):
        donnees = super().clean()
        for pk in donnees.get("choisies", []):
            champ = champ_motif(pk)
            if not donnees.get(champ, "").strip() and (requis := self.motif_requis(pk)):
                self.add_error(champ, requis)
        if not self.errors and not donnees.get("choisies"):
            self.add_error("choisies", "Cochez au moins une personne à convoquer.")
        return donnees

    def _lignes(self, candidats) -> list[tuple]:
        """(candidat, its motif field) in the order the page lists them."""
        return [(c, self[champ_motif(c.orientation.pk)]) for c in candidats]

    @property
    def lignes_proposees(self):
        return self._lignes(self.proposition.proposees)

    @property
    def lignes_derniere_chance(self):
        return self._lignes(self.proposition.derniere_chance)

    @property
    def lignes_suivantes(self):
        return self._lignes(self.proposition.suivantes)

    def coches(self) -> set[int]:
        valeur = self["choisies"].value() or []
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        return {int(v) for v in valeur if str(v).isascii() and str(v).isdecimal()}

    def choix(self) -> list[Choix]:
        return [Choix(orientation_id=pk, motif=self.cleaned_data.get(champ_motif(pk), ""))
                for pk in self.cleaned_data["choisies"]]


class MotifForm(Formulaire):
    motif = forms.CharField(label="Motif", max_length=MOTIF_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                            error_messages={"required": "Indiquez le motif."})


class ConfirmationForm(Formulaire):
    """Nothing to type: the POST itself is the answer."""


class EntretienForm(FormulaireModele):
    class Meta:
        model = Entretien
        fields = ["date", "mode", "joint", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "mode": forms.RadioSelect}
        error_messages = {"date": {"required": "Indiquez la date de l'entretien.",
                                   "invalid": "Date invalide (jj/mm/aaaa)."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.fields["mode"].initial = ModeEntretien.TELEPHONE

    def clean_date(self):
        jour = self.cleaned_data["date"]
        if jour > timezone.localdate():
            raise forms.ValidationError("L'entretien ne peut pas être daté d'un jour à venir.")
        return jour


class FormulaireModeleLettre(forms.ModelForm):
    """The antenne's letter paragraphs; an unknown placeholder is refused next to its field."""

    class Meta:
        model = ModeleLettre
        fields = [*documents.CHAMPS_TEXTE, "qualite_signataire"]
        widgets = {champ: forms.Textarea(attrs={"rows": 4}) for champ in documents.CHAMPS_TEXTE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for champ in documents.CHAMPS_TEXTE:
            self.fields[champ].validators.append(documents.verifier_texte)
            self.fields[champ].required = champ not in ("gratuit",)


class TabletteForm(forms.Form):
    """What every action of the tablet carries: the person (her convocation), and, from the
    page's script, the key drawn for the action and the time it was made on the tablet."""

    convocation = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
                                     error_messages={"required": "Choisissez une personne de la liste.",
                                                     "invalid": "Choisissez une personne de la liste."})
    cle = forms.RegexField(required=False, regex=r"^[A-Za-z0-9-]{8,64}$",
                           error_messages={"invalid": "La clé de cette action est illisible."})
    faite_le = forms.DateTimeField(required=False, error_messages={
        "invalid": "L'heure de cette action est illisible."})

    def clean_faite_le(self):
        faite_le = self.cleaned_data["faite_le"]
        if faite_le is not None and timezone.is_naive(faite_le):
            faite_le = timezone.make_aware(faite_le)
        return faite_le


class SignatureForm(TabletteForm):
    """The strokes drawn on the pad (JSON, see convocations.signatures)."""

    signature = forms.CharField(required=False, max_length=200_000,
                                error_messages={"max_length": "La signature est trop longue : refaites-la."})


class MarqueForm(TabletteForm):
    """One tap on the séance page: the person (her convocation), the mark, the minutes of a
    late arrival or early leaving; the reason of a correction once the stage is closed."""

    statut = forms.ChoiceField(label="Présence", choices=StatutPresence.choices,
                               error_messages={"invalid_choice": "Choisissez une présence de la liste."})
    minutes = forms.IntegerField(label="Minutes", required=False, min_value=0, max_value=1440,
                                 error_messages={"invalid": "Indiquez un nombre de minutes."})
    motif = forms.CharField(label="Motif de la correction", required=False, max_length=300)


class CorrectionAttestationForm(Formulaire):
    motif = forms.CharField(
        label="Motif de la correction", max_length=Attestation._meta.get_field("motif_annulation").max_length,
        help_text=("Imprimé sur la nouvelle attestation, qui annule et remplace celle-ci "
                   "(les deux sont gardées)."),
        error_messages={"required": "Indiquez le motif de la correction.",
                        "max_length": "300 caractères au plus."},
    )


class EntretienBilanForm(EntretienForm):
    """The entretien bilan after the stage: its date, who ran it (the user), a note."""

    class Meta(EntretienForm.Meta):
        fields = ["date", "mode", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].initial = ModeEntretien.PRESENTIEL
class RattrapageForm(Formulaire):
    """Which missed séance is made up, and where: one choice « manquée → rattrapage »."""

    rattrapage = forms.ChoiceField(label="Séance à rattraper et séance de rattrapage", error_messages={
        "required": "Choisissez la séance à rattraper et où la rattraper.",
        "invalid_choice": "Choisissez une séance de rattrapage de la liste."})

    def __init__(self, *args, choix: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rattrapage"].choices = [("", "—"), *choix]
