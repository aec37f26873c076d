/* The contact form, enhanced. Without this script every part of the form is shown and the
   professional picker searches by reloading the page; with it:
   - a part marked data-shown-when="NAME=VALUE" (or NAME!=VALUE) is shown only while the radio
     button NAME has (or has not) that value; a hidden part is `hidden` (out of the page and of
     the accessibility tree) and its fields are disabled, so nothing left in them is sent;
   - the picker (data-picker="URL") searches as the coordinator types; Enter picks the first
     match. */
(function () {
  "use strict";

  function chosen(name) {
    var checked = document.querySelector('input[type="radio"][name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function setUpPart(part) {
    var rule = part.dataset.shownWhen;
    var negated = rule.indexOf("!=") > 0;
    var pair = rule.split(negated ? "!=" : "=");
    var name = pair[0];
    var value = pair[1];
    function update() {
      var matches = chosen(name) === value;
      var shown = negated ? !matches : matches;
      part.hidden = !shown;
      part.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = !shown;
      });
    }
    document.querySelectorAll('input[type="radio"][name="' + name + '"]').forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  function setUpPicker(picker) {
    var input = picker.querySelector("[data-picker-search]");
    var results = picker.querySelector("[data-picker-results]");
    var status = picker.querySelector("[data-picker-status]");
    var button = picker.querySelector("[data-picker-button]");
    var url = picker.dataset.picker;
    var timer = null;
    var controller = null;
    var latest = Promise.resolve();
    if (button) { button.remove(); } // searching as one types needs no button

    function search() {
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var checked = results.querySelector("input:checked");
      var params = new URLSearchParams({ q: input.value, selected: checked ? checked.value : "" });
      latest = fetch(url + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { "Accept": "text/html" },
        signal: controller.signal
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        results.innerHTML = html; // rendered and escaped by the server
        var count = results.querySelector("[data-picker-count]");
        if (count) { status.textContent = count.textContent; }
      }).catch(function (error) {
        if (error.name !== "AbortError") { status.textContent = picker.dataset.pickerError || ""; }
      });
      return latest;
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault(); // not the page reload the search does without this script
      window.clearTimeout(timer);
      search().then(function () {
        var first = results.querySelector("input[data-picker-match]");
        if (first) {
          first.checked = true;
          first.dispatchEvent(new Event("change", { bubbles: true }));
          status.textContent = (picker.dataset.pickerChosen || "") + " " + first.parentElement.textContent.trim();
        }
      });
    });
  }

  document.querySelectorAll("[data-shown-when]").forEach(setUpPart);
  document.querySelectorAll("[data-picker]").forEach(setUpPicker);
}());
