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
});
