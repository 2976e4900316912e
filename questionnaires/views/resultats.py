"""The results: a stage's (who sees the stage), a period's (the antenne's figures; every
antenne for coordination), and the period's export. See `questionnaires.selectors` for what a
group of fewer than five answers shows."""

from datetime import date

from django import forms
from django.shortcuts import render
from django.utils import timezone

from commun.tableurs import ecrire_xlsx, morceaux_csv, reponse_csv, reponse_xlsx
from questionnaires.selectors import (
    SEUIL_ANONYMAT,
    Resultats,
    fin_du_mois,
    mois_de,
    resultats_de_la_periode,
    resultats_du_stage,
)
from stages.access import Droit, droit_requis, stage_ou_404
from stages.models import Antenne


@droit_requis(Droit.STAGES)
def stage_resultats(request, stage_id: int):
    stage = stage_ou_404(request, stage_id)
    return render(request, "questionnaires/resultats.html", {
        "titre": f"Questionnaire — {stage}", "resultats": resultats_du_stage(stage=stage), "stage": stage,
        "seuil": SEUIL_ANONYMAT,
    })


class MoisField(forms.DateField):
    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month"})
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": "Indiquez un mois (aaaa-mm)."}


class PeriodeForm(forms.Form):
    """Whole months: the results of a period are read from the month's counts."""

    du = MoisField(label="Du mois", required=False)
    au = MoisField(label="Au mois (compris)", required=False)
    antenne = forms.ModelChoiceField(label="Antenne", queryset=Antenne.objects.order_by("nom"),
                                     required=False, empty_label="Toutes les antennes")

    def periode(self) -> tuple[date, date]:
        aujourd_hui = timezone.localdate()
        donnees = self.cleaned_data if self.is_valid() else {}
        du = mois_de(donnees.get("du") or date(aujourd_hui.year, 1, 1))
        au = mois_de(donnees.get("au") or aujourd_hui)
        du, au = (du, au) if du <= au else (au, du)
        return du, fin_du_mois(au)


def _periode(request) -> tuple[PeriodeForm, date, date, Antenne | None]:
    """The period asked for, and the antenne: the one in force; for coordination (no antenne
    of its own) every antenne, or the one it picks."""
    form = PeriodeForm(request.GET or None)
    du, au = form.periode()
    antenne = request.acces.antenne
    if antenne is None:
        antenne = form.cleaned_data.get("antenne") if form.is_bound and form.is_valid() else None
    else:
        del form.fields["antenne"]
    return form, du, au, antenne


@droit_requis(Droit.INDICATEURS)
def resultats(request):
    form, du, au, antenne = _periode(request)
    return render(request, "questionnaires/resultats.html", {
        "titre": "Résultats des questionnaires", "periode": form, "du": du, "au": au,
        "resultats": resultats_de_la_periode(du=du, au=au, antenne=antenne),
        "antenne": antenne, "seuil": SEUIL_ANONYMAT, "requete": request.GET.urlencode(),
    })


TITRES_EXPORT = ["Question", "Réponse", "Nombre", "Part (%)"]


def _rangees(resultats: Resultats):
    if not resultats.assez:
        return
    for question in resultats.questions:
        for barre in question.barres:
            yield [question.libelle, barre.libelle, barre.nombre, round(barre.part, 1)]
        for texte in question.textes:
            yield [question.libelle, texte, 1, None]


@droit_requis(Droit.INDICATEURS)
def export(request, format_: str):
    _, du, au, antenne = _periode(request)
    resultats_ = resultats_de_la_periode(du=du, au=au, antenne=antenne, textes_max=None)
    nom = f"questionnaires-{du:%Y%m%d}-{au:%Y%m%d}"
    if format_ == "xlsx":
        return reponse_xlsx(lambda sortie: ecrire_xlsx(TITRES_EXPORT, _rangees(resultats_), sortie,
                                                       feuille="Résultats", largeurs_min={"Question": 40}),
                            nom=nom)
    return reponse_csv(morceaux_csv(TITRES_EXPORT, _rangees(resultats_), libres=(0, 1)), nom=nom)
