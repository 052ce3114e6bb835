// The class dashboard: sort by any column, filter by name/number and by state.
// Plain JavaScript, no framework, nothing fetched. Without it the table is complete.
(function () {
  "use strict";
  var table = document.getElementById("dashboard");
  var controls = document.getElementById("dash-controls");
  if (!table || !controls) { return; }
  var body = table.tBodies[0];
  var search = document.getElementById("dash-search");
  var state = document.getElementById("dash-state");
  var count = document.getElementById("dash-count");
  var heads = table.tHead.rows[0].cells;

  function key(row, index, numeric) {
    var cell = row.cells[index];
    var value = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
    if (numeric) { var n = parseFloat(value); return isNaN(n) ? 0 : n; }
    return value.trim();
  }

  function sortBy(index) {
    var th = heads[index];
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, index, numeric), y = key(b, index, numeric);
      var c = numeric ? x - y : x.localeCompare(y, document.documentElement.lang);
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function matches(row, words, wanted) {
    var text = (row.getAttribute("data-search") || "").toLowerCase();
    for (var i = 0; i < words.length; i++) { if (text.indexOf(words[i]) < 0) { return false; } }
    if (wanted === "late") { return row.getAttribute("data-late") === "1"; }
    if (wanted === "comments") { return row.getAttribute("data-comments") !== "0"; }
    return !wanted || row.getAttribute("data-state") === wanted;
  }

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = state.value;
    var shown = 0;
    for (var i = 0; i < body.rows.length; i++) {
      var row = body.rows[i];
      var show = matches(row, words, wanted);
      row.hidden = !show;
      if (show) { shown++; }
    }
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", shown).replace("{total}", body.rows.length);
  }

  for (var i = 0; i < heads.length; i++) {
    var button = document.createElement("button");
    button.type = "button";
    while (heads[i].firstChild) { button.appendChild(heads[i].firstChild); }
    heads[i].appendChild(button);
    button.addEventListener("click", sortBy.bind(null, i));
  }
  controls.addEventListener("submit", function (e) { e.preventDefault(); });
  search.addEventListener("input", filter);
  state.addEventListener("change", filter);
  controls.hidden = false;
  filter();
}());
