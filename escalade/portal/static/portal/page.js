/* Behaviour of every portal page that would otherwise be inline script (the
 * Content-Security-Policy allows none): buttons marked data-print print the page. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
