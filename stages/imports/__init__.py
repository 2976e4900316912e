"""Import of a spreadsheet of orientations (CSV, .xlsx, .ods, .xls): read the file (`commun.tableurs`), each
cell by its column (`cellules`), check every line and match it with what the antenne has
(`analyse`), then create everything or nothing in short batches (`ecriture`).
"""

from django import forms
from django.core.exceptions import ValidationError

from commun.tableurs import LIGNES_MAX_TEXTE, TAILLE_MAX, TAILLE_MAX_TEXTE, TROP_GROS, TYPE_XLSX
from stages.imports.analyse import Analyse, ErreurLigne, ImportRefuse, import_analyser
from stages.imports.cellules import COLONNES, COLONNES_CALCULEES, colonnes_documentees
from stages.imports.ecriture import import_executer, import_lot_creer, message_import

__all__ = [
    "COLONNES", "COLONNES_CALCULEES", "Analyse", "ErreurLigne", "FormulaireImport",
    "ImportRefuse", "colonnes_documentees", "import_analyser", "import_executer",
    "import_lot_creer", "message_import",
]


class FormulaireImport(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text=f"CSV ou classeur (.xlsx, .ods, .xls), {TAILLE_MAX_TEXTE} et {LIGNES_MAX_TEXTE} "
                  "lignes au plus.",
        widget=forms.ClearableFileInput(attrs={
            "accept": f".csv,.xlsx,.ods,.xls,text/csv,{TYPE_XLSX}"
                      ",application/vnd.oasis.opendocument.spreadsheet,application/vnd.ms-excel",
        }),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX:
            raise ValidationError(TROP_GROS)
        return fichier
