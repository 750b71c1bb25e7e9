// Haven console live conversations: polls every two seconds with the chosen filters; filters apply on change.
(function () {
  "use strict";
  var table = document.getElementById("live-table");
  if (!table) { return; }
  var body = document.getElementById("live-body");
  var empty = document.getElementById("live-empty");
  var shown = document.getElementById("live-shown");
  var live = document.getElementById("live-status");
  var form = document.getElementById("live-filters");
  var base = table.getAttribute("data-base");
  var timer = null;
  var latest = 0;
  document.getElementById("filters-apply").hidden = true;

  function query() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      if (select.value !== select.options[0].value) { params.set(select.name, select.value); }  // defaults stay out
    });
    return params.toString();
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function badge(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  function rowFor(item) {
    var row = document.createElement("tr");
    row.setAttribute("data-ref", item.ref);
    row.className = "tier-" + item.tier;
    cell(row, "").appendChild(badge("span", "score score-" + item.tier, item.score_label));
    cell(row, item.category_label || "—");
    var state = cell(row, "");
    state.appendChild(badge("span", "pill pill-" + item.state, item.state_label));
    if (item.claimed_by) { state.appendChild(document.createTextNode(" ")); state.appendChild(badge("span", "muted", item.claimed_by)); }
    cell(row, item.contact);
    var time = badge("time", "", item.ago);
    time.setAttribute("datetime", item.last_message_at);
    cell(row, "").appendChild(time);
    cell(row, String(item.message_count), "num");
    var link = badge("a", "button small", "Open");
    link.href = base + encodeURIComponent(item.ref);
    cell(row, "").appendChild(link);
    return row;
  }

  function render(data) {
    var rows = document.createDocumentFragment();
    data.items.forEach(function (item) { rows.appendChild(rowFor(item)); });
    body.replaceChildren(rows);
    empty.hidden = data.items.length > 0;
    shown.textContent = "Showing " + data.items.length + " of " + data.total;
    Object.keys(data.counts).forEach(function (state) {
      var count = document.querySelector('.count[data-state="' + state + '"]');
      if (count) { count.textContent = String(data.counts[state]); }
    });
  }

  function poll() {
    var seq = ++latest;  // a filter change starts a new round; answers to older rounds are dropped
    window.clearTimeout(timer);
    fetch(table.getAttribute("data-feed") + "?" + query(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (seq !== latest) { return; }
        live.classList.remove("offline"); live.textContent = "Live"; render(data);
      })
      .catch(function () { if (seq === latest) { live.classList.add("offline"); live.textContent = "Reconnecting…"; } })
      .finally(function () { if (seq === latest) { timer = window.setTimeout(poll, 2000); } });
  }

  form.addEventListener("change", function () {
    var search = query();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    poll();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); poll(); });
  timer = window.setTimeout(poll, 2000);
})();
