"""Programming a rattrapage (the office): a séance missed by a person, made up at a séance of
the same module of another stage of the antenne (`services.rattrapages`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

from convocations.forms import RattrapageForm
from convocations.services.rattrapages import choix_de_rattrapage, rattrapage_programmer
from convocations.views.acces import convocation_ou_404, page_du_stage, rediriger
from stages.access import Droit, droit_requis, meme_antenne
from stages.dates import date_courte


def _libelle(manquee, seance) -> str:
    module = f" — {manquee.module}" if manquee.module else ""
    return (f"Séance du {date_courte(manquee.date)}{module} → le {date_courte(seance.date)} "
            f"{seance.debut:%H:%M}–{seance.fin:%H:%M}, {seance.stage.lieu}")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def rattrapage_programmer_vue(request, convocation_id: int):
    convocation = convocation_ou_404(request, convocation_id)
    paires = {f"{m.pk}-{s.pk}": (m, s) for m, s in choix_de_rattrapage(convocation)}
    form = RattrapageForm(request.POST or None, choix=[(v, _libelle(*p)) for v, p in paires.items()])
    if request.method == "POST" and form.is_valid():
        manquee, seance = paires[form.cleaned_data["rattrapage"]]
        try:
            rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=seance,
                                  par=request.user)
        except ValidationError as refus:
            form.add_error(None, " ".join(refus.messages))
        else:
            messages.success(request, (
                f"{convocation.orientation.personne} rattrapera la séance du {date_courte(manquee.date)} "
                f"le {date_courte(seance.date)} ({seance.stage.lieu}) : elle figure sur sa liste "
                "d'émargement."))
            return rediriger(request, page_du_stage(convocation.stage))
    return render(request, "convocations/rattrapage.html", {
        "convocation": convocation, "form": form, "aucun": not paires,
        "retour": page_du_stage(convocation.stage),
    })
