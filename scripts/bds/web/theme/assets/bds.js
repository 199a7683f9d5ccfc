/* bds site script: catalogue and partner filters, catalogue search, glossary tooltips, print button.
   Plain JavaScript, no library, no request outside this site. Without it every page still works:
   the catalogue shows grouped lists and links to one page per filter value. */
(function () {
  "use strict";

  // The search's stop words, from the catalogue's data-stop (bds/data/search/stopwords-<lang>.txt,
  // the list bds.web.text leaves out of the search index).
  var STOP = [];

  // The page's texts: the template writes them once into every page (theme.js.* in the message
  // catalogue), as JSON; a plural text is an object of CLDR forms (one, other...) chosen by `count`.
  var MESSAGES = (function () {
    var block = document.getElementById("bds-messages");
    try { return block ? JSON.parse(block.textContent) : {}; } catch (e) { return {}; }
  }());

  function pluralForm(count) {
    try {
      return new Intl.PluralRules(document.documentElement.lang || "it").select(count);
    } catch (e) {
      return count === 1 ? "one" : "other";
    }
  }

  function msg(key, params) {
    var entry = MESSAGES[key];
    params = params || {};
    if (entry && typeof entry === "object") {
      var form = typeof params.count === "number" ? pluralForm(params.count) : "other";
      entry = entry[form] !== undefined ? entry[form] : entry.other;
    }
    return String(entry === undefined ? key : entry).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  // Lower case without Latin accents (as bds.web.text.fold), Arabic without tashkeel (U+064B-U+065F,
  // U+0670; after NFD this also takes the hamza off أ إ آ ؤ ئ) and tatweel (U+0640); then composed again,
  // so kana keep their voicing marks (が) and Hangul its syllables.
  function fold(text) {
    return text.toLowerCase().normalize("NFD")
      .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, "").normalize("NFC");
  }

  // Search tokens of any script: runs of letters, digits and their marks. Scripts written without spaces
  // between words (Chinese, Japanese kana, Thai, Lao, Khmer, Myanmar) make runs of their own, matched as
  // substrings; Arabic words are matched inside words too (و «and», ال «the» are written attached).
  var SPACELESS = "\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\u30fc\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}";
  var TOKEN = new RegExp("[" + SPACELESS + "]+|(?:(?![" + SPACELESS + "])[\\p{L}\\p{N}\\p{M}])+", "gu");
  var SPACELESS_TOKEN = new RegExp("^[" + SPACELESS + "]", "u");
  var ARABIC_TOKEN = /^[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]/;

  function tokens(text) { return fold(text).match(TOKEN) || []; }

  // Matched anywhere inside a word, not only at its start.
  function infix(token) { return SPACELESS_TOKEN.test(token) || ARABIC_TOKEN.test(token); }

  // An Arabic query word without its article (ال, also after و or ف), when a word of 3 letters is left.
  function arabicCore(word) { return word.replace(/^[\u0648\u0641]?\u0627\u0644(?=.{3})/u, ""); }

  // Same light stemming as bds.web.text.stem: drop one final vowel, then a plural "h".
  function stem(word) {
    if (word.length >= 5 && "aeiou".indexOf(word.charAt(word.length - 1)) >= 0) {
      word = word.slice(0, -1);
      if (/[cg]h$/.test(word)) { word = word.slice(0, -1); }
    }
    return word;
  }

  // The words a text is searched by: stems of words of 3 letters or more that are not stop words; a run
  // of a script without spaces stays whole (it is matched as a substring, whatever its length).
  function queryStems(text) {
    var out = [];
    tokens(text).forEach(function (w) {
      if (SPACELESS_TOKEN.test(w)) { out.push(w); } else if (w.length >= 3 && STOP.indexOf(w) < 0) { out.push(stem(w)); }
    });
    return out;
  }

  function queryWords(text) {
    return queryStems(text).map(function (w) { return ARABIC_TOKEN.test(w) ? arabicCore(w) : w; });
  }

  function todayIso() {
    var d = new Date();
    var m = String(d.getMonth() + 1), day = String(d.getDate());
    return d.getFullYear() + "-" + (m.length < 2 ? "0" + m : m) + "-" + (day.length < 2 ? "0" + day : day);
  }

  var FACETS = [
    ["tipo", "k"], ["asse", "x"], ["zona", "z"], ["per", "u"], ["accesso", "r"], ["costo", "c"]
  ];

  function setupCatalogue(root) {
    var form = document.getElementById("bds-filters");
    if (!form) { return; }
    STOP = (root.getAttribute("data-stop") || "").split(" ");
    var items = Array.prototype.slice.call(root.querySelectorAll("li.bds-item"));
    var groups = Array.prototype.slice.call(root.querySelectorAll(".bds-group"));
    var result = document.getElementById("bds-result");
    var search = document.getElementById("bds-q");
    var browse = document.getElementById("bds-browse");
    var jump = root.querySelector(".bds-jump");
    var activeNote = root.querySelector("[data-active]");
    var now = todayIso();
    var index = null, loading = false;
    var data = items.map(function (li) {
      var entry = { li: li, id: li.getAttribute("data-id"), values: {},
        open: li.getAttribute("data-o") === "1", until: li.getAttribute("data-d") || "" };
      FACETS.forEach(function (f) {
        entry.values[f[0]] = (li.getAttribute("data-" + f[1]) || "").split(" ").filter(Boolean);
      });
      entry.text = " " + queryStems(li.textContent).join(" ");
      return entry;
    });
    var counters = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-count-for]"), function (el) {
      counters[el.getAttribute("data-count-for")] = el;
    });

    function state() {
      var s = { facets: {}, q: search.value.trim(), now: form.elements.aperte.checked };
      FACETS.forEach(function (f) {
        s.facets[f[0]] = Array.prototype.filter.call(form.querySelectorAll('input[name="' + f[0] + '"]'),
          function (box) { return box.checked; }).map(function (box) { return box.value; });
      });
      return s;
    }

    function matchesText(entry, stems) {
      if (!stems.length) { return true; }
      var hay = entry.text + (index && index[entry.id] ? " " + index[entry.id] : "");
      return stems.every(function (st) { return hay.indexOf(infix(st) ? st : " " + st) >= 0; });
    }

    function passes(entry, s, stems, skip) {
      for (var i = 0; i < FACETS.length; i++) {
        var name = FACETS[i][0], wanted = s.facets[name];
        if (name === skip || !wanted.length) { continue; }
        if (!entry.values[name].some(function (v) { return wanted.indexOf(v) >= 0; })) { return false; }
      }
      if (skip !== "aperte" && s.now && !(entry.open && (!entry.until || entry.until >= now))) { return false; }
      return matchesText(entry, stems);
    }

    function writeUrl(s) {
      var params = new URLSearchParams();
      // "cerca", not "q": Material's header search opens itself on any page whose address has ?q=
      if (s.q) { params.set("cerca", s.q); }
      if (s.now) { params.set("aperte", "1"); }
      FACETS.forEach(function (f) { s.facets[f[0]].forEach(function (v) { params.append(f[0], v); }); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    function apply(updateUrl) {
      var s = state();
      var stems = queryWords(s.q);
      if (stems.length && !index && !loading) { loadIndex(); }
      var shown = 0, counts = {};
      data.forEach(function (entry) {
        var ok = passes(entry, s, stems, null);
        entry.li.hidden = !ok;
        if (ok) { shown++; }
        FACETS.forEach(function (f) {
          if (!passes(entry, s, stems, f[0])) { return; }
          entry.values[f[0]].forEach(function (v) {
            var key = f[0] + ":" + v;
            counts[key] = (counts[key] || 0) + 1;
          });
        });
        if (passes(entry, s, stems, "aperte") && entry.open && (!entry.until || entry.until >= now)) {
          counts["aperte:1"] = (counts["aperte:1"] || 0) + 1;
        }
      });
      Object.keys(counters).forEach(function (key) { counters[key].textContent = "(" + (counts[key] || 0) + ")"; });
      var active = FACETS.reduce(function (n, f) { return n + s.facets[f[0]].length; }, 0);
      if (activeNote) {
        activeNote.textContent = active === 0 ? "" : " " + msg("catalogue.active_filters", { count: active });
      }
      groups.forEach(function (group) {
        var visible = group.querySelectorAll("li.bds-item:not([hidden])").length;
        group.hidden = visible === 0;
        var c = group.querySelector("[data-group-count]");
        if (c) { c.textContent = "(" + visible + ")"; }
      });
      Array.prototype.forEach.call(root.querySelectorAll(".bds-kinds li[data-kind]"), function (li) {
        var group = document.getElementById("tipo-" + li.getAttribute("data-kind"));
        var visible = group ? group.querySelectorAll("li.bds-item:not([hidden])").length : 0;
        li.hidden = visible === 0;
        var c = li.querySelector("[data-kind-count]");
        if (c) { c.textContent = "(" + visible + ")"; }
      });
      var kinds = root.querySelector(".bds-kinds");
      if (kinds) { kinds.hidden = shown === 0; }
      result.textContent = shown === 0 ? msg("catalogue.none_found", { count: 0 }) : msg("catalogue.found", { count: shown });
      if (jump) {
        jump.hidden = false;
        jump.textContent = msg("catalogue.see_results", { count: shown });
      }
      if (updateUrl) { writeUrl(s); }
      try { sessionStorage.setItem("bds-catalogue", location.pathname + location.search); } catch (e) { /* private mode */ }
    }

    function loadIndex() {
      loading = true;
      fetch(root.getAttribute("data-index"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (json) { index = json; apply(false); })
        .catch(function () { index = {}; });
    }

    // Initial state from the URL: shared links open with the same filters.
    var params = new URLSearchParams(location.search);
    search.value = params.get("cerca") || params.get("q") || "";
    form.elements.aperte.checked = params.get("aperte") === "1";
    FACETS.forEach(function (f) {
      var wanted = params.getAll(f[0]);
      Array.prototype.forEach.call(form.querySelectorAll('input[name="' + f[0] + '"]'), function (box) {
        box.checked = wanted.indexOf(box.value) >= 0;
      });
    });
    // A link that arrives with filters (a guide's «vedi le proposte per i familiari») shows the results
    // at once: the panel stays closed and its title says how many filters are on.
    form.hidden = false;
    if (browse) { browse.hidden = true; }
    var timer = null;
    form.addEventListener("change", function () { apply(true); });
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { apply(true); }, 150);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    apply(false);
  }

  function setupPartners(root) {
    var form = document.getElementById("bds-partner-filters");
    if (!form) { return; }
    var items = Array.prototype.slice.call(root.querySelectorAll("li.bds-item"));
    var groups = Array.prototype.slice.call(root.querySelectorAll(".bds-group"));
    var result = document.getElementById("bds-result");
    var params = new URLSearchParams(location.search);
    form.elements.tipo.value = params.get("tipo") || "";
    form.elements.zona.value = params.get("zona") || "";
    form.elements.esp.checked = params.get("esp") === "1";

    function apply(updateUrl) {
      var type = form.elements.tipo.value, zone = form.elements.zona.value, esp = form.elements.esp.checked;
      var shown = 0;
      items.forEach(function (li) {
        var ok = (!type || li.getAttribute("data-t") === type) &&
          (!zone || (li.getAttribute("data-z") || "").split(" ").indexOf(zone) >= 0) &&
          (!esp || li.getAttribute("data-e") === "1");
        li.hidden = !ok;
        if (ok) { shown++; }
      });
      groups.forEach(function (group) {
        var visible = group.querySelectorAll("li.bds-item:not([hidden])").length;
        group.hidden = visible === 0;
        var c = group.querySelector("[data-group-count]");
        if (c) { c.textContent = "(" + visible + ")"; }
      });
      result.textContent = msg("partners.found", { count: shown });
      if (updateUrl) {
        var p = new URLSearchParams();
        if (type) { p.set("tipo", type); }
        if (zone) { p.set("zona", zone); }
        if (esp) { p.set("esp", "1"); }
        var q = p.toString();
        history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
      }
    }
    form.hidden = false;
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply(false);
  }

  // Keep an explanation inside the screen: shifted left when it would run past the right edge.
  function fitTip(term) {
    var tip = term.querySelector(".bds-tip");
    if (!tip) { return; }
    tip.style.left = "";
    var r = tip.getBoundingClientRect();
    var room = document.documentElement.clientWidth - 8;
    if (r.width > 1 && r.right > room) {
      tip.style.left = Math.min(0, room - r.right) + "px";
      r = tip.getBoundingClientRect();
      if (r.left < 8) { tip.style.left = (parseFloat(tip.style.left) + 8 - r.left) + "px"; }
    }
  }

  function setupTooltips() {
    document.addEventListener("focusin", function (e) {
      var t = e.target.closest && e.target.closest(".bds-term");
      if (t) { fitTip(t); }
    });
    document.addEventListener("mouseover", function (e) {
      var t = e.target.closest && e.target.closest(".bds-term");
      if (t) { fitTip(t); }
    });
    // A tap elsewhere closes an open explanation (on touch screens focus stays on the term otherwise).
    document.addEventListener("pointerdown", function (e) {
      var open = document.activeElement && document.activeElement.closest &&
        document.activeElement.closest(".bds-term");
      if (open && !open.contains(e.target)) { document.activeElement.blur(); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") { return; }
      Array.prototype.forEach.call(document.querySelectorAll(".bds-term"), function (t) {
        if (t.matches(":hover") || t.contains(document.activeElement)) { t.classList.add("bds-tip-off"); }
      });
    });
    document.addEventListener("focusout", function (e) {
      var t = e.target.closest && e.target.closest(".bds-term");
      if (t) { t.classList.remove("bds-tip-off"); }
    });
    document.addEventListener("mouseout", function (e) {
      var t = e.target.closest && e.target.closest(".bds-term");
      if (t && !t.contains(e.relatedTarget)) { t.classList.remove("bds-tip-off"); }
    });
  }

  // CPS finder: a neighbourhood or zone name, typed with or without accents, leads to its CPS card.
  function finderKey(text) { return tokens(text).join(" "); }

  function setupCpsFinder(root) {
    var form = document.getElementById("bds-cps-finder");
    var answer = document.getElementById("bds-cps-answer");
    if (!form || !answer || !document.getElementById("bds-cps-cards")) { return; }
    var input = document.getElementById("bds-cps-q");
    var shown = document.getElementById("bds-cps-cards");
    var entries = Array.prototype.map.call(root.querySelectorAll("#bds-areas li[data-n]"), function (li) {
      var name = li.querySelector("a").textContent;
      // data-n is the build's key (Latin letters and digits only); the name's own key adds any other script
      return { key: li.getAttribute("data-n"), own: finderKey(name), name: name,
        cps: (li.getAttribute("data-c") || "").split(" ").filter(Boolean) };
    });
    var cards = {};
    Array.prototype.forEach.call(root.querySelectorAll("section.bds-cps[data-cps]"), function (s) {
      cards[s.getAttribute("data-cps")] = s;
    });

    function keysOf(e) { return e.own && e.own !== e.key ? [e.key, e.own] : [e.key]; }

    function find(q) {
      var key = finderKey(q);
      if (!key) { return []; }
      var exact = entries.filter(function (e) { return keysOf(e).indexOf(key) >= 0; });
      if (exact.length) { return exact; }
      if (/^[0-9]+$/.test(key)) {
        return entries.filter(function (e) { return (" " + e.key).slice(-key.length - 1) === " " + key; });
      }
      var inside = infix(key);
      if (inside && ARABIC_TOKEN.test(key)) { key = arabicCore(key); }
      if (key.length < 3 && !SPACELESS_TOKEN.test(key)) { return []; }
      return entries.filter(function (e) {
        return keysOf(e).some(function (k) {
          return inside ? k.indexOf(key) >= 0 : k.indexOf(key) === 0 || (" " + k).indexOf(" " + key) >= 0;
        });
      });
    }

    function show(updateUrl) {
      var q = input.value.trim();
      answer.textContent = "";
      shown.textContent = "";
      if (!q) { return; }
      var found = find(q);
      var ids = [];
      found.forEach(function (e) {
        e.cps.forEach(function (id) { if (ids.indexOf(id) < 0 && cards[id]) { ids.push(id); } });
      });
      var names = ids.map(function (id) { return cards[id].querySelector("h3").textContent; });
      if (!names.length) {
        answer.textContent = msg("cps.not_found", { q: q });
      } else {
        var where = found.length === 1 ? found[0].name : q;
        answer.textContent = names.length === 1 ?
          msg("cps.found_one", { where: where, your: form.getAttribute("data-your") || msg("cps.the_service"), name: names[0] }) :
          msg("cps.found_many", { q: q, count: names.length });
        ids.forEach(function (id, i) {
          var copy = document.createElement("div");
          copy.className = "bds-cps";
          copy.innerHTML = cards[id].innerHTML;
          Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
          var h = copy.querySelector("h3");
          var h2 = document.createElement("h2");
          h2.textContent = h.textContent;
          h.parentNode.replaceChild(h2, h);
          shown.appendChild(copy);
        });
      }
      if (updateUrl) {
        history.replaceState(null, "", location.pathname + "?quartiere=" + encodeURIComponent(q) + location.hash);
      }
    }

    form.hidden = false;
    var params = new URLSearchParams(location.search);
    if (params.get("quartiere")) { input.value = params.get("quartiere"); show(false); }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(true); }, 250);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); show(true); });
  }

  // A table wider than the screen scrolls inside its box: the box then takes keyboard focus (arrow keys
  // scroll it) and is named, so nobody is stuck without a mouse (axe scrollable-region-focusable).
  function markScrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap, .bds-table"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var heading = box.previousElementSibling;
        while (heading && !/^H[2-4]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
        box.setAttribute("aria-label", heading ?
          msg("tables.scrolls_named", { heading: heading.textContent.trim() }) : msg("tables.scrolls"));
      } else if (!scrolls && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  function setupTables() {
    markScrollableTables();
    setTimeout(markScrollableTables, 0);
    window.addEventListener("load", markScrollableTables);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollableTables, 150);
    });
  }

  // On narrow screens the menu opens from a label, which the keyboard cannot reach: a real button takes
  // its place (Enter or Space opens the menu, Escape closes it and brings focus back).
  function setupMenuButton() {
    var toggle = document.getElementById("__drawer");
    var label = document.querySelector('.md-header label.md-header__button[for="__drawer"]');
    if (!toggle || !label) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon bds-menu-button";
    button.innerHTML = label.innerHTML;
    button.setAttribute("aria-label", msg("menu"));
    button.setAttribute("aria-expanded", "false");
    label.parentNode.insertBefore(button, label);
    label.classList.add("bds-replaced");
    button.addEventListener("click", function () {
      toggle.click();
      if (toggle.checked) {
        var first = document.querySelector(".md-sidebar--primary .md-nav__link[href]");
        if (first) { setTimeout(function () { first.focus(); }, 50); }
      }
    });
    toggle.addEventListener("change", function () { button.setAttribute("aria-expanded", String(toggle.checked)); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.checked) { toggle.click(); button.focus(); }
    });
  }

  // «Torna al catalogo» goes back to the catalogue as it was left, filters included (same tab only).
  function setupBackToCatalogue() {
    var back = document.querySelector(".bds-listing .bds-actions a");
    if (!back) { return; }
    var saved = null;
    try { saved = sessionStorage.getItem("bds-catalogue"); } catch (e) { return; }
    if (!saved || saved.indexOf("?") < 0) { return; }
    var target = new URL(back.getAttribute("href"), location.href);
    if (target.pathname === saved.split("?")[0]) { back.setAttribute("href", saved); }
  }

  function setupPrint() {
    var actions = document.querySelector(".bds-listing .bds-actions");
    if (!actions || !window.print) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button";
    button.textContent = msg("print");
    button.addEventListener("click", function () { window.print(); });
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(button);
  }

  function start() {
    var catalogue = document.querySelector(".bds-catalogue");
    if (catalogue) { setupCatalogue(catalogue); }
    var partners = document.querySelector(".bds-partners");
    if (partners) { setupPartners(partners); }
    var finder = document.querySelector(".bds-cps-page");
    if (finder) { setupCpsFinder(finder); }
    setupTooltips();
    setupTables();
    setupMenuButton();
    setupBackToCatalogue();
    setupPrint();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
