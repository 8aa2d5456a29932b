/* Small progressive enhancements; every page works without this file. */
(function () {
    "use strict";

    // A "Copy" button on each server-highlighted code sample.
    function addCopyButtons() {
        if (!navigator.clipboard) return;
        document.querySelectorAll(".lesson-code").forEach(function (figure) {
            var caption = figure.querySelector(".lesson-code__caption");
            var pre = figure.querySelector("pre");
            if (!caption || !pre || caption.querySelector(".code-copy")) return;
            var button = document.createElement("button");
            button.type = "button";
            button.className = "code-copy";
            button.textContent = "Copy";
            var status = document.createElement("span");
            status.className = "visually-hidden";
            status.setAttribute("role", "status");
            button.addEventListener("click", function () {
                navigator.clipboard.writeText(pre.innerText).then(function () {
                    button.textContent = "Copied";
                    status.textContent = "Code copied to the clipboard";
                    setTimeout(function () {
                        button.textContent = "Copy";
                        status.textContent = "";
                    }, 2000);
                });
            });
            caption.appendChild(button);
            caption.appendChild(status);
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", addCopyButtons);
    } else {
        addCopyButtons();
    }
})();
