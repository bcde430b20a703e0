/* Region filter on a matter page's "办理地点" section. Without JavaScript every hall and
   every implementing agency stays listed; with it, choosing a region keeps, in every
   [data-guide-place-rows] block of the page (halls; contacts and remedies), the rows that
   serve people there (the row's scope contains the region) or that stand inside it.
   Division codes are hierarchical, so "inside" is a prefix test and no data needs fetching. */
(function () {
  function setup(root) {
    var bar = root.querySelector("[data-guide-hall-filter]");
    if (!bar || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    var select = bar.querySelector("select");
    var rows = document.querySelectorAll("[data-guide-place-rows] tr[data-hall]");
    var empty = root.querySelector("[data-guide-halls-empty]");
    bar.hidden = false;
    select.addEventListener("change", function () {
      var code = select.value;
      var prefix = select.options[select.selectedIndex].getAttribute("data-prefix") || "";
      var shown = 0;
      rows.forEach(function (row) {
        var scope = row.getAttribute("data-scope") || "";
        var visible = !code || code.indexOf(scope) === 0 || row.getAttribute("data-region").indexOf(prefix) === 0;
        row.hidden = !visible;
        if (visible && root.contains(row)) shown += 1;
      });
      if (empty) empty.hidden = shown > 0;
    });
  }
  function init() {
    document.querySelectorAll("[data-guide-halls]").forEach(setup);
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
