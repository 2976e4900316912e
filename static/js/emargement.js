// Émargement on a tablet (templates/convocations/seance.html). Every mark carries a key drawn
// here and the time it was made; when the network is down the mark (or signature) is kept in
// localStorage and sent when it comes back, to the séance's « synchroniser » address: the
// server counts each key once and records the time it was made. The page says how many wait
// (« non synchronisé (n) »). The signature pad draws with a finger (pointer events) and sends
// its strokes; the server writes the SVG. No inline script or style (strict CSP).
(function () {
  "use strict";

  var FILE = "emargement:a-synchroniser";
  var POINTS_MIN = 5;
  var racine = document.querySelector("[data-emargement]");
  if (!racine) { return; }
  var adresse = racine.getAttribute("data-synchroniser");
  var antenne = racine.getAttribute("data-antenne");
  var envoiEnCours = false;

  function nouvelleCle() {
    var octets = new Uint8Array(16);
    window.crypto.getRandomValues(octets);
    return Array.prototype.map.call(octets, function (o) { return ("0" + o.toString(16)).slice(-2); })
      .join("").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  function lire() {
    try {
      var file = JSON.parse(window.localStorage.getItem(FILE) || "[]");
      return Array.isArray(file) ? file : [];
    } catch (e) { return []; }
  }

  function ecrire(file) {
    window.localStorage.setItem(FILE, JSON.stringify(file));
    afficherCompte();
  }

  function afficherCompte() {
    var zone = document.getElementById("synchronisation");
    if (!zone) { return; }
    var n = lire().length;
    zone.hidden = false;
    zone.classList.toggle("synchronisation--attente", n > 0);
    zone.textContent = n > 0
      ? "non synchronisé (" + n + ") : gardé sur cette tablette, envoyé dès le retour du réseau"
      : "Tout est synchronisé";
  }

  function annoncer(texte) {
    var zone = document.getElementById("erreur-htmx");
    if (!zone) { return; }
    zone.textContent = texte;
    zone.hidden = false;
  }

  function jeton() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  // What the row shows of an action not yet on the server.
  function montrer(action) {
    var ligne = document.getElementById("personne-" + action.convocation);
    if (!ligne) { return; }
    ligne.classList.add("presence--non-synchronisee");
    if (action.nature === "signature") {
      var signature = ligne.querySelector(".presence__signature");
      if (signature && signature.firstChild) {
        signature.firstChild.textContent = "Signature gardée sur la tablette — non synchronisée ";
      }
      return;
    }
    var bouton = ligne.querySelector('button[name="statut"][value="' + action.statut + '"]');
    var etat = ligne.querySelector(".presence__etat");
    if (!etat || !bouton) { return; }
    var libelle = bouton.textContent.trim();
    if (action.minutes && (action.statut === "retard" || action.statut === "depart")) {
      libelle += " (" + action.minutes + " min)";
    }
    etat.textContent = libelle + " — non synchronisé";
    ligne.querySelectorAll('button[name="statut"]').forEach(function (b) {
      var choisi = b === bouton;
      b.classList.toggle("bouton--choisi", choisi);
      b.setAttribute("aria-pressed", choisi ? "true" : "false");
    });
  }

  function montrerTout() {
    lire().forEach(function (action) { if (action.url === adresse) { montrer(action); } });
  }

  function garder(action) {
    var file = lire();
    if (file.some(function (a) { return a.cle === action.cle; })) { return; }
    file.push(action);
    ecrire(file);
    montrer(action);
  }

  function rafraichir() {
    if (window.htmx && document.getElementById("liste-presences")) {
      window.htmx.ajax("GET", racine.getAttribute("data-liste"),
        { target: "#liste-presences", swap: "outerHTML" });
    }
  }

  // Sends the kept actions, one séance at a time, oldest first.
  function synchroniser() {
    if (envoiEnCours || !navigator.onLine) { return; }
    var file = lire();
    if (!file.length) { afficherCompte(); return; }
    var url = file[0].url;
    var lot = file.filter(function (a) { return a.url === url; });
    var corps = new FormData();
    corps.append("antenne_formulaire", lot[0].antenne || "");
    corps.append("actions", JSON.stringify(lot.map(function (a) {
      var copie = {};
      Object.keys(a).forEach(function (k) { if (k !== "url" && k !== "antenne") { copie[k] = a[k]; } });
      return copie;
    })));
    envoiEnCours = true;
    fetch(url, { method: "POST", body: corps, credentials: "same-origin",
                 headers: { "X-CSRFToken": jeton(), "Accept": "application/json" } })
      .then(function (reponse) {
        if (reponse.status === 400 || reponse.status === 404) {
          return { resultats: lot.map(function (a) {
            return { cle: a.cle, etat: "refusee", message: "Séance introuvable pour cette tablette." };
          }) };
        }
        if (!reponse.ok) { throw new Error(String(reponse.status)); }
        return reponse.json();
      })
      .then(function (donnees) {
        var faites = {};
        var refus = [];
        (donnees.resultats || []).forEach(function (r) {
          faites[r.cle] = true;
          if (r.etat === "refusee") { refus.push(r.message); }
        });
        ecrire(lire().filter(function (a) { return !faites[a.cle]; }));
        if (refus.length) { annoncer("Non enregistré : " + refus.join(" ")); }
        envoiEnCours = false;
        rafraichir();
        synchroniser();
      })
      .catch(function () {
        envoiEnCours = false;
        annoncer("La synchronisation n'a pas abouti (réseau ou session) : les actions restent gardées " +
          "sur la tablette. Si cela dure, rechargez la page et reconnectez-vous.");
        afficherCompte();
      });
  }

  function formulaire(element) {
    return element && element.closest ? element.closest("form[data-tablette]") : null;
  }

  // Each mark: its key and the time it is made, sent along (a lost answer is re-sent with them).
  document.body.addEventListener("htmx:configRequest", function (evenement) {
    var form = formulaire(evenement.detail.elt);
    if (!form || evenement.detail.verb !== "post") { return; }
    var p = evenement.detail.parameters;
    var action = {
      nature: "marque", cle: nouvelleCle(), faite_le: new Date().toISOString(), url: adresse,
      antenne: antenne, convocation: form.getAttribute("data-tablette"),
      statut: p.get ? p.get("statut") : p.statut, minutes: (p.get ? p.get("minutes") : p.minutes) || "",
      motif: (p.get ? p.get("motif") : p.motif) || ""
    };
    if (p.set) { p.set("cle", action.cle); p.set("faite_le", action.faite_le); }
    else { p.cle = action.cle; p.faite_le = action.faite_le; }
    form.actionTablette = action;
  });
  // Offline: no request; a mark is kept, the refresh of the list waits.
  document.body.addEventListener("htmx:beforeRequest", function (evenement) {
    if (navigator.onLine) { return; }
    evenement.preventDefault();
    var form = formulaire(evenement.detail.elt);
    if (form && form.actionTablette) { garder(form.actionTablette); form.actionTablette = null; }
  });
  document.body.addEventListener("htmx:sendError", function (evenement) {
    var form = formulaire(evenement.detail.elt);
    if (form && form.actionTablette) {
      garder(form.actionTablette);
      form.actionTablette = null;
      // After erreurs-htmx.js (on document, later in the bubbling): the mark is not lost.
      window.setTimeout(function () {
        annoncer("Le réseau ne répond pas : la marque est gardée sur cette tablette et sera envoyée " +
          "dès son retour. Inutile de la refaire.");
      }, 0);
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (evenement) {
    var form = formulaire(evenement.detail.elt);
    if (form && evenement.detail.successful) { form.actionTablette = null; }
  });
  document.body.addEventListener("htmx:afterSwap", montrerTout);
  window.addEventListener("online", synchroniser);
  window.addEventListener("offline", afficherCompte);
  window.setInterval(synchroniser, 5000);

  // The signature pad.
  var pad = document.getElementById("pad-signature");
  var cadre = pad && pad.querySelector("canvas");
  var dessin = cadre && cadre.getContext("2d");
  var traits = [];
  var trait = null;
  var signataire = null;

  function point(evenement) {
    var boite = cadre.getBoundingClientRect();
    return [Math.round((evenement.clientX - boite.left) * cadre.width / boite.width),
            Math.round((evenement.clientY - boite.top) * cadre.height / boite.height)];
  }

  function effacer() {
    traits = [];
    trait = null;
    dessin.clearRect(0, 0, cadre.width, cadre.height);
    pad.querySelector("[data-pad-erreur]").hidden = true;
  }

  if (pad && dessin) {
    dessin.lineWidth = 3;
    dessin.lineCap = "round";
    dessin.lineJoin = "round";
    cadre.addEventListener("pointerdown", function (evenement) {
      evenement.preventDefault();
      if (cadre.setPointerCapture) { cadre.setPointerCapture(evenement.pointerId); }
      trait = [point(evenement)];
      traits.push(trait);
    });
    cadre.addEventListener("pointermove", function (evenement) {
      if (!trait) { return; }
      evenement.preventDefault();
      var precedent = trait[trait.length - 1];
      var suivant = point(evenement);
      trait.push(suivant);
      dessin.beginPath();
      dessin.moveTo(precedent[0], precedent[1]);
      dessin.lineTo(suivant[0], suivant[1]);
      dessin.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (nom) {
      cadre.addEventListener(nom, function () { trait = null; });
    });
    document.addEventListener("click", function (evenement) {
      var bouton = evenement.target.closest ? evenement.target.closest("[data-signer]") : null;
      if (!bouton) { return; }
      signataire = bouton.getAttribute("data-signer");
      pad.querySelector("[data-pad-nom]").textContent = bouton.getAttribute("data-nom");
      effacer();
      pad.showModal();
    });
    pad.querySelector("[data-pad-effacer]").addEventListener("click", effacer);
    pad.querySelector("[data-pad-annuler]").addEventListener("click", function () { pad.close(); });
    pad.querySelector("[data-pad-valider]").addEventListener("click", function () {
      var points = traits.reduce(function (n, t) { return n + t.length; }, 0);
      if (points < POINTS_MIN) {
        var erreur = pad.querySelector("[data-pad-erreur]");
        erreur.textContent = "La signature est vide : faites signer la personne avec le doigt dans le cadre.";
        erreur.hidden = false;
        return;
      }
      garder({ nature: "signature", cle: nouvelleCle(), faite_le: new Date().toISOString(), url: adresse,
               antenne: antenne, convocation: signataire, signature: JSON.stringify(traits) });
      pad.close();
      synchroniser();
    });
  }

  afficherCompte();
  montrerTout();
  synchroniser();
}());
