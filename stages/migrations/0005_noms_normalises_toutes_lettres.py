# Names normalised anew: ligatures (æ, œ), apostrophes and letters of every script are now
# kept (see stages.models.normaliser), for the duplicate check and the name search.

from itertools import batched

from django.db import migrations

from stages.models import mots_cherchables, normaliser


def renormaliser(apps, schema_editor):
    """Rewrite the normalised names and the words of the persons whose names changed."""
    Personne, MotDuNom = apps.get_model("stages", "Personne"), apps.get_model("stages", "MotDuNom")
    champs = ("antenne_id", "nom", "prenom", "nom_normalise", "prenom_normalise")
    for lot in batched(Personne.objects.only(*champs).iterator(chunk_size=2000), 2000):
        changees = []
        for personne in lot:
            normalises = (normaliser(personne.nom), normaliser(personne.prenom))
            if normalises != (personne.nom_normalise, personne.prenom_normalise):
                personne.nom_normalise, personne.prenom_normalise = normalises
                changees.append(personne)
        if not changees:
            continue
        Personne.objects.bulk_update(changees, ["nom_normalise", "prenom_normalise"])
        MotDuNom.objects.filter(personne__in=changees).delete()
        MotDuNom.objects.bulk_create(
            MotDuNom(antenne_id=personne.antenne_id, personne_id=personne.pk, mot=mot)
            for personne in changees
            for mot in set(mots_cherchables(f"{personne.nom} {personne.prenom}"))
        )


class Migration(migrations.Migration):

    dependencies = [
        ("stages", "0004_sans_index_nom_seul"),
    ]

    operations = [
        migrations.RunPython(renormaliser, migrations.RunPython.noop),
    ]
