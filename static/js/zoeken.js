// Search-as-you-type for filter and form fields with thousands of choices (douane_portfolio/zoeken.py).
// Without this script the field sends the typed name or id and the server resolves it;
// with it, a hidden field sends the chosen id and a <datalist> offers at most 20 matches.
(function () {
  "use strict";
  var teller = 0;

  function opzetten(veld) {
    var url = veld.getAttribute("data-zoekveld");
    var naam = veld.getAttribute("name");
    if (!url || !naam) {
      return;
    }
    var verborgen = document.createElement("input");
    verborgen.type = "hidden";
    verborgen.name = naam;
    verborgen.value = veld.getAttribute("data-keuze") || veld.value;
    veld.removeAttribute("name");
    veld.insertAdjacentElement("afterend", verborgen);

    teller += 1;
    var lijst = document.createElement("datalist");
    lijst.id = "zoeklijst-" + teller;
    veld.insertAdjacentElement("afterend", lijst);
    veld.setAttribute("list", lijst.id);

    var ids = {};
    var wachten = null;
    var laatste = "";

    function vullen(resultaten) {
      ids = {};
      lijst.textContent = "";
      var gezien = {};
      resultaten.forEach(function (r) {
        var tekst = gezien[r.naam] ? r.naam + " (" + r.id + ")" : r.naam;
        gezien[r.naam] = true;
        ids[tekst] = String(r.id);
        var optie = document.createElement("option");
        optie.value = tekst;
        lijst.appendChild(optie);
      });
    }

    function ophalen(tekst) {
      if (tekst === laatste) {
        return;
      }
      laatste = tekst;
      fetch(url + "?q=" + encodeURIComponent(tekst), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (antwoord) {
          return antwoord.ok ? antwoord.json() : { resultaten: [] };
        })
        .then(function (data) {
          if (tekst === laatste) {
            vullen(data.resultaten || []);
          }
        })
        .catch(function () {});
    }

    // A field that adds to several choices (ZoekMeerWidget): a choice from the list
    // becomes one more ticked box, and the field is free for the next.
    var gekozen = veld.hasAttribute("data-meer")
      ? veld.parentNode.querySelector(".zoek-meer-gekozen")
      : null;

    function toevoegen(id, tekst) {
      var bestaand = gekozen.querySelector('input[value="' + id + '"]');
      if (bestaand) {
        bestaand.checked = true;
      } else {
        var item = document.createElement("li");
        var label = document.createElement("label");
        var vakje = document.createElement("input");
        vakje.type = "checkbox";
        vakje.name = naam;
        vakje.value = id;
        vakje.checked = true;
        label.appendChild(vakje);
        label.appendChild(document.createTextNode(" " + tekst));
        item.appendChild(label);
        gekozen.appendChild(item);
      }
      veld.value = "";
      verborgen.value = "";
    }

    veld.addEventListener("input", function () {
      var tekst = veld.value.trim();
      if (Object.prototype.hasOwnProperty.call(ids, veld.value)) {
        if (gekozen) {
          toevoegen(ids[veld.value], veld.value);
          return;
        }
        verborgen.value = ids[veld.value];
        return;
      }
      // Not (yet) a choice from the list: the server resolves a typed name or id.
      verborgen.value = tekst;
      window.clearTimeout(wachten);
      if (tekst) {
        wachten = window.setTimeout(function () {
          ophalen(tekst);
        }, 200);
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-zoekveld]"), opzetten);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
