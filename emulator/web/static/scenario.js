// A scenario shown step by step: the server plays it and renders its steps; this page asks
// for them until the scenario is done and reveals them one at a time.
"use strict";
(function () {
  const name = document.body.dataset.scenario;
  const box = document.getElementById("show");
  let shown = 1;
  let html = "";
  let done = false;

  function reveal() {
    const steps = box.querySelectorAll(".show-step");
    steps.forEach((step, i) => { step.hidden = i >= shown; });
    document.getElementById("next").disabled = shown >= steps.length && done;
  }

  async function post(action) {
    await fetch("/api/" + action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: name }),
    });
  }

  async function look() {
    const answer = await fetch("/scenario.json?name=" + encodeURIComponent(name));
    const reply = await answer.json();
    if (reply.html !== html) {
      html = reply.html;
      box.innerHTML = html;
      for (const canvas of box.querySelectorAll("canvas.fb")) {
        window.synkOled.draw(canvas, canvas.dataset.fb);
      }
    }
    done = reply.done;
    reveal();
    if (!done) setTimeout(look, 500);
  }

  document.getElementById("next").addEventListener("click", () => { shown += 1; reveal(); });
  document.getElementById("all").addEventListener("click", () => { shown = 1e9; reveal(); });
  document.getElementById("again").addEventListener("click", async () => {
    await post("scenario");
    shown = 1; html = ""; done = false;
    look();
  });
  post("scenario").then(look);
})();
