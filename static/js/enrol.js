// "Select all shown" on the bulk enrolment page.
(function () {
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("#candidates input[name=students]").forEach(function (box) { box.checked = all.checked; });
  });
})();
