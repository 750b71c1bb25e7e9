/* Haven chat page: rasa-webchat's socket.io protocol, "Exit this page", and nothing kept beyond the tab. */
(function () {
  "use strict";

  var SESSION_KEY = "haven.chat.session";
  var LOG_KEY = "haven.chat.log";
  var MAX_KEPT = 100;
  // Haven reads the first 20,000 characters and says so when a message is longer; past this the
  // socket would refuse the message, so only this much of a huge paste is sent (never nothing).
  var MAX_SEND_CHARS = 60000;

  var body = document.body;
  var exitUrl = body.getAttribute("data-quick-exit-url") || "https://www.bbc.co.uk/weather";
  var socketPath = body.getAttribute("data-socket-path") || "/socket.io";
  var log = document.getElementById("log");
  var typing = document.getElementById("typing");
  var replies = document.getElementById("quick-replies");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var send = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var socket = null;
  var sessionId = null;
  var leaving = false;

  function store(key, value) {
    try { sessionStorage.setItem(key, value); } catch (e) { /* storage may be disabled: chat still works */ }
  }

  function read(key) {
    try { return sessionStorage.getItem(key); } catch (e) { return null; }
  }

  function kept() {
    try { return JSON.parse(read(LOG_KEY) || "[]"); } catch (e) { return []; }
  }

  function keep(entry) {
    var entries = kept();
    entries.push(entry);
    store(LOG_KEY, JSON.stringify(entries.slice(-MAX_KEPT)));
  }

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    if (leaving) { return; }
    leaving = true;
    body.hidden = true;
    document.title = "Loading";
    log.textContent = "";
    replies.textContent = "";
    input.value = "";
    try { sessionStorage.clear(); } catch (e) { /* nothing to clear */ }
    if (socket) { socket.disconnect(); }
    window.location.replace(exitUrl);
  }

  // The session id is signed by the server; one it no longer accepts (too old, from another server, or
  // altered) is answered with a new, empty session, so what this tab showed belongs to no conversation.
  function forgetConversation() {
    log.textContent = "";
    clearReplies();
    store(LOG_KEY, "[]");
  }

  function showMessage(from, text, remember) {
    var bubble = document.createElement("p");
    bubble.className = "message " + from;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = from === "bot" ? "Haven said: " : "You said: ";
    var words = document.createElement("span");
    words.className = "text";
    words.textContent = text;
    bubble.appendChild(who);
    bubble.appendChild(words);
    log.appendChild(bubble);
    scrollToEnd();
    if (remember) { keep({ from: from, text: text }); }
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function clearReplies() {
    replies.textContent = "";
    replies.hidden = true;
  }

  function showReplies(quickReplies) {
    clearReplies();
    quickReplies.forEach(function (reply) {
      if (!reply || typeof reply.title !== "string") { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "quick-reply";
      button.textContent = reply.title;
      button.addEventListener("click", function () {
        sendMessage(reply.title, String(reply.payload));
        input.focus();
      });
      replies.appendChild(button);
    });
    replies.hidden = replies.childNodes.length === 0;
    scrollToEnd();  // the buttons take room from the conversation: keep its end in view
  }

  function setTyping(on) {
    typing.hidden = !on;
    scrollToEnd();
  }

  function setReady(ready, message) {
    input.disabled = !ready;
    send.disabled = !ready;
    statusLine.textContent = message;
  }

  function sendMessage(shown, payload) {
    if (!socket || !sessionId || !payload.trim()) { return; }
    showMessage("user", shown, true);
    clearReplies();
    socket.emit("user_uttered", { message: payload.slice(0, MAX_SEND_CHARS), session_id: sessionId });
  }

  function onBotMessage(message) {
    if (!message || typeof message !== "object") { return; }
    setTyping(false);
    if (typeof message.text === "string" && message.text.trim()) {
      showMessage("bot", message.text, true);
    }
    if (message.attachment && message.attachment.payload && message.attachment.payload.src) {
      showMessage("bot", "(Haven sent a picture, which this page does not show.)", true);
    }
    if (Array.isArray(message.quick_replies) && message.quick_replies.length) {
      showReplies(message.quick_replies);
    }
  }

  function connect() {
    if (typeof window.io !== "function") {
      setReady(false, "Sorry, the chat could not load. Please refresh the page.");
      return;
    }
    socket = window.io({ path: socketPath, reconnection: true });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: read(SESSION_KEY) });
    });
    socket.on("session_confirm", function (confirmed) {
      sessionId = typeof confirmed === "string" ? confirmed : (confirmed && confirmed.session_id);
      if (!sessionId) { return; }
      var asked = read(SESSION_KEY);
      if (asked && asked !== sessionId) { forgetConversation(); }  // not resumed: the server started a new one
      store(SESSION_KEY, sessionId);
      setReady(true, "Connected. Press Enter to send.");
    });
    socket.on("bot_uttered", onBotMessage);
    socket.on("bot_typing", function (state) { setTyping(Boolean(state && state.typing)); });
    socket.on("disconnect", function () {
      if (!leaving) { setReady(false, "Connection lost. Trying to reconnect…"); }
      setTyping(false);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      statusLine.textContent = "Please type a message first.";
      input.focus();
      return;
    }
    input.value = "";
    sendMessage(text, text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // GOV.UK "Exit this page": the button, or the Shift key pressed on its own 3 times within 5 seconds
  // (Shift held to type a capital letter does not count). A single key such as Esc is too easy to hit by
  // accident. The page is replaced, so Back does not return to it.
  var EXIT_PRESSES = 3;
  var EXIT_WINDOW_MS = 5000;
  var shiftPresses = 0;
  var shiftTimer = null;
  var lastKeyWasModified = false;
  var indicator = document.getElementById("exit-indicator");
  var announce = document.getElementById("exit-announce");

  function showPresses() {
    indicator.hidden = shiftPresses === 0;
    Array.prototype.forEach.call(indicator.children, function (dot, index) {
      dot.className = index < shiftPresses ? "on" : "";
    });
    var left = EXIT_PRESSES - shiftPresses;
    announce.textContent = shiftPresses === 0 ? "" :
      "Shift, press " + left + " more time" + (left === 1 ? "" : "s") + " to exit.";
  }

  function resetPresses() {
    shiftPresses = 0;
    if (shiftTimer) { clearTimeout(shiftTimer); shiftTimer = null; }
    showPresses();
  }

  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.addEventListener("keyup", function (event) {
    if (event.key === "Shift" && !lastKeyWasModified) {
      shiftPresses += 1;
      if (shiftPresses >= EXIT_PRESSES) {
        announce.textContent = "Loading.";
        quickExit(event);
      } else {
        showPresses();
        if (shiftTimer) { clearTimeout(shiftTimer); }
        shiftTimer = setTimeout(resetPresses, EXIT_WINDOW_MS);
      }
    } else if (shiftPresses > 0) {
      resetPresses();
    }
    lastKeyWasModified = event.shiftKey;
  });

  kept().forEach(function (entry) { showMessage(entry.from === "user" ? "user" : "bot", String(entry.text), false); });
  connect();
}());
