// The kiosk (questionnaires): back to the start after the idle delay the page names
// (data-inactivite, seconds: 120 on the questionnaire, the unfinished answer dropped; a few
// on the thank-you screen, for the next participant); a page shown again from the
// browser's memory (Back) is fetched afresh, so no earlier participant's answer shows.
(function () {
  "use strict";
  var corps = document.body;
  var debut = corps.getAttribute("data-debut");
  window.addEventListener("pageshow", function (evenement) {
    if (evenement.persisted) { window.location.replace(debut); }
  });
  var delai = parseInt(corps.getAttribute("data-inactivite") || "0", 10);
  if (!delai) { return; }
  var minuterie = null;
  function relancer() {
    window.clearTimeout(minuterie);
    minuterie = window.setTimeout(function () { window.location.replace(debut); }, delai * 1000);
  }
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (nom) {
    document.addEventListener(nom, relancer, { passive: true });
  });
  relancer();
}());
