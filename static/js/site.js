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

    // Video embeds keep their own aspect ratio (templates/wagtailembeds/embed_frontend.html puts
    // it in data-ratio, since the Content-Security-Policy refuses style="" attributes).
    function sizeEmbeds() {
        document.querySelectorAll(".responsive-object[data-ratio]").forEach(function (box) {
            if (/^\d+(\.\d+)?%$/.test(box.dataset.ratio)) box.style.paddingBottom = box.dataset.ratio;
        });
    }

    function enhance() {
        addCopyButtons();
        sizeEmbeds();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", enhance);
    } else {
        enhance();
    }
})();
