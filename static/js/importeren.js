// Progress of an import running in a worker: poll, update the bar, reload when done.
(function () {
  var blok = document.querySelector("[data-voortgang-url]");
  if (!blok) return;
  var balk = blok.querySelector("progress");
  var teller = blok.querySelector("[data-verwerkt]");
  function kijk() {
    fetch(blok.dataset.voortgangUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        balk.max = d.totaal;
        balk.value = d.verwerkt;
        teller.textContent = d.verwerkt;
        if (d.status === "wachtrij" || d.status === "bezig") {
          setTimeout(kijk, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(kijk, 3000); });
  }
  setTimeout(kijk, 500);
})();
