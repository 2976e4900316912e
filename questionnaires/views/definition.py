"""The staff screen that defines the antenne's questionnaire: its title and ordered questions.
Saved once it has answers, it becomes the next version (`services.questionnaire_modifier`)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from questionnaires.forms import QuestionFormSet, QuestionnaireForm
from questionnaires.services import questionnaire_actuel, questionnaire_modifier
from stages.access import Droit, droit_requis, meme_antenne


def _initiales(questionnaire) -> list[dict]:
    return [{"libelle": q.libelle, "type": q.type, "choix": q.choix, "obligatoire": q.obligatoire,
             "longueur_max": q.longueur_max, "ORDER": rang}
            for rang, q in enumerate(questionnaire.questions.all(), start=1)]


@droit_requis(Droit.GERER_STAGES)
@meme_antenne
def questionnaire(request):
    actuel = questionnaire_actuel(antenne=request.acces.antenne)
    if request.method == "POST":
        form = QuestionnaireForm(request.POST)
        questions = QuestionFormSet(request.POST, prefix="questions")
        if form.is_valid() and questions.is_valid():
            gardees = [f.question() for f in questions.ordered_forms
                       if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            nouveau = questionnaire_modifier(questionnaire=actuel, titre=form.cleaned_data["titre"],
                                             questions=gardees)
            if nouveau.pk == actuel.pk:
                messages.success(request, "Questionnaire enregistré.")
            else:
                messages.success(request, (
                    f"Questionnaire enregistré en version {nouveau.version} : la version {actuel.version} "
                    "a déjà des réponses, elle reste lisible dans les résultats avec ses propres questions."))
            return redirect("questionnaires:questionnaire")
    else:
        form = QuestionnaireForm(initial={"titre": actuel.titre})
        questions = QuestionFormSet(initial=_initiales(actuel), prefix="questions")
    return render(request, "questionnaires/questionnaire.html", {
        "form": form, "questions": questions, "questionnaire": actuel,
        "a_des_reponses": actuel.reponses.exists(),
    })
