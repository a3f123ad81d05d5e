/* Escalade console keyboard shortcuts. Local file, no dependencies.
 * Keys (never while typing in a field; Esc leaves a field):
 *   r reply · n internal note · s status · e escalate · a assign to me · l link a ticket
 *   g q queues · g t tickets · g m escalations · j/k next/previous row · o/Enter open · ? help
 * The elements they act on are found by id in the ticket page (#reply, #id_body, #id_internal,
 * #status, #escalate, #assign-to-me, #link-ticket); a key whose element is absent does nothing. */
(function () {
  "use strict";

  var script = document.getElementById("shortcuts-script");
  var urls = {
    q: script && script.dataset.queuesUrl,
    t: script && script.dataset.homeUrl,
    m: script && script.dataset.managerUrl
  };
  var pendingG = false;
  var pendingTimer = null;
  var current = -1;

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function focusField(el) {
    if (!el) return false;
    el.scrollIntoView({ block: "center" });
    el.focus();
    return true;
  }

  function openDetails(id, fieldSelector) {
    var details = document.getElementById(id);
    if (!details) return false;
    details.open = true;
    return focusField(details.querySelector(fieldSelector || "input:not([type=hidden]), textarea, select"));
  }

  function reply(internal) {
    var box = document.getElementById("id_body");
    if (!box) return false;
    var note = document.getElementById("id_internal");
    if (note) note.checked = internal;
    else if (internal) return false;
    return focusField(box);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.tickets tbody tr"))
      .filter(function (tr) { return tr.querySelector("a"); });
  }

  function move(step) {
    var list = rows();
    if (!list.length) return false;
    if (current >= list.length || list[current] === undefined || !list[current].isConnected) {
      // htmx refreshed the table: start again from the row marked current, if any.
      current = list.findIndex(function (tr) { return tr.classList.contains("kb-current"); });
    }
    list.forEach(function (tr) { tr.classList.remove("kb-current"); tr.removeAttribute("aria-current"); });
    current = Math.max(0, Math.min(list.length - 1, current + step));
    var row = list[current];
    row.classList.add("kb-current");
    row.setAttribute("aria-current", "true");
    row.querySelector("a").focus();
    return true;
  }

  function openCurrent() {
    var row = document.querySelector("tr.kb-current a");
    if (!row) return false;
    window.location.href = row.href;
    return true;
  }

  function help() {
    var dialog = document.getElementById("shortcuts-help");
    if (!dialog || dialog.open) return false;
    dialog.showModal();
    return true;
  }

  var actions = {
    r: function () { return reply(false); },
    n: function () { return reply(true); },
    s: function () { return focusField(document.querySelector("#status select")); },
    e: function () { return openDetails("escalate", "textarea"); },
    l: function () { return openDetails("link-ticket", "input[name=number]"); },
    a: function () {
      var form = document.getElementById("assign-to-me");
      if (!form) return false;
      form.requestSubmit ? form.requestSubmit() : form.submit();
      return true;
    },
    j: function () { return move(1); },
    k: function () { return move(-1); },
    o: openCurrent,
    "?": help
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var dialog = document.getElementById("shortcuts-help");
    if (dialog && dialog.open) return; // the dialog handles its own keys (Esc closes it)
    if (pendingG) {
      pendingG = false;
      clearTimeout(pendingTimer);
      if (urls[event.key]) {
        event.preventDefault();
        window.location.href = urls[event.key];
      }
      return;
    }
    if (event.key === "g") {
      pendingG = true;
      pendingTimer = setTimeout(function () { pendingG = false; }, 1500);
      return;
    }
    var action = actions[event.key];
    if (action && action()) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-shortcuts-open]")) help();
  });
})();
