/* Behaviour of every portal page that would otherwise be inline script (the
 * Content-Security-Policy allows none): buttons marked data-print print the page; the main
 * menu (a <details>) is open on wide screens and folds into "Menu" on a phone; the language selector
 * submits itself on change. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  // The language selector submits itself when a language is chosen (its button stays for no-script use).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });

  function menu() {
    var details = document.getElementById("nav-menu");
    if (!details || !window.matchMedia) return;
    var wide = window.matchMedia("(min-width: 761px)");
    function follow() { details.open = wide.matches; }
    follow();
    if (wide.addEventListener) wide.addEventListener("change", follow);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", menu);
  else menu();
})();
