// Quiz attempt page: autosave answers as the learner goes, and show the time left.
// The server owns the clock; this countdown is only a display and submits at zero.
(function () {
  "use strict";
  var form = document.querySelector("[data-quiz-form]");
  if (!form) return;
  var status = document.querySelector("[data-autosave-status]");
  var saveUrl = form.getAttribute("data-save-url");
  var pending = null;
  var submitting = false;

  function setStatus(text) {
    if (status) status.textContent = text;
  }

  function save() {
    pending = null;
    var data = new FormData(form);
    return fetch(saveUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            setStatus("Saved at " + new Date(body.data.saved_at).toLocaleTimeString() + ".");
          } else {
            var message = body.errors && body.errors[0] ? body.errors[0].message : "Not saved.";
            setStatus(message);
            if (response.status === 409) window.location.reload();
          }
        });
      })
      .catch(function () { setStatus("Not saved: check your connection. Your answers stay on this page."); });
  }

  function scheduleSave() {
    setStatus("Saving…");
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(save, 800);
  }

  form.addEventListener("change", scheduleSave);
  form.addEventListener("input", scheduleSave);
  form.addEventListener("submit", function () {
    submitting = true;
    if (pending) window.clearTimeout(pending);
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true; // one click, one submit (the server is idempotent anyway)
  });

  var timer = document.querySelector("[data-remaining]");
  if (timer) {
    var text = timer.querySelector("[data-timer-text]");
    var endsAt = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      text.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0 && !submitting) {
        submitting = true;
        form.submit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
