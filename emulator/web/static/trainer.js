// The training page: draws the station's SSD1306 framebuffer, follows the live stream,
// sends what the trainee does. Every text on the page comes from the server.
"use strict";
(function () {
  const body = document.body;
  const station = body.dataset.station;
  const trainee = body.dataset.trainee;
  const canvas = document.getElementById("screen");
  const fragments = {};
  let hand = null; // a key picked up by a click, waiting to be put somewhere
  let fbVersion = -1;

  function showPlace(id, keyId) {
    const place = document.getElementById(id);
    const inside = place.querySelector(".inside");
    place.classList.toggle("full", keyId !== null);
    inside.hidden = keyId === null;
    inside.querySelector(".keyid").textContent = keyId === null ? "" : "🔑 " + keyId;
  }

  let beeps = null;
  function render(view) {
    const s = view.station;
    if (s.fb_version !== fbVersion) {
      window.synkOled.draw(canvas, s.fb);
      fbVersion = s.fb_version;
      canvas.dataset.version = String(s.fb_version);
    }
    canvas.setAttribute("aria-label", s.lines.join(" "));
    document.getElementById("led-green").classList.toggle("lit", s.green === 1);
    document.getElementById("led-red").classList.toggle("lit", s.red === 1);
    const buzzer = document.getElementById("buzzer");
    if (beeps !== null && s.beeps !== beeps) {
      buzzer.classList.remove("beep");
      void buzzer.offsetWidth; // restart the animation
      buzzer.classList.add("beep");
    }
    beeps = s.beeps;
    buzzer.dataset.beeps = String(s.beeps);
    showPlace("slot", s.key);
    showPlace("pad", s.nfc);
    for (const [name, html] of Object.entries(view.fragments)) {
      if (fragments[name] !== html) {
        fragments[name] = html;
        document.getElementById("frag-" + name).innerHTML = html;
      }
    }
    body.dataset.version = String((Number(body.dataset.version) || 0) + 1);
  }

  function showError(text) {
    const box = document.getElementById("error");
    box.textContent = text;
    box.hidden = !text;
  }

  async function act(action, fields) {
    const payload = Object.assign({ station: station, trainee: trainee }, fields);
    showError("");
    try {
      const answer = await fetch("/api/" + action, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      const reply = await answer.json();
      if (!answer.ok) {
        showError(reply.error.filter(Boolean).join(" / "));
      }
    } catch (err) {
      showError(String(err));
    }
  }

  function setHand(keyId) {
    hand = keyId;
    for (const chip of document.querySelectorAll(".keychip")) {
      chip.classList.toggle("in-hand", chip.dataset.key === keyId);
    }
    body.classList.toggle("holding", keyId !== null);
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action], [data-drop]");
    if (!target || target.disabled) return;
    const d = target.dataset;
    if (d.action === "hand") {
      setHand(hand === d.key ? null : d.key);
      return;
    }
    if (d.drop) {
      if (event.target.closest("button")) return; // the pull button inside the slot
      if (hand !== null) {
        act(d.drop, { key: hand });
        setHand(null);
      }
      return;
    }
    switch (d.action) {
      case "press": act("press", { button: d.button }); break;
      case "insert": case "nfc": act(d.action, { key: d.key }); break;
      case "open": // with the key in hand (a colleague's), else the trainee's own
        act("open", { lock: d.lock, key: hand });
        setHand(null);
        break;
      case "relock": act("relock", { lock: d.lock }); break;
      case "network": act("network", { online: d.online === "1" }); break;
      case "forward": act("forward", { amount: d.amount, unit: d.unit }); break;
      case "lesson": act("lesson", { lesson: d.lesson }); break;
      default: act(d.action, {});
    }
  });

  // Keyboard: digits, * and # press the keypad; Enter/space on the slot puts the held key in.
  document.addEventListener("keydown", (event) => {
    const field = event.target.closest("input, select, textarea");
    if (field || event.ctrlKey || event.altKey || event.metaKey) return;
    if (/^[0-9*#]$/.test(event.key)) {
      act("press", { button: event.key });
      event.preventDefault();
    } else if ((event.key === "Enter" || event.key === " ") && event.target.dataset.drop && hand) {
      act(event.target.dataset.drop, { key: hand });
      setHand(null);
      event.preventDefault();
    }
  });

  // Drag a key onto the slot or the NFC pad.
  document.addEventListener("dragstart", (event) => {
    const chip = event.target.closest(".keychip[draggable=true]");
    if (!chip) return;
    event.dataTransfer.setData("text/plain", chip.dataset.key);
    event.dataTransfer.effectAllowed = "move";
  });
  for (const place of document.querySelectorAll("[data-drop]")) {
    place.addEventListener("dragover", (event) => {
      event.preventDefault();
      place.classList.add("over");
    });
    place.addEventListener("dragleave", () => place.classList.remove("over"));
    place.addEventListener("drop", (event) => {
      event.preventDefault();
      place.classList.remove("over");
      const key = event.dataTransfer.getData("text/plain");
      if (key) act(place.dataset.drop, { key: key });
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-form]");
    if (!form) return;
    event.preventDefault();
    act(form.dataset.form, Object.fromEntries(new FormData(form)));
  });

  document.getElementById("trainee-select").addEventListener("change", (event) => {
    event.target.form.submit();
  });

  render(JSON.parse(document.getElementById("initial").textContent));
  const query = "?station=" + encodeURIComponent(station) + "&trainee=" + encodeURIComponent(trainee);
  const stream = new EventSource("/events" + query);
  stream.onmessage = (event) => render(JSON.parse(event.data));
})();
