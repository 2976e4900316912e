"""The Prescripteurs screen: list, add, edit, deactivate, reactivate, merge; kinds of
prescripteur; near-duplicate names."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from stages import services
from stages.forms import OrientationForm
from stages.models import Orientation, Prescripteur, Role, TypePrescripteur, noms_proches
from tests.factories import creer_orientation, creer_prescripteur, creer_utilisateur, dans_l_antenne

URL_LISTE = reverse("stages:prescripteurs")
URL_AJOUTER = reverse("stages:prescripteur_ajouter")
HTMX = {"HX-Request": "true"}


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


@pytest.fixture
def delegues(antenne):
    return creer_prescripteur(
        antenne, nom="Délégués du procureur de Perpignan", type=TypePrescripteur.DELEGUE_PROCUREUR
    )


# --- Kinds of prescripteur (DOMAIN.md) -------------------------------------------------------


def test_types_du_domaine_dont_le_tribunal_judiciaire():
    assert dict(TypePrescripteur.choices) == {
        "parquet": "Parquet",
        "delegue": "Délégué du procureur",
        "tribunal": "Tribunal correctionnel",
        "tribunal_judiciaire": "Tribunal judiciaire",
        "jap": "Juge de l'application des peines",
        "spip": "SPIP (CPIP)",
        "instruction": "Juge d'instruction / JLD",
        "jaf": "Juge aux affaires familiales",
        "autre": "Autre",
    }


def test_un_tribunal_judiciaire_s_ajoute_depuis_l_ecran(client_secretariat, antenne):
    reponse = client_secretariat.post(URL_AJOUTER, {
        "nom": "Tribunal judiciaire de Perpignan", "type": "tribunal_judiciaire",
    })
    prescripteur = Prescripteur.objects.get()
    assert reponse.status_code == 302
    assert reponse.url == reverse("stages:prescripteur", args=[prescripteur.pk])
    assert (prescripteur.antenne, prescripteur.type) == (antenne, TypePrescripteur.TRIBUNAL_JUDICIAIRE)
    assert prescripteur.get_type_display() == "Tribunal judiciaire"


# --- Near-duplicate names: one rule for the form and the import -------------------------------


@pytest.mark.parametrize(("nom", "autre", "proches"), [
    ("Délégué du procureur - Perpignan", "Délégués du procureur de Perpignan", True),
    ("Parquet de Perpigan", "Parquet de Perpignan", True),  # a typo
    ("SPIP de Perpignan", "SPIP antenne de Perpignan", True),
    ("PARQUET DE PERPIGNAN", "Parquet de Perpignan", True),
    ("JAP de Perpignan", "JAF de Perpignan", False),
    ("Parquet de Perpignan", "Parquet de Carcassonne", False),
    ("Tribunal correctionnel de Perpignan", "Tribunal judiciaire de Perpignan", False),
    ("de la", "Parquet de Perpignan", False),
])
def test_noms_proches(nom, autre, proches):
    assert noms_proches(nom, autre) is proches
    assert noms_proches(autre, nom) is proches


def test_ajout_d_un_nom_proche_demande_de_confirmer(client_secretariat, delegues):
    saisie = {"nom": "Délégué du procureur - Perpignan", "type": "delegue"}
    reponse = client_secretariat.post(URL_AJOUTER, saisie)

    assert reponse.status_code == 200
    assert ("Un prescripteur au nom proche existe déjà : « Délégués du procureur de Perpignan »"
            in reponse.content.decode())
    assert Prescripteur.objects.count() == 1

    reponse = client_secretariat.post(URL_AJOUTER, saisie | {"autre_que_les_proches": "on"})
    assert reponse.status_code == 302
    assert Prescripteur.objects.count() == 2


def test_ajout_rapide_depuis_l_orientation_signale_aussi_le_nom_proche(
    client_secretariat, antenne, delegues,
):
    reponse = client_secretariat.post(reverse("stages:prescripteur_nouveau"), {
        "prescripteur-nom": "Délégué du procureur Perpignan", "prescripteur-type": "delegue",
    } | dans_l_antenne(antenne), headers=HTMX)
    assert "Un prescripteur au nom proche existe déjà" in reponse.content.decode()
    assert Prescripteur.objects.count() == 1


def test_modifier_sans_changer_le_nom_ne_signale_rien(client_secretariat, delegues, parquet):
    reponse = client_secretariat.post(reverse("stages:prescripteur_modifier", args=[parquet.pk]), {
        "nom": parquet.nom, "type": "parquet", "email": "parquet@justice.invalid",
    })
    assert reponse.status_code == 302
    parquet.refresh_from_db()
    assert parquet.email == "parquet@justice.invalid"
    assert parquet.history.first().history_change_reason == "Modification"


# --- List -------------------------------------------------------------------------------------


def test_liste_filtree_par_nom_type_et_etat(client_secretariat, antenne, autre_antenne, parquet,
                                            delegues):
    creer_prescripteur(autre_antenne, nom="Parquet de Mende")
    ferme = creer_prescripteur(antenne, nom="Parquet fermé", actif=False)
    creer_orientation(antenne, prescripteur=parquet)

    def noms(**filtres):
        return [p.nom for p in client_secretariat.get(URL_LISTE, filtres).context["prescripteurs"]]

    assert noms() == ["Délégués du procureur de Perpignan", "Parquet de Perpignan"]
    assert noms(q="parquet") == ["Parquet de Perpignan"]
    assert noms(q="delegue PROC") == ["Délégués du procureur de Perpignan"]
    assert noms(type="delegue") == ["Délégués du procureur de Perpignan"]
    assert noms(etat="inactifs") == [ferme.nom]
    assert noms(etat="tous", type="inconnu") == [delegues.nom, parquet.nom, ferme.nom]
    fragment = client_secretariat.get(URL_LISTE, {"q": "parquet"}, headers=HTMX)
    assert "<h1>" not in fragment.content.decode()
    assert client_secretariat.get(URL_LISTE).context["prescripteurs"][1].nb_orientations == 1


@pytest.mark.parametrize("nombre", [1, 200])
def test_liste_en_requetes_constantes(client_secretariat, antenne, django_assert_max_num_queries,
                                      nombre):
    Prescripteur.objects.bulk_create(
        Prescripteur(antenne=antenne, nom=f"Parquet {n:03d}", type="parquet") for n in range(nombre)
    )
    creer_orientation(antenne, prescripteur=Prescripteur.objects.first())
    with django_assert_max_num_queries(12):
        reponse = client_secretariat.get(URL_LISTE)
    assert reponse.content.decode().count('<th scope="row">') == nombre


def test_lien_depuis_la_navigation_l_import_et_le_formulaire_d_orientation(client_secretariat):
    for url in (reverse("stages:accueil"), reverse("stages:import_orientations"),
                reverse("stages:orientation_nouvelle")):
        assert f'href="{URL_LISTE}"' in client_secretariat.get(url).content.decode(), url


@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.SECRETARIAT])
def test_responsable_et_secretariat_gerent(client, antenne, role):
    client.force_login(creer_utilisateur(role, antenne))
    assert client.get(URL_LISTE).status_code == 200


@pytest.mark.parametrize("role", [Role.ANIMATEUR, Role.COORDINATION])
def test_animateur_et_coordination_n_y_ont_pas_acces(client, antenne, role):
    client.force_login(creer_utilisateur(role, antenne))
    assert client.get(URL_LISTE).status_code == 403


# --- Deactivate, reactivate -------------------------------------------------------------------


def test_desactive_plus_propose_mais_garde_par_ses_orientations_puis_reactive(
    client_secretariat, secretariat, antenne, parquet
):
    orientation = creer_orientation(antenne, prescripteur=parquet)
    reponse = client_secretariat.post(reverse("stages:prescripteur_desactiver", args=[parquet.pk]),
                                      {"motif": "Service fermé"})

    assert reponse.status_code == 302
    assert "n'est plus proposé" in messages_de(reponse)[0]
    parquet.refresh_from_db()
    assert (parquet.actif, parquet.motif_desactivation) == (False, "Service fermé")
    enregistrement = parquet.history.first()
    assert (enregistrement.history_user, enregistrement.history_change_reason) == (
        secretariat, "Désactivation : Service fermé"
    )
    assert parquet not in OrientationForm(antenne=antenne).fields["prescripteur"].queryset
    modification = OrientationForm(instance=orientation, antenne=antenne)
    assert parquet in modification.fields["prescripteur"].queryset
    orientation.refresh_from_db()
    assert orientation.prescripteur == parquet

    reponse = client_secretariat.post(reverse("stages:prescripteur_reactiver", args=[parquet.pk]))
    parquet.refresh_from_db()
    assert parquet.actif and parquet.motif_desactivation == ""
    assert parquet in OrientationForm(antenne=antenne).fields["prescripteur"].queryset
    assert parquet.history.first().history_change_reason == "Réactivation"


def test_desactiver_sans_motif_refuse_en_francais(client_secretariat, parquet):
    reponse = client_secretariat.post(reverse("stages:prescripteur_desactiver", args=[parquet.pk]), {})
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire." in reponse.content.decode()
    parquet.refresh_from_db()
    assert parquet.actif


# --- Merge ------------------------------------------------------------------------------------


def test_fusion_demande_confirmation_puis_deplace_les_orientations(
    client_secretariat, secretariat, antenne, parquet, delegues
):
    doublon = creer_prescripteur(antenne, nom="Délégué du procureur - Perpignan", type="delegue")
    orientations = [creer_orientation(antenne, prescripteur=doublon) for _ in range(3)]
    autre = creer_orientation(antenne, prescripteur=parquet)
    url = reverse("stages:prescripteur_fusionner", args=[doublon.pk])
    saisie = {"autre": delegues.pk, "conserve": "autre", "motif": "Même service, deux fiches"}

    confirmation = client_secretariat.post(url, saisie)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "3 orientations de « Délégué du procureur - Perpignan » passeront" in page
    assert 'name="confirmer"' in page
    assert Orientation.objects.filter(prescripteur=doublon).count() == 3  # nothing yet

    reponse = client_secretariat.post(url, saisie | {"confirmer": "1"})
    assert reponse.status_code == 302 and reponse.url == reverse("stages:prescripteur", args=[delegues.pk])
    assert "3 orientation(s) déplacée(s)" in messages_de(reponse)[0]
    doublon.refresh_from_db()
    assert (doublon.actif, doublon.fusionne_dans, doublon.motif_desactivation) == (
        False, delegues, "Même service, deux fiches"
    )
    raison = "Fusion : Même service, deux fiches"
    for cote, motif in ((doublon, raison), (delegues, (
        "Fusion de « Délégué du procureur - Perpignan » : Même service, deux fiches"
    ))):
        assert (cote.history.first().history_user, cote.history.first().history_change_reason) == (
            secretariat, motif
        )
    for orientation in orientations:
        orientation.refresh_from_db()
        assert orientation.prescripteur == delegues
        dernier = orientation.history.first()
        assert (dernier.history_user, dernier.history_change_reason) == (secretariat, raison)
        assert dernier.prev_record.prescripteur_id == doublon.pk
    autre.refresh_from_db()
    assert autre.prescripteur == parquet
    assert Prescripteur.objects.filter(pk=doublon.pk).exists()  # never deleted

    fiche = client_secretariat.get(reverse("stages:prescripteur", args=[doublon.pk])).content.decode()
    assert "fusionné dans" in fiche and raison in fiche
    assert "Délégués du procureur de Perpignan" in fiche  # the change of « Fusionné dans »


def test_fusion_refuse_un_prescripteur_conserve_desactive(client_secretariat, antenne, parquet):
    ferme = creer_prescripteur(antenne, nom="Parquet fermé", actif=False)
    reponse = client_secretariat.post(reverse("stages:prescripteur_fusionner", args=[parquet.pk]), {
        "autre": ferme.pk, "conserve": "autre", "motif": "doublon", "confirmer": "1",
    })
    assert reponse.status_code == 200
    assert "est désactivé : réactivez-le d&#x27;abord" in reponse.content.decode()
    parquet.refresh_from_db()
    assert parquet.actif


def test_fusion_refuse_un_prescripteur_d_une_autre_antenne(client_secretariat, autre_antenne,
                                                          parquet):
    ailleurs = creer_prescripteur(autre_antenne, nom="Parquet de Mende")
    reponse = client_secretariat.post(reverse("stages:prescripteur_fusionner", args=[parquet.pk]), {
        "autre": ailleurs.pk, "conserve": "celui_ci", "motif": "doublon", "confirmer": "1",
    })
    assert "Ce prescripteur n&#x27;est pas dans votre antenne." in reponse.content.decode()
    ailleurs.refresh_from_db()
    assert ailleurs.actif and ailleurs.fusionne_dans is None


def test_service_fusion_refuse_deux_fois_le_meme(parquet):
    with pytest.raises(services.ValidationError):
        services.prescripteur_fusionner(conserve=parquet, doublon=parquet, motif="x")


@pytest.mark.parametrize("nombre", [1, 200])
def test_fiche_et_fusion_en_requetes_constantes(client_secretariat, antenne, parquet, delegues,
                                                django_assert_max_num_queries, nombre):
    for n in range(nombre):
        creer_prescripteur(antenne, nom=f"Autre {n:03d}")
        creer_orientation(antenne, prescripteur=parquet)
    for n in range(nombre):
        parquet.email = f"p{n}@justice.invalid"
        parquet.save()
    urls = [reverse("stages:prescripteur", args=[parquet.pk]),
            reverse("stages:prescripteur_fusionner", args=[parquet.pk])]
    for url in urls:
        with django_assert_max_num_queries(12):
            assert client_secretariat.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        confirmation = client_secretariat.post(urls[1], {
            "autre": delegues.pk, "conserve": "autre", "motif": "doublon",
        })
    assert confirmation.context["nb_orientations"] == nombre


# --- Import: unknown prescripteurs reported once, created or mapped ---------------------------

URL_IMPORT = reverse("stages:import_orientations")
URL_CORRESPONDANCES = reverse("stages:import_correspondances")


def _fichier(*prescripteurs: str) -> bytes:
    from tests.stages.test_import import en_csv, ligne

    return en_csv(*[ligne(Prescripteur=nom, Nom=f"Nom{n}", Référence=f"R{n}")
                    for n, nom in enumerate(prescripteurs)])


def _deposer(client, contenu: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(URL_IMPORT, {"fichier": SimpleUploadedFile("liste.csv", contenu)})


def test_nom_inconnu_signale_une_fois_avec_ses_lignes_et_le_nom_proche(antenne, parquet, delegues):
    from stages.imports import import_analyser

    inconnu = "Délégué du procureur - Perpignan"
    contenu = _fichier(parquet.nom, inconnu, inconnu, parquet.nom, inconnu)
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")

    assert [(e.ligne, e.colonne, e.message) for e in analyse.erreurs] == [(3, "Prescripteur", (
        "Prescripteur inconnu : « Délégué du procureur - Perpignan », 3 lignes (3, 4, 6). "
        "Créez-le, faites-le correspondre à un prescripteur existant (aperçu de la page "
        "d'import) ou corrigez le nom dans le fichier. "
        "Nom proche : « Délégués du procureur de Perpignan »."
    ))]
    [introuvable] = analyse.prescripteurs_introuvables
    assert (introuvable.lignes, introuvable.proches) == ([3, 4, 6], [delegues])


def test_deux_noms_inconnus_proches_l_un_de_l_autre_dans_le_fichier(antenne, parquet):
    from stages.imports import import_analyser

    contenu = _fichier("SPIP de Perpignan", "SPIP antenne de Perpignan")
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    assert [i.proches_du_fichier for i in analyse.prescripteurs_introuvables] == [
        ["SPIP antenne de Perpignan"], ["SPIP de Perpignan"],
    ]
    assert "« SPIP antenne de Perpignan » (dans le fichier)" in analyse.erreurs[0].message


def test_rapport_de_la_commande_une_ligne_par_nom_inconnu(antenne, parquet):
    from stages.imports import import_analyser

    contenu = _fichier(*["Parquet de Lune"] * 30)
    rapport = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="l.csv").rapport()
    lignes = [texte for texte in rapport if "Parquet de Lune" in texte]
    assert lignes == [
        "Ligne 2, Prescripteur : Prescripteur inconnu : « Parquet de Lune », 30 lignes "
        "(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …). Créez-le, faites-le correspondre à un prescripteur "
        "existant (aperçu de la page d'import) ou corrigez le nom dans le fichier."
    ]


def test_prescripteur_fusionne_donne_celui_conserve_desactive_refuse(antenne, parquet, delegues):
    from stages.imports import import_analyser

    ancien = creer_prescripteur(antenne, nom="Délégué du procureur - Perpignan")
    services.prescripteur_fusionner(conserve=delegues, doublon=ancien, motif="doublon")
    services.prescripteur_desactiver(prescripteur=parquet, motif="fermé")

    analyse = import_analyser(antenne=antenne, contenu=_fichier(ancien.nom, parquet.nom),
                              nom_fichier="liste.csv")
    assert [ligne.orientation.prescripteur for ligne in analyse.lignes] == [delegues]
    assert analyse.erreurs[0].message.startswith(
        "Prescripteur désactivé : « Parquet de Perpignan », 1 ligne (3)."
    )


def test_apercu_lien_de_creation_prerempli_dans_un_nouvel_onglet(client_secretariat, parquet):
    reponse = _deposer(client_secretariat, _fichier("Parquet de Lune", "Parquet de Lune"))
    page = reponse.content.decode()

    assert page.count("Prescripteur inconnu : « Parquet de Lune », 2 lignes (2, 3).") == 1
    lien = f'{URL_AJOUTER}?nom_importe=Parquet%20de%20Lune" target="_blank" rel="noopener"'
    assert lien in page
    formulaire = client_secretariat.get(f"{URL_AJOUTER}?nom_importe=Parquet%20de%20Lune")
    assert 'value="Parquet de Lune"' in formulaire.content.decode()


def test_correspondance_choisie_dans_l_apercu_vaut_pour_la_confirmation(
    client_secretariat, antenne, autre_antenne, parquet, delegues
):
    contenu = _fichier(parquet.nom, "Délégué du procureur - Perpignan", "Délégué du procureur - Perpignan")
    apercu = _deposer(client_secretariat, contenu)
    page = apercu.content.decode()
    assert 'name="correspondance:delegue du procureur perpignan"' in page
    assert "Confirmer l'import" not in page
    jeton = apercu.context["jeton_correspondances"]

    ailleurs = creer_prescripteur(autre_antenne, nom="Délégués du procureur de Mende")
    refus = client_secretariat.post(URL_CORRESPONDANCES, {
        "jeton": jeton, "correspondance:delegue du procureur perpignan": ailleurs.pk,
    })
    assert refus.context["analyse"].prescripteurs_introuvables  # another antenne's: ignored

    reponse = client_secretariat.post(URL_CORRESPONDANCES, {
        "jeton": jeton, "correspondance:delegue du procureur perpignan": delegues.pk,
    })
    assert reponse.context["analyse"].valide
    assert "Confirmer l'import de 3 orientations" in reponse.content.decode()

    confirmation = client_secretariat.post(
        reverse("stages:import_confirmer"), {"jeton": reponse.context["jeton"]}
    )
    assert confirmation.status_code == 302
    assert sorted(Orientation.objects.values_list("prescripteur__nom", flat=True)) == [
        delegues.nom, delegues.nom, parquet.nom,
    ]


def test_creer_dans_un_autre_onglet_puis_verifier_a_nouveau(client_secretariat, parquet):
    apercu = _deposer(client_secretariat, _fichier("Parquet de Lune"))
    client_secretariat.post(URL_AJOUTER, {"nom": "Parquet de Lune", "type": "parquet"})

    reponse = client_secretariat.post(URL_CORRESPONDANCES, {
        "jeton": apercu.context["jeton_correspondances"],
    })
    assert reponse.context["analyse"].valide
    assert "Confirmer l'import de 1 orientation" in reponse.content.decode()


def test_correspondances_avec_un_faux_jeton_refusees(client_secretariat, parquet):
    _deposer(client_secretariat, _fichier("Parquet de Lune"))
    reponse = client_secretariat.post(URL_CORRESPONDANCES, {"jeton": "faux"})
    assert reponse.status_code == 302 and reponse.url == URL_IMPORT


@pytest.mark.parametrize("nombre", [1, 200])
def test_apercu_et_correspondances_en_requetes_constantes(
    client_secretariat, antenne, parquet, delegues, django_assert_max_num_queries, nombre
):
    Prescripteur.objects.bulk_create(
        Prescripteur(antenne=antenne, nom=f"Tribunal {n:03d}", type="tribunal") for n in range(nombre)
    )
    contenu = _fichier(*[f"Inconnu {n % 50}" for n in range(nombre)])
    with django_assert_max_num_queries(12):
        apercu = _deposer(client_secretariat, contenu)
    assert len(apercu.context["analyse"].prescripteurs_introuvables) == min(nombre, 50)
    with django_assert_max_num_queries(12):
        reponse = client_secretariat.post(URL_CORRESPONDANCES, {
            "jeton": apercu.context["jeton_correspondances"],
            **{f"correspondance:inconnu {n}": parquet.pk for n in range(50)},
        })
    assert reponse.context["analyse"].valide
