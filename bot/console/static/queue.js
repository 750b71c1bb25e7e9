// Haven console queue: polls the queue every two seconds, announces urgent arrivals (visual, sound, screen reader).
(function () {
  "use strict";
  var table = document.getElementById("queue-table");
  if (!table) { return; }
  var body = document.getElementById("queue-body");
  var empty = document.getElementById("queue-empty");
  var banner = document.getElementById("urgent-banner");
  var announcer = document.getElementById("queue-announcer");
  var live = document.getElementById("live-status");
  var soundToggle = document.getElementById("sound-toggle");
  var base = table.getAttribute("data-base");
  var seen = {};
  var audio = null;
  var URGENT = { imminent: true, high: true };
  Array.prototype.forEach.call(body.querySelectorAll("tr[data-id]"), function (row) { seen[row.getAttribute("data-id")] = true; });

  soundToggle.addEventListener("click", function () {
    var on = soundToggle.getAttribute("aria-pressed") !== "true";
    if (on && !audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context) { audio = new Context(); }
    }
    soundToggle.setAttribute("aria-pressed", on ? "true" : "false");
    soundToggle.textContent = on ? "Sound alerts on" : "Turn on sound alerts";
    if (on) { beep(); }
  });

  function beep() {
    if (!audio || soundToggle.getAttribute("aria-pressed") !== "true") { return; }
    [0, 0.25].forEach(function (offset) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + offset + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + offset);
      osc.stop(audio.currentTime + offset + 0.22);
    });
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render(items) {
    var fresh = [];
    var rows = document.createDocumentFragment();
    items.forEach(function (item) {
      var row = document.createElement("tr");
      row.setAttribute("data-id", String(item.id));
      row.className = "level-" + item.level + (seen[item.id] ? "" : " fresh");
      var badge = document.createElement("span");
      badge.className = "badge badge-" + item.level;
      badge.textContent = item.level_label;
      cell(row, "").appendChild(badge);
      cell(row, item.contact);
      var about = cell(row, item.reason_label + (item.category_label ? " · " + item.category_label : ""));
      if (item.morning_label) {
        var morning = document.createElement("span");
        morning.className = "morning-task";
        morning.textContent = item.morning_label;
        about.appendChild(document.createElement("br"));
        about.appendChild(morning);
      }
      cell(row, Math.floor(item.waiting_seconds / 60) + " min");
      cell(row, item.claimed_by ? "With " + item.claimed_by : "Waiting");
      var link = document.createElement("a");
      link.className = "button small";
      link.href = base + item.id;
      link.textContent = "Open";
      cell(row, "").appendChild(link);
      rows.appendChild(row);
      if (!seen[item.id]) { fresh.push(item); seen[item.id] = true; }
    });
    body.replaceChildren(rows);
    empty.hidden = items.length > 0;
    var urgent = fresh.filter(function (item) { return URGENT[item.level]; });
    if (urgent.length) {
      var text = urgent.length === 1
        ? "New " + urgent[0].level_label.toLowerCase() + " conversation waiting (" + urgent[0].reason_label.toLowerCase() + ")."
        : urgent.length + " new urgent conversations waiting.";
      banner.textContent = text;
      banner.hidden = false;
      announcer.textContent = text;
      beep();
    } else if (fresh.length) {
      announcer.textContent = fresh.length === 1 ? "New conversation waiting." : fresh.length + " new conversations waiting.";
    }
  }

  function poll() {
    fetch(table.getAttribute("data-feed"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { live.classList.remove("offline"); live.textContent = "Live"; render(data.items); })
      .catch(function () { live.classList.add("offline"); live.textContent = "Reconnecting…"; })
      .finally(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
