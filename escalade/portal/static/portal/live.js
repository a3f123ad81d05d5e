/* Live parts of the agent pages (no inline script: the Content-Security-Policy allows none).
 * - Presence: the ticket page's #presence element polls every 10 s; while the agent typed in the
 *   reply box within the last 15 s it says so (replying=1), and the first keystroke tells at once.
 * - Live queue: the console queue (#queue) polls for changes; a poll is skipped while the agent is
 *   selecting rows or has the keyboard focus inside the list, so nothing is swapped from under them. */
(function () {
  "use strict";
  var TYPING_MS = 15000;
  var lastInput = 0;

  function inReplyBox(target) {
    return target && target.closest && target.closest("#reply-form textarea");
  }

  document.addEventListener("input", function (event) {
    if (!inReplyBox(event.target)) { return; }
    var wasQuiet = Date.now() - lastInput > TYPING_MS;
    lastInput = Date.now();
    var presence = document.getElementById("presence");
    if (wasQuiet && presence && window.htmx) { window.htmx.trigger(presence, "typing"); }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "presence") {
      var draft = document.querySelector("#reply-form textarea");
      var typing = Date.now() - lastInput < TYPING_MS && draft && draft.value.trim() !== "";
      event.detail.parameters.replying = typing ? "1" : "0";
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-live-queue")) { return; }
    var focused = document.activeElement;
    if (elt.querySelector("input:checked") || (focused && focused !== document.body && elt.contains(focused))) {
      event.preventDefault();
    }
  });
})();
