import uuid
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Q

from stages.dates import date_plausible, lire_date_saisie
from stages.identite import memes_personnes
from stages.models import (
    DATES_DE_L_ECHEANCE,
    Antenne,
    Cadre,
    EtatEcheance,
    Orientation,
    Personne,
    Prescripteur,
    Sexe,
    Statut,
    TypePrescripteur,
)
from stages.selectors import TOUS_LES_STATUTS, TRIS, FiltresListe, prescripteurs_proches
from stages.services import (
    CONFLIT,
    MOTIF_CORRECTION_MAX,
    MOTIF_PROLONGATION_MAX,
    MOTIF_REOUVERTURE_MAX,
    Saisie,
)
from stages.telephones import NumeroInvalide, en_e164


class FiltresListeAttente(forms.Form):
    """The filters of the liste d'attente, read from the URL (the page and its exports).

    A value that does not validate is left out of the filters and its French error shown
    next to the field: a hand-edited URL never gives an error page.
    """

    q = forms.CharField(
        label="Rechercher", required=False, max_length=100,
        help_text="Début du nom ou du prénom, ou de la référence du dossier",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    statut = forms.ChoiceField(
        label="Statut", required=False,
        choices=[*Statut.choices, (TOUS_LES_STATUTS, "Tous les statuts")],
    )
    prescripteur = forms.TypedChoiceField(
        label="Prescripteur", required=False, coerce=int, empty_value=None
    )
    cadre = forms.ChoiceField(
        label="Cadre", required=False, choices=[("", "Tous les cadres"), *Cadre.choices]
    )
    sexe = forms.ChoiceField(label="Sexe", required=False, choices=[("", "Tous"), *Sexe.choices])
    echeance = forms.ChoiceField(
        label="Échéance", required=False,
        choices=[("", "Toutes les échéances"), *EtatEcheance.choices],
    )
    urgent = forms.BooleanField(label="Urgentes seulement", required=False)
    # Set by the column headers; an unknown value gives the convocation order.
    tri = forms.ChoiceField(
        label="Tri", required=False,
        choices=[("", "Ordre de convocation"),
                 *((f"{sens}{cle}", cle) for cle in TRIS for sens in ("", "-"))],
    )

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        # The antenne's own only; one query serves both the check and the options.
        self.fields["prescripteur"].choices = [
            ("", "Tous les prescripteurs"),
            *antenne.prescripteurs.values_list("pk", "nom"),
        ]

    def demandes(self) -> str:
        """What was asked, for the trace of the read: this form's parameters only, so that
        padding the query string with others cannot push them out of the traced text."""
        valeurs = ((nom, self.data.get(nom, "")) for nom in [*self.fields, "page"])
        return "&".join(f"{nom}={valeur[:100]}" for nom, valeur in valeurs if valeur) or "aucun"

    # The filters folded under "Plus de filtres" (the search stays in view).
    REPLIES = ("statut", "prescripteur", "cadre", "sexe", "echeance", "urgent")

    def nb_filtres_choisis(self) -> int:
        """How many folded filters narrow the list: they are shown unfolded then."""
        self.is_valid()
        valeurs = self.cleaned_data
        return sum(
            bool(valeurs.get(nom)) and valeurs.get(nom) != Statut.EN_ATTENTE
            for nom in self.REPLIES
        )

    def filtres_en_erreur(self) -> bool:
        """A refused value of a folded filter: unfolded, so that its error is seen."""
        return any(nom in self.errors for nom in self.REPLIES)

    def filtres(self) -> FiltresListe:
        """The valid values; without any, the waiting list itself."""
        self.is_valid()
        valeurs = self.cleaned_data
        return FiltresListe(
            statut=valeurs.get("statut") or Statut.EN_ATTENTE,
            prescripteur_id=valeurs.get("prescripteur"),
            cadre=valeurs.get("cadre", ""),
            sexe=valeurs.get("sexe", ""),
            echeance=valeurs.get("echeance", ""),
            urgent=valeurs.get("urgent", False),
            recherche=valeurs.get("q", ""),
            tri=valeurs.get("tri", ""),
        )

    def entetes_tri(self) -> dict[str, "EnteteTri"]:
        """For each sortable column: its aria-sort and the tri its header link asks for
        (ascending first, then descending); "rang" is the convocation order."""
        tri = self.filtres().tri
        entetes = {"rang": EnteteTri("ascending" if not tri else "", "")}
        for cle in TRIS:
            sens = {cle: "ascending", f"-{cle}": "descending"}.get(tri, "")
            entetes[cle] = EnteteTri(sens, f"-{cle}" if sens == "ascending" else cle)
        return entetes

    def libelle_tri(self) -> str:
        """What the rows are sorted by, in words ("" for the convocation order)."""
        tri = self.filtres().tri
        if not tri:
            return ""
        sens = "décroissant" if tri.startswith("-") else "croissant"
        return f"{LIBELLES_TRI[tri.removeprefix('-')]} ({sens})"


@dataclass(frozen=True)
class EnteteTri:
    aria_sort: str  # "ascending", "descending", or "" when the rows are not sorted by it
    suivant: str  # the tri its link asks for


LIBELLES_TRI = {"nom": "nom", "orientation": "date d'orientation", "echeance": "échéance",
                "prescripteur": "prescripteur"}


# --- Orientations: creation, edit, actions, quick add of a prescripteur ---------------------

FORMULAIRE_EXPIRE = "Ce formulaire a expiré ou a été modifié : rechargez la page puis recommencez."


class DatesMixin:
    """Every date of the form: typed jj/mm/aaaa in a text field (a browser's date picker
    sends nothing for 31/02/2026, so the server could not say what is wrong), read by
    `dates.lire_date_saisie` (one message naming the problem) within the plausible range."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for champ in self.fields.values():
            if isinstance(champ, forms.DateField):
                champ.to_python = lire_date_saisie
                champ.widget.input_type = "text"
                champ.widget.format = "%d/%m/%Y"
                champ.widget.attrs.update(placeholder="jj/mm/aaaa", size=10)
                if date_plausible not in champ.validators:  # a model field brings it
                    champ.validators.append(date_plausible)


class ValeursVuesMixin:
    """An edit form carries, hidden, the value each field had when the page was opened:
    `changed_data` is then what staff changed, and the service can tell a colleague's change
    of the same field made meanwhile (see `services.orientation_modifier`)."""

    def montrer_valeurs_vues(self) -> None:
        for champ in self.fields.values():
            champ.show_hidden_initial = True
        if self.is_bound:
            # A page sent without them (opened before they existed) is compared with the
            # saved values.
            self.data = self.data.copy()
            for nom in self.fields:
                self.data.setdefault(self[nom].html_initial_name, self[nom].initial)

    def valeur_vue(self, nom: str):
        champ = self.fields[nom]
        brute = self._widget_data_value(champ.hidden_widget(), self[nom].html_initial_name)
        try:
            return champ.to_python(brute)
        except ValidationError:
            return brute  # altered by hand: compared as it is, so reported as a conflict

    def saisies(self) -> dict[str, Saisie]:
        """What staff changed, as the model stores it (after its clean())."""
        return {
            nom: Saisie(vue=self.valeur_vue(nom), nouvelle=getattr(self.instance, nom))
            for nom in self.changed_data
        }

    def reprendre_valeurs_enregistrees(self, refus: ValidationError) -> None:
        """After a conflict the hidden values become the saved ones: sending the form again
        then knowingly replaces them with the value typed."""
        for nom, erreurs in getattr(refus, "error_dict", {}).items():
            for erreur in erreurs:
                if erreur.code == CONFLIT and nom in self.fields:
                    self.data[self[nom].html_initial_name] = erreur.params["enregistree"]


class RefusAuBonEndroit:
    """A form to which a service's refusal is given whole (`add_error(None, refus)`): each
    message goes next to its field when the form shows it, on top of the form otherwise
    (the model's clean() or a service may judge fields the form does not show, where Django
    would raise « has no field named »: a 500). A field refused by the form keeps that one
    message."""

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            par_champ = {}
            for nom, erreurs in error.error_dict.items():
                if nom in self.fields and nom in self.errors:
                    # Already refused as typed (« Le 31 février n'existe pas. »): the model,
                    # which then saw no value, would add a second message (« Indiquez… »).
                    continue
                par_champ.setdefault(nom if nom in self.fields else NON_FIELD_ERRORS, []).extend(erreurs)
            if not par_champ:
                return
            error = ValidationError(par_champ)
        super().add_error(field, error)


class Formulaire(RefusAuBonEndroit, forms.Form):
    pass


class FormulaireModele(RefusAuBonEndroit, forms.ModelForm):
    """A ModelForm whose model.clean() may also judge fields the form does not show (the
    échéance once created, the other fields of an orientation whose urgency is changed)."""


class IdentiteForm(DatesMixin, FormulaireModele):
    """Nom, prénom and date de naissance: what possible duplicates are looked up by."""

    class Meta:
        model = Personne
        fields = ["nom", "prenom", "date_naissance"]

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.antenne = antenne

    def chercher_doublons(self) -> list[Personne]:
        """Known persons of the antenne with this identity (call once the fields are cleaned)."""
        identite = {nom: self.cleaned_data.get(nom) for nom in IdentiteForm.Meta.fields}
        if not all(identite.values()):
            return []
        return list(
            memes_personnes(antenne=self.instance.antenne, **identite)
            .annotate(nb_orientations=Count("orientations")).order_by("pk")
        )


class ChoixPersonneField(forms.ModelChoiceField):
    """A possible duplicate to take up again, or NOUVELLE: staff checked it is someone else."""

    NOUVELLE = "nouvelle"

    def to_python(self, value):
        return self.NOUVELLE if value == self.NOUVELLE else super().to_python(value)


class TelephoneField(forms.CharField):
    """Read as stored (E.164) whatever the typing: '06 12 34 56 78' and '0612345678' are the
    same number, for the change and conflict checks as for saving. A number that does not
    parse is kept as typed: the model's clean() gives the French error."""

    def to_python(self, value):
        saisie = super().to_python(value)
        try:
            return en_e164(saisie) if saisie else saisie
        except NumeroInvalide:
            return saisie


class PersonneForm(ValeursVuesMixin, IdentiteForm):
    """The person of an orientation. At creation a possible duplicate is never merged
    silently: staff take the known person up again, or state that this is someone else."""

    personne_existante = ChoixPersonneField(
        queryset=Personne.objects.none(), required=False, label="Personne déjà connue",
        error_messages={"invalid_choice": "Cette personne n'est pas connue de votre antenne."},
    )
    # A person taken up again leaves the other fields empty: the server says what is missing.
    use_required_attribute = False

    class Meta(IdentiteForm.Meta):
        fields = [*IdentiteForm.Meta.fields, "sexe", "telephone", "email", "adresse"]
        field_classes = {"telephone": TelephoneField}
        help_texts = {
            "telephone": "Par exemple 06 12 34 56 78 ou 0590 12 34 56 ; à l'étranger, avec "
                         "l'indicatif (+32 2 123 45 67).",
        }
        widgets = {"adresse": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, antenne=antenne, **kwargs)
        self.doublons: list[Personne] = []
        if self.instance.pk:
            del self.fields["personne_existante"]
            self.initial["telephone"] = self.instance.telephone_affiche
            self.montrer_valeurs_vues()
            return
        self.fields["personne_existante"].queryset = Personne.objects.filter(antenne=antenne)
        if self.choix_saisi() not in ("", ChoixPersonneField.NOUVELLE):
            # Taking a known person up again: what was typed is only used to find her.
            for champ in self.fields.values():
                champ.required = False

    def choix_saisi(self) -> str:
        """The raw choice among possible duplicates, to keep its radio button checked."""
        if "personne_existante" not in self.fields:
            return ""
        return str(self["personne_existante"].value() or "")

    def clean(self):
        donnees = super().clean()
        if "personne_existante" not in self.fields:
            return donnees
        self.doublons = self.chercher_doublons()
        choix = donnees.get("personne_existante")
        if isinstance(choix, Personne) and choix not in self.doublons:
            self.add_error("personne_existante", (
                "Cette personne ne correspond pas aux nom, prénom et date de naissance saisis."
            ))
        elif choix is None and self.doublons and "personne_existante" not in self.errors:
            self.add_error("personne_existante", (
                "Une personne de même nom, prénom et date de naissance est déjà connue : "
                "reprenez-la, ou indiquez qu'il s'agit d'une autre personne."
            ))
        return donnees

    def personne(self) -> Personne:
        """The person to orient: the one taken up again, or the new one typed (unsaved)."""
        choix = self.cleaned_data.get("personne_existante")
        return choix if isinstance(choix, Personne) else self.instance


class OrientationForm(ValeursVuesMixin, DatesMixin, FormulaireModele):
    """An orientation. The échéance is typed here only at creation; afterwards it follows
    corrected dates when it is the antenne's delay (`Orientation.echeance_apres_correction`),
    and is otherwise changed by `services.echeance_prolonger`."""

    # Drawn when the empty form is shown, sent back with it: a second submit of the same
    # form finds the orientation the first one created.
    cle_creation = forms.UUIDField(
        widget=forms.HiddenInput, initial=uuid.uuid4,
        error_messages={"required": FORMULAIRE_EXPIRE, "invalid": FORMULAIRE_EXPIRE},
    )

    class Meta:
        model = Orientation
        fields = [
            "cadre", "prescripteur", "reference", "date_orientation", "date_decision",
            "date_definitive", "echeance", "justification_echeance", "type_stage", "urgent",
            "motif_urgence", "observations",
        ]
        help_texts = {
            "date_orientation": "Date de réception de l'orientation : elle fixe le rang dans la liste.",
            "date_definitive": (
                "Peine de stage seulement (C. pén. art. 131-5-1) : le stage est exécuté « dans "
                "un délai de six mois à compter de la date à laquelle la condamnation est "
                "définitive »."
            ),
            "motif_urgence": "Réorientation, urgence du parquet…",
        }
        widgets = {"observations": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.antenne = antenne
        prescripteur = self.fields["prescripteur"]
        # Active prescripteurs of the antenne, and the current one even if no longer active.
        prescripteur.queryset = Prescripteur.objects.filter(
            Q(actif=True) | Q(pk=self.instance.prescripteur_id), antenne=antenne,
        )
        prescripteur.empty_label = "Aucun (démarche volontaire)"
        if self.instance.pk:
            del self.fields["echeance"], self.fields["justification_echeance"]
            del self.fields["cle_creation"]
            self.montrer_valeurs_vues()
        else:
            echeance = self.fields["echeance"]
            echeance.required = False
            echeance.help_text = (
                f"Laissez vide pour le délai de l'antenne : {antenne.delai_mois} mois à compter "
                "de la date de la décision (de la date où la condamnation est définitive pour "
                "une peine de stage, de la date d'orientation pour une démarche volontaire)."
            )

    def clean(self):
        donnees = super().clean()
        if not self.instance.pk or self.errors:
            return donnees
        # Only what staff changed: a date a colleague corrected meanwhile is kept. The
        # instance still holds the saved values here.
        corrections = {nom: donnees[nom] for nom in DATES_DE_L_ECHEANCE if nom in self.changed_data}
        if corrections and (nouvelle := self.instance.echeance_apres_correction(**corrections)):
            self.instance.echeance = self.instance.echeance_initiale = nouvelle
        return donnees

    def saisies(self) -> dict[str, Saisie]:
        saisies = super().saisies()
        vue = self.initial.get("echeance")
        if self.instance.pk and self.instance.echeance != vue:  # recomputed by clean()
            for nom in ("echeance", "echeance_initiale"):
                saisies[nom] = Saisie(vue=vue, nouvelle=getattr(self.instance, nom))
        return saisies

    def deja_enregistree(self) -> Orientation | None:
        """The orientation this very form already created (double submit), if any.

        Asked before validation: the person created by the first submit would otherwise
        be offered as a possible duplicate to the second one.
        """
        try:
            cle = self.fields["cle_creation"].clean(self["cle_creation"].data)
        except ValidationError:
            return None
        return Orientation.objects.filter(
            antenne=self.instance.antenne, cle_creation=str(cle)
        ).first()


class ActionMixin:
    """The orientation page shows every action form at once: each one's ids start with its
    action (`prolongation_motif`, `sortie_motif`), so none is on the page twice. The names
    sent stay those of the fields. The words around the form (its block's title, button,
    help, the message on success) are the form's too."""

    action = ""
    titre = bouton = succes = aide = ""
    danger = False  # its button says the orientation leaves the list

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.action}_%s")
        super().__init__(*args, **kwargs)

    @property
    def cible(self) -> str:
        """The id of its block on the page, where htmx puts it back."""
        return f"action-{self.action}"

    def arguments(self) -> dict:
        """What the action's service takes, by the names of its parameters (the confirmation
        box is the form's own)."""
        return {nom: valeur for nom, valeur in self.cleaned_data.items() if nom != "confirmation"}


def _confirmation(consequence: str, action: str) -> forms.BooleanField:
    return forms.BooleanField(label=f"Je confirme : {consequence}",
                              error_messages={"required": f"Cochez « Je confirme » pour {action}."})


class UrgenceForm(ActionMixin, FormulaireModele):
    action = "urgence"
    bouton, succes = "Enregistrer l'urgence", "Urgence enregistrée."

    class Meta:
        model = Orientation
        fields = ["urgent", "motif_urgence"]
        labels = {"urgent": "Traiter en priorité (urgent)"}
        help_texts = {"motif_urgence": "Réorientation, urgence du parquet…"}

    @property
    def titre(self) -> str:
        return "Modifier ou lever l'urgence" if self.initial.get("urgent") else "Marquer urgente"

    def arguments(self) -> dict:
        return {"urgent": self.cleaned_data["urgent"], "motif": self.cleaned_data["motif_urgence"]}


def _justification_echeance() -> forms.Field:
    return Orientation._meta.get_field("justification_echeance").formfield()


def _motif(label: str, max_length: int, exemple: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, help_text=f"Par exemple : {exemple}")


class ProlongationForm(ActionMixin, DatesMixin, forms.Form):
    action = "prolongation"
    titre, bouton = "Prolonger l'échéance (accord du prescripteur)", "Prolonger l'échéance"
    aide = "Le motif et l'accord restent dans l'historique."
    succes = "Échéance prolongée avec l'accord du prescripteur."

    nouvelle_echeance = forms.DateField(label="Nouvelle échéance")
    motif = _motif("Motif de la prolongation", MOTIF_PROLONGATION_MAX,
                   "deux reports demandés, réorientation.")
    accord = forms.CharField(
        label="Accord du prescripteur",
        max_length=Orientation._meta.get_field("accord_prolongation").max_length,
        help_text="Qui a donné son accord, et quand (ex. : Mme Martin, parquet, courriel du 12/11/2026).",
    )
    justification_echeance = _justification_echeance()


class CorrectionEcheanceForm(ActionMixin, DatesMixin, forms.Form):
    """A mistyped échéance put right (earlier or later): not a prolongation."""

    action = "correction"
    titre, bouton = "Corriger l'échéance (erreur de saisie)", "Corriger l'échéance"
    aide = ("Pour une date mal saisie, plus tôt ou plus tard ; l'ancienne date et le motif restent "
            "dans l'historique. Un report accordé par le prescripteur est une prolongation.")
    succes = "Échéance corrigée ; l'ancienne date et le motif restent dans l'historique."

    nouvelle_echeance = forms.DateField(label="Échéance corrigée")
    motif = _motif("Motif de la correction", MOTIF_CORRECTION_MAX,
                   "faute de frappe sur l'année à la saisie.")
    justification_echeance = _justification_echeance()


class SortieForm(ActionMixin, forms.Form):
    """Cancellation, or transfer (within the network or outside it): the orientation leaves
    the list. What a transfer needs is the model's rule (`Orientation._erreurs_destination`)."""

    action = "sortie"
    titre, bouton, danger = "Transférer ou annuler", "Sortir de la liste d'attente", True
    aide = ("L'orientation quitte la liste d'attente ; rien n'est supprimé : sa fiche et son "
            "historique restent consultables (filtre « Statut » de la liste), et elle peut être "
            "rouverte en cas d'erreur.")
    succes = "L'orientation a quitté la liste d'attente ; sa fiche reste consultable."

    statut = forms.ChoiceField(label="Sortie de la liste d'attente", choices=[
        ("", "Choisissez…"),
        (Statut.TRANSFEREE.value, "Transfert"),
        (Statut.ANNULEE.value, "Annulation (accord du prescripteur)"),
    ])
    antenne_destination = forms.ModelChoiceField(
        label="Antenne de destination (réseau)", queryset=Antenne.objects.none(), required=False,
        empty_label="Hors du réseau",
        help_text="Pour un transfert : l'orientation et la personne rejoignent la liste "
        "d'attente de cette antenne, au rang de leur date d'orientation.",
    )
    destination = forms.CharField(
        label=Orientation._meta.get_field("destination").verbose_name.capitalize(),
        max_length=80, required=False,
        help_text="Pour un transfert hors des antennes du réseau : département ou service.",
    )
    motif = forms.CharField(label="Motif", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    confirmation = _confirmation("l'orientation quittera la liste d'attente (elle restera consultable).",
                                 "valider la sortie")

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["antenne_destination"].queryset = Antenne.objects.exclude(pk=antenne.pk)

    def arguments(self) -> dict:
        return super().arguments() | {"statut": Statut(self.cleaned_data["statut"])}


class ReouvertureForm(ActionMixin, forms.Form):
    """A transfer or cancellation made by mistake, undone."""

    action = "reouverture"
    titre, bouton = "Rouvrir (transfert ou annulation par erreur)", "Rouvrir l'orientation"
    aide = ("Elle revient dans la liste d'attente à son rang d'origine (sa date d'orientation) ; "
            "un transfert vers une antenne du réseau y est annulé.")
    succes = "L'orientation est de nouveau dans la liste d'attente, à son rang d'origine."

    motif = _motif("Motif de la réouverture", MOTIF_REOUVERTURE_MAX,
                   "annulée par erreur, transfert saisi sur la mauvaise personne.")
    confirmation = _confirmation("l'orientation revient dans la liste d'attente, à son rang d'origine.",
                                 "rouvrir l'orientation")


class FichePrescripteurForm(FormulaireModele):
    """A prescripteur's name, kind and contact. A name near another one of the antenne
    (`noms_proches`: 'Délégué du procureur - Perpignan' and 'Délégués du procureur de
    Perpignan') is refused until staff state that it is another prescripteur."""

    class Meta:
        model = Prescripteur
        fields = ["nom", "type", "email", "adresse"]
        widgets = {"adresse": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.antenne = antenne
        self.proches: list[Prescripteur] = []
        if self.is_bound:
            nom = self.data.get(self.add_prefix("nom"), "")
            if not self.instance.pk or nom != self.instance.nom:
                self.proches = prescripteurs_proches(antenne=antenne, nom=nom, sauf=self.instance)
        if self.proches:
            self.fields["autre_que_les_proches"] = forms.BooleanField(
                required=False, label="C'est un autre prescripteur : l'enregistrer quand même",
            )

    def clean(self):
        donnees = super().clean()
        if self.proches and not donnees.get("autre_que_les_proches"):
            noms = ", ".join(
                f"« {p} »" + ("" if p.actif else " (désactivé)") for p in self.proches
            )
            self.add_error("nom", (
                f"Un prescripteur au nom proche existe déjà : {noms}. S'il s'agit du même, "
                "utilisez-le ; sinon cochez « C'est un autre prescripteur »."
            ))
        return donnees


class PrescripteurForm(FichePrescripteurForm):
    """Quick add from the orientation form, whose own <form> cannot contain another one: the
    fields join the <form id="form-prescripteur"> placed after it (HTML `form` attribute)."""

    prefix = "prescripteur"
    FORMULAIRE = "form-prescripteur"

    def __init__(self, *args, antenne: Antenne, **kwargs):
        super().__init__(*args, antenne=antenne, **kwargs)
        for champ in self.fields.values():
            champ.widget.attrs["form"] = self.FORMULAIRE


class FiltresPrescripteurs(forms.Form):
    """The filters of the prescripteurs list, read from the URL."""

    q = forms.CharField(
        label="Rechercher", required=False, max_length=100,
        help_text="Début des mots du nom (accents et majuscules indifférents)",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *TypePrescripteur.choices],
    )
    etat = forms.ChoiceField(label="État", required=False, choices=[
        ("", "Actifs"), ("inactifs", "Désactivés"), ("tous", "Actifs et désactivés"),
    ])

    def criteres(self) -> dict:
        """The valid values, for `prescripteurs_de_l_antenne`; an invalid one is left out."""
        self.is_valid()
        valeurs = self.cleaned_data
        return {
            "recherche": valeurs.get("q", ""), "type_": valeurs.get("type", ""),
            "actifs": {"": True, "inactifs": False, "tous": None}.get(valeurs.get("etat", ""), True),
        }


class DesactivationForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la désactivation", max_length=200,
        help_text="Par exemple : service fermé, remplacé par le SPIP de Perpignan.",
    )


class FusionForm(Formulaire):
    """Two records of the same prescripteur: which one is kept, and why."""

    GARDER_CELUI_CI, GARDER_L_AUTRE = "celui_ci", "autre"

    autre = forms.ModelChoiceField(
        label="L'autre prescripteur (le même, enregistré deux fois)", queryset=Prescripteur.objects.none(),
        error_messages={"invalid_choice": "Ce prescripteur n'est pas dans votre antenne."},
    )
    conserve = forms.ChoiceField(label="Prescripteur à conserver", widget=forms.RadioSelect)
    motif = forms.CharField(
        label="Motif de la fusion", max_length=200,
        help_text="Par exemple : même service enregistré sous deux noms.",
    )

    def __init__(self, *args, prescripteur: Prescripteur, **kwargs):
        super().__init__(*args, **kwargs)
        self.prescripteur = prescripteur
        self.fields["autre"].queryset = Prescripteur.objects.filter(
            antenne=prescripteur.antenne_id, fusionne_dans__isnull=True,
        ).exclude(pk=prescripteur.pk)
        self.fields["conserve"].choices = [
            (self.GARDER_CELUI_CI, f"« {prescripteur} » (celui-ci) : l'autre lui est fusionné"),
            (self.GARDER_L_AUTRE, "L'autre : celui-ci lui est fusionné"),
        ]

    def paire(self) -> tuple[Prescripteur, Prescripteur]:
        """(kept, merged into it)."""
        autre = self.cleaned_data["autre"]
        if self.cleaned_data["conserve"] == self.GARDER_CELUI_CI:
            return self.prescripteur, autre
        return autre, self.prescripteur
