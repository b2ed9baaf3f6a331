// quotepart serve — page de simulation.
// Chaque modification du formulaire recalcule les résultats (un fetch vers
// /resultats) et met l'adresse de la page à jour (history.replaceState) :
// l'adresse décrit toute la simulation, ses variantes comprises, et un lien
// la reproduit. Le formulaire modifie une variante à la fois : ses
// paramètres portent le préfixe v2. ou v3. dans l'adresse, sauf la première.
(function () {
  "use strict";
  var form = document.getElementById("simulation");
  var page = document.querySelector("main");
  if (!form || !page) {
    return;
  }
  var results = document.getElementById("resultats");
  var errors = document.getElementById("erreurs");
  var download = document.getElementById("telecharger");
  var printable = document.getElementById("imprimable");
  var status = document.getElementById("etat");
  var announce = document.getElementById("annonce");
  var notice = document.getElementById("avis-regles");
  var active = Number(form.dataset.variante || "0"); // the variant edited, from 0
  var timer = null;
  var controller = null;
  var sequence = 0;
  var changedAt = null; // when the first change not yet shown was made
  var focusErrors = false; // move the focus to the mistakes (Enter pressed)

  function prefix(i) {
    return i > 0 ? "v" + (i + 1) + "." : "";
  }

  // group tells which variant a parameter of the address belongs to, -1
  // for those of the whole page.
  function group(key) {
    if (key === "compare" || key === "variante") {
      return -1;
    }
    var m = /^v([23])\./.exec(key);
    return m ? Number(m[1]) - 1 : 0;
  }

  // A zero change is no change: it stays out of the address.
  function isZero(v) {
    return /^[+\-\u2212]?0*([.,]0*)?$/.test(v.replace(/[\s\u00a0\u202f]/g, ""));
  }

  // own builds the parameters of the variant edited from the form, without
  // prefix: only what differs from the scenario it starts from.
  function own() {
    var params = new URLSearchParams();
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name || el.name === "compare" || el.type === "checkbox" || /\.from$/.test(el.name) || /^nm\./.test(el.name)) {
        continue;
      }
      var v = el.value.trim();
      if (v === "" || (el.dataset.defaut !== undefined && v === el.dataset.defaut && !(el.name === "scenario" && active > 0))) {
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
    return params;
  }

  // query is the address of the whole page: the other variants as the
  // address has them, the edited one from the form, the common base.
  function query() {
    var current = new URLSearchParams(location.search);
    var out = new URLSearchParams();
    current.forEach(function (v, k) {
      var g = group(k);
      if (g >= 0 && g !== active) {
        out.append(k, v);
      }
    });
    own().forEach(function (v, k) {
      out.set(prefix(active) + k, v);
    });
    var compare = form.elements.compare;
    if (compare && compare.value !== "") {
      out.set("compare", compare.value);
    }
    if (active > 0) {
      out.set("variante", String(active + 1));
    }
    out.sort();
    return out.toString();
  }

  // variants lists the parameters of each variant of the address, without
  // prefix.
  function variants(params) {
    var out = [];
    params.forEach(function (v, k) {
      var g = group(k);
      if (g < 0) {
        return;
      }
      while (out.length <= g) {
        out.push([]);
      }
      out[g].push([k.slice(prefix(g).length), v]);
    });
    if (out.length === 0) {
      out.push([]);
    }
    return out;
  }

  // address writes the page's address from its variants.
  function address(list, edited, compare) {
    var out = new URLSearchParams();
    list.forEach(function (pairs, i) {
      var hasScenario = false;
      pairs.forEach(function (kv) {
        out.append(prefix(i) + kv[0], kv[1]);
        hasScenario = hasScenario || kv[0] === "scenario";
      });
      if (i > 0 && !hasScenario) {
        out.set(prefix(i) + "scenario", form.elements.scenario.dataset.defaut);
      }
    });
    if (compare) {
      out.set("compare", compare);
    }
    if (edited > 0) {
      out.set("variante", String(edited + 1));
    }
    out.sort();
    var q = out.toString();
    return location.pathname + (q ? "?" + q : "");
  }

  // The variants' links are worked out from the address as it is now.
  page.addEventListener("click", function (e) {
    var link = e.target.closest("a.onglet, #ajouter, #retirer");
    if (!link) {
      return;
    }
    e.preventDefault();
    var params = new URLSearchParams(query());
    var list = variants(params);
    var compare = params.get("compare");
    var edited = active;
    if (link.id === "ajouter") {
      list.push(list[active].slice());
      edited = list.length - 1;
    } else if (link.id === "retirer") {
      list.splice(active, 1);
      if (edited >= list.length) {
        edited = list.length - 1;
      }
    } else {
      edited = Array.prototype.indexOf.call(page.querySelectorAll("a.onglet"), link);
    }
    location.assign(address(list, Math.max(0, edited), compare));
  });

  // describe marks the fields the messages name: aria-invalid, and
  // aria-describedby pointing at the messages.
  function describe() {
    var marked = form.querySelectorAll("[aria-invalid], [aria-describedby^=erreur-], [aria-describedby*=' erreur-']");
    for (var i = 0; i < marked.length; i++) {
      marked[i].removeAttribute("aria-invalid");
      var ids = (marked[i].getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id !== "" && !/^erreur-/.test(id); });
      if (ids.length > 0) {
        marked[i].setAttribute("aria-describedby", ids.join(" "));
      } else {
        marked[i].removeAttribute("aria-describedby");
      }
    }
    var first = null;
    var items = errors.querySelectorAll("[data-champ]");
    for (var j = 0; j < items.length; j++) {
      var name = items[j].getAttribute("data-champ");
      if (!name || group(name) !== active) {
        continue;
      }
      var el = document.getElementById(name.slice(prefix(active).length));
      if (!el || el.form !== form && !form.contains(el)) {
        continue;
      }
      el.setAttribute("aria-invalid", "true");
      var described = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(items[j].id);
      el.setAttribute("aria-describedby", described.join(" "));
      if (!first) {
        first = el;
      }
    }
    return first;
  }

  function update() {
    var q = query();
    var suffix = q ? "?" + q : "";
    history.replaceState(null, "", location.pathname + suffix);
    var mine = own().toString();
    download.setAttribute("href", "/scenario.yaml" + (mine ? "?" + mine : ""));
    printable.setAttribute("href", "/impression" + suffix);
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var seq = ++sequence;
    var started = performance.now();
    var wantFocus = focusErrors;
    focusErrors = false;
    document.body.setAttribute("data-etat", "calcul");
    fetch("/resultats" + suffix, { signal: controller.signal, headers: { "Accept": "text/html" } })
      .then(function (response) {
        return response.text().then(function (body) {
          return { ok: response.ok, html: /^text\/html/.test(response.headers.get("Content-Type") || ""), body: body };
        });
      })
      .then(function (r) {
        if (seq !== sequence) {
          return;
        }
        if (r.ok) {
          results.innerHTML = '<h2 id="titre-resultats" class="visuellement-cache">Résultats</h2>' + r.body;
          errors.innerHTML = "";
          results.classList.remove("perime");
          var content = document.getElementById("contenu");
          announce.textContent = content ? content.dataset.annonce : "";
        } else {
          if (r.html) {
            errors.innerHTML = r.body;
          } else {
            errors.textContent = r.body;
          }
          results.classList.add("perime");
        }
        var first = describe();
        if (!r.ok && wantFocus) {
          var summary = document.getElementById("resume-erreurs");
          if (first) {
            first.focus();
          } else if (summary) {
            summary.focus();
          }
        }
        var ms = Math.round(performance.now() - started);
        status.textContent = "";
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
        if (seq === sequence) {
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

  // reloadFields fetches the part of the form that depends on the scenario
  // (another scenario has other units and defaults) and swaps it in, without
  // reloading the page: the focus stays where it is.
  function reloadFields() {
    var q = query();
    document.body.setAttribute("data-etat", "calcul");
    return fetch("/formulaire" + (q ? "?" + q : ""), { headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("champs");
        if (fresh) {
          document.getElementById("champs").innerHTML = fresh.innerHTML;
        }
        update();
      })
      .catch(function () {
        location.assign(location.pathname + (q ? "?" + q : ""));
      });
  }

  // The selects of the variants sit above the form (form="simulation"):
  // their events reach the page, not the form.
  page.addEventListener("input", function (e) {
    if (e.target.form === form && e.target.type === "text") {
      later(40);
    }
  });
  page.addEventListener("change", function (e) {
    if (e.target.form !== form) {
      return;
    }
    if (e.target.name === "scenario") {
      reloadFields();
      return;
    }
    later(0);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    focusErrors = true;
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
  var printButton = document.getElementById("imprimer");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
    var back = document.getElementById("retour");
    if (back) {
      back.setAttribute("href", "/" + location.search);
    }
  }

  // serve reloads the rules when their files change: the page asks which
  // rules it shows, and when they changed, says so and computes again.
  var generation = document.body.dataset.generation;
  function watch() {
    fetch("/etat", { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (s) {
        if (!s) {
          return;
        }
        if (String(s.generation) !== generation) {
          generation = String(s.generation);
          document.body.dataset.generation = generation;
          notice.innerHTML = '<p class="avis"></p>';
          notice.firstChild.textContent = "Les règles ont changé : les chiffres sont recalculés avec leur nouvelle version.";
          reloadFields();
        } else if (s.error) {
          notice.innerHTML = '<div class="erreur"><p></p><pre></pre></div>';
          notice.querySelector("p").textContent = "Les fichiers de règles modifiés ne se chargent pas : les chiffres restent ceux de la dernière version valide.";
          notice.querySelector("pre").textContent = s.error;
        } else if (notice.querySelector(".erreur")) {
          notice.innerHTML = "";
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(watch, 1500); });
  }
  setTimeout(watch, 1500);

  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    describe();
    summary.focus();
  }
  document.body.setAttribute("data-etat", "pret");
})();
