// Progress of a report file (or the report's pages) a worker makes: poll, move the bar,
// reload when done (the page then redirects to the download, or shows the new report).
(function () {
  var blok = document.querySelector("[data-voortgang-url]");
  if (!blok) return;
  var balk = blok.querySelector("progress");
  var stap = blok.querySelector("[data-stap]");
  function kijk() {
    fetch(blok.dataset.voortgangUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.stappen) balk.max = d.stappen;
        balk.value = d.stap;
        stap.textContent = d.stap;
        if (d.status === "wachtrij" || d.status === "bezig") {
          setTimeout(kijk, 1000);
        } else {
          if (blok.dataset.verderUrl) window.location.assign(blok.dataset.verderUrl);
          else window.location.reload();
        }
      })
      .catch(function () { setTimeout(kijk, 3000); });
  }
  setTimeout(kijk, 1000);
})();
