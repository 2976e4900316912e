from django.db import migrations


class Migration(migrations.Migration):
    """Joins the import lots, the preferences and the traced preview (three branches)."""

    dependencies = [
        ("stages", "0014_import_lot"),
        ("stages", "0015_preferences"),
        ("stages", "0016_consultation_apercu_import"),
    ]

    operations = []
