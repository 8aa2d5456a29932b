/* Proctored exam page: report what a proctor reviews (tab hidden, window blur, copy, paste).

   templates/assessments/includes/exam_integrity.html renders the notice with
   data-events-url (POST /assessments/attempts/<id>/events/) and data-csrf-token. Each kind is
   sent at once, then repeats within THROTTLE_MS are counted and sent as one event, so a burst
   (a held Ctrl+C, a flickering window) is one or two requests. Only the length of what is
   copied or pasted is sent, never the text. The server records IP and browser changes itself
   and refuses a second session (409): then, or once the attempt is closed, reporting stops. */
(function () {
    "use strict";

    var THROTTLE_MS = 2000;

    var notice = document.querySelector("[data-exam-integrity]");
    if (!notice || !notice.dataset.eventsUrl || !window.fetch) return;
    var eventsUrl = notice.dataset.eventsUrl;
    var windows = {}; // kind -> {timer, extra: {count, length}}
    var stopped = false;
    var leaving = false;

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : notice.dataset.csrfToken || "";
    }

    function send(kind, details) {
        if (stopped) return;
        // keepalive lets the request outlive the page (a tab being closed), unlike a plain
        // fetch; unlike sendBeacon it can carry the CSRF header.
        fetch(eventsUrl, {
            method: "POST",
            credentials: "same-origin",
            keepalive: true,
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify({ kind: kind, details: details }),
        })
            .then(function (response) {
                // 409: submitted, out of time or another session; 404: not this learner's.
                if (response.status === 409 || response.status === 404) stopped = true;
            })
            .catch(function () {
                /* offline: the server still sees the gap and any change of address */
            });
    }

    function closeWindow(kind) {
        var open = windows[kind];
        delete windows[kind];
        if (open && open.extra.count > 0) send(kind, open.extra);
    }

    function report(kind, length) {
        if (stopped || leaving) return;
        var open = windows[kind];
        if (open) {
            open.extra.count += 1;
            if (length !== undefined) open.extra.length = (open.extra.length || 0) + length;
            return;
        }
        var details = { count: 1 };
        if (length !== undefined) details.length = length;
        send(kind, details);
        windows[kind] = { extra: { count: 0 }, timer: setTimeout(function () { closeWindow(kind); }, THROTTLE_MS) };
    }

    function flushAll() {
        Object.keys(windows).forEach(function (kind) {
            clearTimeout(windows[kind].timer);
            closeWindow(kind);
        });
    }

    document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") {
            report("tab_hidden");
            flushAll();
        }
    });
    window.addEventListener("blur", function () {
        // Focus moving into an embedded frame of the exam itself is not leaving the exam.
        var active = document.activeElement;
        if (active && active.tagName === "IFRAME") return;
        report("window_blur");
    });
    document.addEventListener("copy", function () {
        var selection = window.getSelection ? String(window.getSelection()) : "";
        report("copy", selection.length);
    });
    document.addEventListener("paste", function (event) {
        var data = event.clipboardData ? event.clipboardData.getData("text") : "";
        report("paste", data.length);
    });
    // The exam's own forms (save, submit) navigate away: that is not the learner leaving.
    // A form handled by script (default prevented) stays on the page: keep reporting.
    document.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        flushAll();
        leaving = true;
        setTimeout(function () { leaving = false; }, 5000); // the navigation did not happen
    });
    window.addEventListener("pagehide", flushAll);
})();
