/* Lesson videos for enrolled learners: resume where the learner stopped, and report progress.

   The page renders, outside its cached body, a JSON script tag #lesson-progress:
   {"lesson": <id>, "position": <seconds saved>, "beacon_url": "/api/v1/progress/video/"}.
   While a video plays, its position is sent every 15 s and on pause, end and page hide:
   POST beacon_url, JSON {"lesson", "position", "duration"}, with the CSRF header. The server
   completes the lesson once 90 % is watched. Without this file the videos simply play. */
(function () {
    "use strict";

    var BEACON_INTERVAL_MS = 15000;
    // Resuming within a few seconds of either end helps nobody: start over or at the end.
    var RESUME_MARGIN_S = 5;

    function readState() {
        var node = document.getElementById("lesson-progress");
        if (!node) return null;
        try {
            var state = JSON.parse(node.textContent);
            return state && state.lesson && state.beacon_url ? state : null;
        } catch (error) {
            return null;
        }
    }

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        if (match) return decodeURIComponent(match[1]);
        var input = document.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function lessonVideo() {
        return (
            document.querySelector(".lesson__body video[data-lesson-video]") ||
            document.querySelector(".lesson__body video")
        );
    }

    function track(video, state) {
        var timer = null;
        var lastSent = -1;

        function send() {
            var duration = video.duration;
            if (!isFinite(duration) || duration <= 0) return;
            var position = video.ended ? duration : video.currentTime;
            if (Math.abs(position - lastSent) < 1) return;
            lastSent = position;
            // keepalive lets the request outlive the page (pagehide), unlike a plain fetch, and
            // unlike sendBeacon it can carry the CSRF header.
            fetch(state.beacon_url, {
                method: "POST",
                credentials: "same-origin",
                keepalive: true,
                headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
                body: JSON.stringify({
                    lesson: state.lesson,
                    position: Math.round(position * 10) / 10,
                    duration: Math.round(duration * 10) / 10,
                }),
            }).catch(function () {
                lastSent = -1; // try again with the next beacon
            });
        }

        function stopTimer() {
            if (timer !== null) {
                clearInterval(timer);
                timer = null;
            }
        }

        function resume() {
            var saved = Number(state.position) || 0;
            if (saved > RESUME_MARGIN_S && saved < video.duration - RESUME_MARGIN_S && video.currentTime < 1) {
                video.currentTime = saved;
            }
        }

        if (video.readyState >= 1) {
            resume();
        } else {
            video.addEventListener("loadedmetadata", resume, { once: true });
        }

        video.addEventListener("play", function () {
            stopTimer();
            timer = setInterval(send, BEACON_INTERVAL_MS);
        });
        video.addEventListener("pause", function () {
            stopTimer();
            send();
        });
        video.addEventListener("ended", function () {
            stopTimer();
            send();
        });
        window.addEventListener("pagehide", function () {
            if (!video.paused || video.currentTime > 0) send();
        });
        document.addEventListener("visibilitychange", function () {
            if (document.visibilityState === "hidden" && !video.paused) send();
        });
    }

    function init() {
        var state = readState();
        var video = lessonVideo();
        if (state && video) track(video, state);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
