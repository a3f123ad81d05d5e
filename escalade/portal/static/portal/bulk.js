/* The console's bulk actions (CSP: no inline script). The header checkbox ticks every ticket on the
 * page; only the fields of the chosen action are shown. Without JavaScript every field shows and the
 * tickets are ticked one by one. */
(function () {
  "use strict";
  function boxes() {
    return document.querySelectorAll('input[name="tickets"][form="bulk-form"]');
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-pick-all]")) {
      boxes().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.id === "id_action" && target.form && target.form.id === "bulk-form") {
      showFieldsFor(target.value);
    }
  });
  function showFieldsFor(action) {
    document.querySelectorAll("#bulk-form [data-for-action]").forEach(function (field) {
      field.hidden = field.getAttribute("data-for-action").split(" ").indexOf(action) < 0;
    });
  }
  function init() {
    var select = document.querySelector("#bulk-form #id_action");
    if (select) { showFieldsFor(select.value); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
