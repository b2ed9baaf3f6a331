// quotepart serve — page de simulation.
// Chaque modification du formulaire recalcule les résultats (un fetch vers
// /resultats) et met l'adresse de la page à jour (history.replaceState) :
// l'adresse décrit toute la simulation, un lien la reproduit.
(function () {
  "use strict";
  var form = document.getElementById("simulation");
  if (!form) {
    return;
  }
  var results = document.getElementById("resultats");
  var errors = document.getElementById("erreurs");
  var download = document.getElementById("telecharger");
  var status = document.getElementById("etat");
  var timer = null;
  var controller = null;
  var sequence = 0;
  var changedAt = null; // when the first change not yet shown was made

  // A zero change is no change: it stays out of the address.
  function isZero(v) {
    return /^[+\-\u2212]?0*([.,]0*)?$/.test(v.replace(/[\s\u00a0\u202f]/g, ""));
  }

  // query builds the address of the simulation from the form: only what
  // differs from the scenario, keys sorted, as the server writes it.
  function query() {
    var params = new URLSearchParams();
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name || el.type === "checkbox" || /\.from$/.test(el.name) || /^nm\./.test(el.name)) {
        continue;
      }
      var v = el.value.trim();
      if (v === "" || (el.dataset.defaut !== undefined && v === el.dataset.defaut)) {
        continue;
      }
      if (/^etc\./.test(el.name) && isZero(v)) {
        continue;
      }
      params.set(el.name, v);
      if (/^p\./.test(el.name)) {
        var from = els[el.name + ".from"];
        if (from && from.value !== from.dataset.defaut) {
          params.set(from.name, from.value);
        }
      }
    }
    var date = els["nm.date"], pop = els["nm.population"], label = els["nm.label"];
    if (date && (date.value.trim() !== "" || pop.value.trim() !== "")) {
      params.set("nm.date", date.value.trim());
      params.set("nm.population", pop.value.trim());
      if (label.value.trim() !== "") {
        params.set("nm.label", label.value.trim());
      }
    }
    var boxes = form.querySelectorAll("input[type=checkbox][name=projet]");
    if (boxes.length > 0) {
      var chosen = [], changed = false;
      for (var j = 0; j < boxes.length; j++) {
        if (boxes[j].checked) {
          chosen.push(boxes[j].value);
        }
        if (boxes[j].checked !== (boxes[j].dataset.defaut === "1")) {
          changed = true;
        }
      }
      if (changed) {
        params.set("projets", chosen.join(","));
      }
    }
    params.sort();
    return params.toString();
  }

  function markInvalid() {
    var marked = form.querySelectorAll("[aria-invalid]");
    for (var i = 0; i < marked.length; i++) {
      marked[i].removeAttribute("aria-invalid");
    }
    var items = errors.querySelectorAll("[data-champ]");
    for (var j = 0; j < items.length; j++) {
      var name = items[j].getAttribute("data-champ");
      var el = name && form.elements[name];
      if (el && el.setAttribute) {
        el.setAttribute("aria-invalid", "true");
      }
    }
  }

  function update() {
    var q = query();
    var suffix = q ? "?" + q : "";
    history.replaceState(null, "", location.pathname + suffix);
    download.setAttribute("href", "/scenario.yaml" + suffix);
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var mine = ++sequence;
    var started = performance.now();
    document.body.setAttribute("data-etat", "calcul");
    fetch("/resultats" + suffix, { signal: controller.signal, headers: { "Accept": "text/html" } })
      .then(function (response) {
        return response.text().then(function (body) {
          return { ok: response.ok, html: /^text\/html/.test(response.headers.get("Content-Type") || ""), body: body };
        });
      })
      .then(function (r) {
        if (mine !== sequence) {
          return;
        }
        if (r.ok) {
          results.innerHTML = r.body;
          errors.innerHTML = "";
          results.classList.remove("perime");
        } else {
          if (r.html) {
            errors.innerHTML = r.body;
          } else {
            errors.textContent = r.body;
          }
          results.classList.add("perime");
        }
        markInvalid();
        var ms = Math.round(performance.now() - started);
        status.textContent = r.ok ? "Mis à jour en " + ms + " ms." : "";
        document.body.setAttribute("data-etat", r.ok ? "pret" : "erreur");
        document.body.setAttribute("data-aller-retour-ms", String(ms));
        if (changedAt !== null) {
          // From the change to the results on screen, debounce included.
          document.body.setAttribute("data-reaction-ms", String(Math.round(performance.now() - changedAt)));
          changedAt = null;
        }
      })
      .catch(function (e) {
        if (e && e.name === "AbortError") {
          return;
        }
        if (mine === sequence) {
          errors.textContent = "Le serveur ne répond pas. Vérifiez qu'il tourne toujours, puis modifiez un chiffre pour réessayer.";
          results.classList.add("perime");
          document.body.setAttribute("data-etat", "erreur");
        }
      });
  }

  function later(delay) {
    if (changedAt === null) {
      changedAt = performance.now();
    }
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(function () {
      timer = null;
      update();
    }, delay);
  }

  form.addEventListener("input", function (e) {
    if (e.target.type === "text") {
      later(40);
    }
  });
  form.addEventListener("change", function (e) {
    if (e.target.name === "scenario") {
      // Another scenario has other units and defaults: reload the page.
      var q = query();
      location.assign(location.pathname + (q ? "?" + q : ""));
      return;
    }
    later(0);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    later(0);
  });
  document.getElementById("copier").addEventListener("click", function () {
    var done = function () { status.textContent = "Lien copié : il reproduit cette simulation."; };
    var fail = function () { status.textContent = "Copiez l'adresse de la page : elle reproduit cette simulation."; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(location.href).then(done, fail);
    } else {
      fail();
    }
  });
  document.body.setAttribute("data-etat", "pret");
})();
