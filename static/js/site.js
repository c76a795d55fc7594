// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Registration: show the organisation fields only for business accounts.
  var block = document.querySelector("[data-show-when]");
  if (block) {
    var radios = document.querySelectorAll("input[name='kind']");
    var update = function () {
      var chosen = document.querySelector("input[name='kind']:checked");
      block.hidden = !(chosen && chosen.value === "business");
    };
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  // The draft's contents: open beside the text on wide screens, collapsed on phones.
  document.querySelectorAll("details[data-open-on-wide]").forEach(function (panel) {
    if (window.matchMedia("(min-width: 64rem)").matches) { panel.open = true; }
  });

  // Comment composer: a "Xem trước" (preview) button rendering Markdown on the server,
  // sanitised exactly as the published comment will be.
  document.querySelectorAll("textarea[data-preview-url]").forEach(function (area) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = area.dataset.previewLabel || "Xem trước";
    var output = document.createElement("div");
    output.className = "preview";
    output.hidden = true;
    output.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", output);
    area.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      var token = area.form.querySelector("input[name$='csrf_token']");
      var body = new FormData();
      body.append("text", area.value);
      fetch(area.dataset.previewUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
      }).then(function (r) { return r.json(); }).then(function (data) {
        output.innerHTML = data.html || "";
        output.hidden = false;
      });
    });
  });
});

// Dossier workspace: a "select every comment on this page" box (ticking one by one works too).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-select-all]").forEach(function (holder) {
    var name = holder.dataset.selectAll;
    var label = document.createElement("label");
    label.className = "check";
    var box = document.createElement("input");
    box.type = "checkbox";
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + (holder.dataset.label || "")));
    holder.appendChild(label);
    box.addEventListener("change", function () {
      holder.closest("form").querySelectorAll("input[name='" + name + "']").forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
});
