"""The forms of the questionnaires: the kiosk's (built from the questions of a version), the
animateur's opening of the kiosk, the staff password, and the questionnaire's definition."""

import uuid
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator

from questionnaires.models import (
    LONGUEUR_TEXTE,
    LONGUEUR_TEXTE_MAX,
    TYPES_A_CHOIX,
    Question,
    TypeQuestion,
    choix_de,
)
from questionnaires.services import QuestionSaisie, Saisie

OBLIGATOIRE = "Cette question est obligatoire : choisissez ou écrivez une réponse."
HORS_CHOIX = "Choisissez une des réponses proposées."


FORMULAIRE_PERIME = "Ce formulaire n'est plus valable : vérifiez vos réponses et validez à nouveau."
VALIDITE_JETON = 24 * 3600  # seconds; the kiosk itself is valid for its day only


def jeton_signe(sel: str) -> str:
    """A one-time token for a kiosk's form: a random UUID (the future answer's key) signed
    for this kiosk, so that nothing needs storing until the answer comes back."""
    return signing.dumps(str(uuid.uuid4()), salt=sel)


def nom_du_champ(question: Question) -> str:
    return f"q{question.pk}"


class KiosqueForm(forms.Form):
    """One field per question, in order; a choice is sent as its number among the options
    (a value outside them is refused), a text within its announced length."""

    jeton = forms.CharField(widget=forms.HiddenInput, error_messages={"required": FORMULAIRE_PERIME})

    def __init__(self, *args, questions: list[Question], sel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.sel = sel
        messages = {"required": OBLIGATOIRE, "invalid_choice": HORS_CHOIX, "invalid_list": HORS_CHOIX}
        for question in questions:
            options = [(str(rang), libelle) for rang, libelle in enumerate(question.options)]
            commun = {"label": question.libelle, "required": question.obligatoire, "error_messages": messages}
            if question.type == TypeQuestion.TEXTE:
                champ = forms.CharField(
                    max_length=question.longueur_max, widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=f"{question.longueur_max} caractères au plus.", **commun,
                )
                champ.error_messages["max_length"] = (
                    f"{question.longueur_max} caractères au plus, s'il vous plaît "
                    "(votre texte en compte %(show_value)d).")
            elif question.type == TypeQuestion.CHOIX_MULTIPLE:
                champ = forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple,
                                                  help_text="Plusieurs réponses possibles.", **commun)
            else:
                champ = forms.ChoiceField(choices=options, widget=forms.RadioSelect, **commun)
            self.fields[nom_du_champ(question)] = champ

    def clean_jeton(self) -> uuid.UUID:
        """The token this kiosk signed (`jeton_signe`): a forged one, or one of another
        kiosk, is refused."""
        try:
            return uuid.UUID(signing.loads(self.cleaned_data["jeton"], salt=self.sel, max_age=VALIDITE_JETON))
        except (signing.BadSignature, ValueError, TypeError) as erreur:
            raise forms.ValidationError(FORMULAIRE_PERIME) from erreur

    def saisie(self) -> Saisie:
        """The answers as the service records them: the options' labels, the text typed."""
        saisie = Saisie(jeton=self.cleaned_data["jeton"])
        for question in self.questions:
            valeur = self.cleaned_data.get(nom_du_champ(question))
            if question.type == TypeQuestion.TEXTE:
                valeurs = [valeur.strip()] if valeur and valeur.strip() else []
            else:
                rangs = valeur if isinstance(valeur, list) else [valeur] if valeur else []
                valeurs = [question.options[int(rang)] for rang in rangs]
            if valeurs:
                saisie.valeurs[question] = valeurs
        return saisie

    def champs(self) -> list["ChampKiosque"]:
        """What the template draws for each question, in order. The inputs are written by the
        template itself, not by Django's widget templates: six questions of four options
        through them took most of the kiosk screen's time."""
        champs = []
        for question in self.questions:
            nom = nom_du_champ(question)
            valeur = self[nom].value() if self.is_bound else None
            choisies = {str(v) for v in valeur} if isinstance(valeur, list) else {str(valeur)}
            champs.append(ChampKiosque(
                question=question, nom=nom, id=f"id_{nom}", erreurs=self.errors.get(nom, []),
                aide=self.fields[nom].help_text,
                texte=valeur if question.type == TypeQuestion.TEXTE and isinstance(valeur, str) else "",
                options=[(str(rang), libelle, str(rang) in choisies)
                         for rang, libelle in enumerate(question.options)],
            ))
        return champs


@dataclass(frozen=True)
class ChampKiosque:
    question: Question
    nom: str
    id: str
    erreurs: list[str]
    aide: str
    texte: str
    options: list[tuple[str, str, bool]]  # (value, label, checked)

    @property
    def type_entree(self) -> str:
        return "checkbox" if self.question.type == TypeQuestion.CHOIX_MULTIPLE else "radio"


class OuvrirKiosqueForm(forms.Form):
    nb_presents = forms.IntegerField(
        label="Personnes présentes", validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Le kiosque accepte autant de réponses que de personnes présentes.",
        error_messages={"required": "Indiquez le nombre de personnes présentes.",
                        "invalid": "Indiquez un nombre entier."},
    )


class MotDePasseForm(forms.Form):
    mot_de_passe = forms.CharField(
        label="Mot de passe du personnel", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez le mot de passe de la personne qui a ouvert le kiosque."},
    )


class QuestionForm(forms.Form):
    libelle = forms.CharField(label="Question", max_length=300)
    type = forms.ChoiceField(label="Type", choices=[("", "—"), *TypeQuestion.choices])
    choix = forms.CharField(label="Choix proposés (un par ligne)", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    obligatoire = forms.BooleanField(label="Obligatoire", required=False)
    longueur_max = forms.IntegerField(
        label="Longueur maximale d'un texte libre", initial=LONGUEUR_TEXTE,
        validators=[MinValueValidator(10), MaxValueValidator(LONGUEUR_TEXTE_MAX)], required=False)

    def clean(self):
        donnees = super().clean()
        if donnees.get("type") in TYPES_A_CHOIX and len(choix_de(donnees.get("choix") or "")) < 2:
            self.add_error("choix", "Donnez au moins deux choix, un par ligne.")
        return donnees

    def question(self) -> QuestionSaisie:
        d = self.cleaned_data
        choix = "\n".join(choix_de(d["choix"])) if d["type"] in TYPES_A_CHOIX else ""
        return QuestionSaisie(libelle=d["libelle"].strip(), type=d["type"], choix=choix,
                              obligatoire=d["obligatoire"], longueur_max=d["longueur_max"] or LONGUEUR_TEXTE)


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Rang"
        form.fields["DELETE"].label = "Supprimer cette question"

    def clean(self):
        super().clean()
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms if f.is_valid()):
            raise forms.ValidationError("Le questionnaire doit garder au moins une question.")


QuestionFormSet = forms.formset_factory(QuestionForm, formset=BaseQuestionFormSet, extra=1, can_delete=True,
                                        can_order=True, max_num=40, validate_max=True)


class QuestionnaireForm(forms.Form):
    titre = forms.CharField(label="Titre", max_length=120)
