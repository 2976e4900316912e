from django import forms

from convocations import documents
from convocations.models import ModeleLettre


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
