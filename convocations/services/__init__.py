"""Writes of the convocations app, one module per topic: the proposal and the creation of the
convocations (`proposition`), the responses (`reponses`), the entretiens préalables
(`entretiens`)."""
