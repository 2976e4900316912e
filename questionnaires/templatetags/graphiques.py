from django import template

from questionnaires.graphiques import barres_svg

register = template.Library()


@register.simple_tag
def graphique(question, rang):
    """The question's bar chart (`questionnaires.graphiques.barres_svg`)."""
    return barres_svg(question.barres, identifiant=f"graphique-{rang}", titre=question.libelle)
