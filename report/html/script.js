(function () {
  "use strict";
  var errors = document.getElementById("plumb-errors");
  window.addEventListener("error", function (e) {
    errors.textContent += (errors.textContent ? "" : " · ") + (e.message || "error") + "\n";
    document.body.setAttribute("data-errors", "1");
  });

  // Sortable tables: a click on a header sorts the table's row groups
  // (one tbody per item, so that detail rows move with their row).
  function cellValue(group, index) {
    var cell = group.rows[0].cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-value");
    if (v === null) v = cell.textContent.trim();
    var n = parseFloat(v);
    return isNaN(n) || !/^-?[\d.]/.test(v) ? v.toLowerCase() : n;
  }
  function sortTable(table, index, dir) {
    var groups = Array.prototype.slice.call(table.tBodies);
    groups.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (typeof x !== typeof y) { x = String(x); y = String(y); }
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    groups.forEach(function (g) { table.appendChild(g); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (!th.hasAttribute("data-sort")) return;
      th.addEventListener("click", function () {
        var dir = th.classList.contains("asc") ? -1 : 1;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.classList.remove("asc", "desc"); });
        th.classList.add(dir === 1 ? "asc" : "desc");
        sortTable(table, index, dir);
      });
    });
  });

  // Filters: a search box hides the row groups of its table whose text
  // does not hold what is typed; a checkbox keeps only flagged groups.
  function applyFilter(table) {
    var box = document.querySelector('input[type=search][data-filter="' + table.id + '"]');
    var only = document.querySelector('input[type=checkbox][data-filter="' + table.id + '"]');
    var q = box ? box.value.trim().toLowerCase() : "";
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies, function (g) {
      var text = (g.getAttribute("data-search") || g.textContent).toLowerCase();
      var ok = (!q || text.indexOf(q) >= 0) && (!only || !only.checked || g.hasAttribute("data-flag"));
      g.classList.toggle("hidden", !ok);
      if (ok) shown++;
    });
    var count = document.querySelector('[data-count="' + table.id + '"]');
    if (count) count.textContent = shown + " of " + table.tBodies.length;
    return shown;
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table) return;
    input.addEventListener(input.type === "checkbox" ? "change" : "input", function () { applyFilter(table); });
  });

  // Packed details: a profile of many columns carries its columns' detail
  // panels as one gzipped JSON list (base64url) in #plumb-details,
  // unpacked the first time a detail is opened and put in place then.
  var packed = document.getElementById("plumb-details");
  var panels = null;
  function unpack() {
    if (!panels) {
      var b64 = packed.getAttribute("data-gzip").replace(/-/g, "+").replace(/_/g, "/");
      var bin = atob(b64 + "===".slice((b64.length + 3) % 4));
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      panels = new Response(stream).text().then(JSON.parse);
    }
    return panels;
  }
  function fill(d) {
    if (d.hasAttribute("data-filled")) return Promise.resolve();
    d.setAttribute("data-filled", "1");
    return unpack().then(function (all) {
      d.insertAdjacentHTML("beforeend", all[parseInt(d.getAttribute("data-col"), 10) - 1]);
    });
  }
  if (packed) {
    document.addEventListener("toggle", function (e) {
      var d = e.target;
      if (d.open && d.hasAttribute && d.hasAttribute("data-col")) {
        fill(d).catch(function (err) { window.dispatchEvent(new ErrorEvent("error", { message: "details: " + err })); });
      }
    }, true);
  }

  // #selftest exercises sorting and filtering and records the outcome,
  // for the headless-browser test.
  if (location.hash === "#selftest") {
    var result = "ok";
    try {
      Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
        var th = table.tHead.rows[0].querySelector("th[data-sort]");
        if (th) { th.click(); th.click(); }
        var box = document.querySelector('input[type=search][data-filter="' + table.id + '"]');
        if (box && table.tBodies.length > 0) {
          box.value = "\u0000no such text\u0000";
          if (applyFilter(table) !== 0) throw new Error("filter kept rows of " + table.id);
          box.value = "";
          if (applyFilter(table) !== table.tBodies.length) throw new Error("clearing the filter hid rows of " + table.id);
        }
      });
    } catch (e) {
      result = "failed: " + e.message;
    }
    document.body.setAttribute("data-selftest", result);
    var first = document.querySelector("details[data-col]");
    if (first) {
      // Unpacking is asynchronous: its outcome goes in data-details.
      fill(first).then(function () {
        document.body.setAttribute("data-details", first.querySelector(".panels") ? "ok" : "empty");
      }, function (err) {
        document.body.setAttribute("data-details", "failed: " + err);
      });
    }
  }
  document.body.setAttribute("data-ready", "1");
})();
