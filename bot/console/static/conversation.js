// Haven console conversation: live transcript (polled every two seconds) and canned responses.
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  var canned = document.getElementById("canned");
  var reply = document.getElementById("reply-text");
  if (canned && reply) {
    canned.addEventListener("change", function () {
      if (canned.value) { reply.value = canned.value; reply.focus(); }
    });
  }
  if (!list) { return; }
  var WHO = { user: "Victim", bot: "Haven bot", system: "System" };

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function entryElement(entry) {
    var li = document.createElement("li");
    li.className = "msg msg-" + entry.kind + (entry.risk ? " msg-risk" : "");
    li.setAttribute("data-index", String(entry.index));
    li.appendChild(span("msg-who", entry.kind === "staff" ? entry.author + " (staff)" : WHO[entry.kind]));
    li.appendChild(span("msg-text", entry.text));
    if (entry.risk) {
      var category = entry.risk.category ? " · " + entry.risk.category.replace(/_/g, " ") : "";
      li.appendChild(span("risk-tag", "Risk: " + entry.risk.level + category));
    }
    var time = document.createElement("time");
    time.className = "msg-at";
    time.setAttribute("datetime", entry.at || "");
    time.textContent = entry.at_label || "";
    li.appendChild(time);
    return li;
  }

  function scrollToEnd() { list.scrollTop = list.scrollHeight; }

  function poll() {
    fetch(list.getAttribute("data-feed"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error("HTTP " + response.status); } return response.json(); })
      .then(function (data) {
        var shown = list.querySelectorAll("li[data-index]").length;
        data.transcript.slice(shown).forEach(function (entry) { list.appendChild(entryElement(entry)); });
        if (data.transcript.length > shown) { scrollToEnd(); }
      })
      .catch(function () { /* try again on the next tick */ })
      .finally(function () { window.setTimeout(poll, 2000); });
  }
  scrollToEnd();
  window.setTimeout(poll, 2000);
})();
