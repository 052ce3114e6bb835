/* The upload list (upload/index.html): copy buttons and 「已上傳」 ticks.
   An enhancement: without it the text stays selectable and the files downloadable, so
   the buttons and ticks are hidden in the page and shown here. A tick is kept in
   localStorage under the key the page gives it (student, item, a digest of its files):
   a file that changes gets a new key, so it is unticked. */
(function () {
  "use strict";

  function store() {
    try {
      return window.localStorage;   // refused in some private modes: ticks are then not kept
    } catch (e) {
      return null;
    }
  }

  /* The fallback for pages where navigator.clipboard is missing or refused (http://,
     some file:// pages): a selected textarea and the copy command. */
  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.focus();
    area.select();
    area.setSelectionRange(0, text.length);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyBySelection(text); });
    }
    return Promise.resolve(copyBySelection(text));
  }

  function setUpCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(target.textContent).then(function (ok) {
        button.textContent = button.getAttribute(ok ? "data-done" : "data-failed");
        if (!ok) {
          window.getSelection().selectAllChildren(target);
        }
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }

  function setUpTicks(boxes) {
    var kept = store();
    var progress = document.querySelector(".up-progress");
    function count() {
      if (!progress) {
        return;
      }
      var done = boxes.filter(function (b) { return b.checked; }).length;
      progress.textContent = progress.getAttribute("data-template")
        .replace("{done}", String(done))
        .replace("{total}", progress.getAttribute("data-total"));
    }
    boxes.forEach(function (box) {
      var key = box.getAttribute("data-tick");
      box.parentNode.hidden = false;
      box.checked = kept !== null && kept.getItem(key) === "1";
      box.closest(".up-item").classList.toggle("is-done", box.checked);
      box.addEventListener("change", function () {
        box.closest(".up-item").classList.toggle("is-done", box.checked);
        if (kept !== null) {
          try {
            if (box.checked) {
              kept.setItem(key, "1");
            } else {
              kept.removeItem(key);
            }
          } catch (e) { /* storage full or refused: the tick lasts this visit only */ }
        }
        count();
      });
    });
    count();
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.up-copy"), setUpCopy);
  setUpTicks(Array.prototype.slice.call(document.querySelectorAll("input[data-tick]")));
}());
