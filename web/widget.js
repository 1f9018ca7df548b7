/*
 * Chat widget of the unofficial social-security assistant (REST channel of Rasa).
 * Plain JavaScript, no dependency. Embed with one tag:
 *   <script src="https://your.site/widget.js" data-server="https://bot.your.site"
 *           data-title="Assistant sécu" data-color="#1d4f91" defer></script>
 * The conversation lives in sessionStorage: it survives a reload and ends with the tab.
 *
 * Languages (issue #15), French and English (the table STRINGS below):
 * - data-lang="en" starts the interface in English (default "fr"); data-title-en is the
 *   English title (data-title the French one). data-lang-param="lang" lets the page's
 *   address override data-lang (?lang=en: the demo page).
 * - An English conversation opens with /switch_language{"language":"en"} instead of
 *   /greet: the server answers in English from its first message. When the page asks for
 *   another language than the stored conversation began with, the widget switches to it
 *   and, on opening, sends that payload once (silently).
 * - The header's button "English" / "Français" sends that payload as a user message
 *   (shown as "English") and switches the interface at once.
 * - The server tags its messages with custom.lang ("fr" / "en"), on the message or in a
 *   custom-only message after it (Rasa's REST channel splits them): it becomes the
 *   message's lang attribute, and the interface follows the language of the answers
 *   (the server follows what the person types). Untagged messages inherit the widget's
 *   lang; user messages get the interface language.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var SERVER = (data.server || window.location.origin).replace(/\/+$/, "");
  var COLOR = /^#[0-9a-fA-F]{6}$/.test(data.color || "") ? data.color : "#1d4f91";
  var TIMEOUT_MS = Number(data.timeout) > 0 ? Number(data.timeout) : 20000;
  var STORE_KEY = "secu-assistant:" + SERVER;
  var URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;
  var STRINGS = {
    fr: {
      name: "Français",
      title: data.title || "Assistant sécu",
      sub: "Assistant non officiel, indépendant de l'Assurance Maladie",
      launcher: "Une question ?",
      open: "Une question ? Ouvrir l'assistant (non officiel)",
      unread: [" nouveau message", " nouveaux messages"],
      log: "Conversation",
      input: "Votre message",
      send: "Envoyer",
      restart: "Nouvelle conversation",
      close: "Fermer l'assistant",
      replies: "Réponses proposées",
      typing: "L'assistant écrit…",
      error:
        "Le service ne répond pas pour le moment. Vérifiez votre connexion et réessayez, ou appelez le 3646.",
      retry: "Réessayer",
    },
    en: {
      name: "English",
      title: data.titleEn || "Social security assistant",
      sub: "Unofficial assistant, independent of the Assurance Maladie",
      launcher: "A question?",
      open: "A question? Open the assistant (unofficial)",
      unread: [" new message", " new messages"],
      log: "Conversation",
      input: "Your message",
      send: "Send",
      restart: "New conversation",
      close: "Close the assistant",
      replies: "Suggested replies",
      typing: "The assistant is typing…",
      error:
        "The service is not answering at the moment. Check your connection and try again, or call 3646 (from France).",
      retry: "Try again",
    },
  };
  var PARAM = data.langParam && window.URLSearchParams;
  var LANG =
    known(PARAM && new URLSearchParams(location.search).get(data.langParam)) ||
    known(data.lang) ||
    "fr";

  var state = load();
  var els = {};
  var masked = Object.create(null); // text -> its stored form
  var pending = null; // the last message sent, for "Réessayer" / "Try again"

  function known(lang) {
    return lang === "fr" || lang === "en" ? lang : null;
  }

  function t() {
    return STRINGS[state.lang];
  }

  function switchPayload(lang) {
    return '/switch_language{"language":"' + lang + '"}';
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) {
        saved.lang = known(saved.lang) || LANG;
        if (saved.start !== LANG) {
          // the page asks for another language than the conversation began with
          saved.ask = saved.ask || saved.lang !== LANG;
          saved.start = saved.lang = LANG;
        }
        return saved;
      }
    } catch (e) {
      /* a broken or unavailable storage: start afresh */
    }
    return fresh();
  }

  function fresh() {
    return { sender: newId(), messages: [], open: false, unread: 0, lang: LANG, start: LANG };
  }

  /* What is stored keeps NIR-shaped numbers masked ("1 85 05 •• ••• ••• ••"); the screen
     shows what was typed until a reload. */
  function save() {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(state, stored));
    } catch (e) {
      /* private mode or full storage: the conversation simply will not survive a reload */
    }
  }

  /*
   * NIR (social-security number): 13 characters and a 2-digit key, starting with 1-8,
   * digits except 2A/2B as 6th-7th characters, typed in any digits (fullwidth,
   * Arabic-Indic...) with spaces, dots, dashes, slashes... between the groups.
   * Keeps the first 5 characters (sex, year, month), hides the rest with "•".
   */
  var ND = unicode("^\\p{Nd}$", /^[0-9]$/);
  var DASH = unicode("^[\\s\\p{Pd}\u00b7\u2212\u2219\u30fb]$", /^[\s\u00b7\u2010-\u2015\u2212]$/);
  var S = "[\\s.,/_-]{0,5}";
  var RUN = new RegExp("[0-9](?:" + S + "(?:2[\\s.,/_-]?[ab](?=" + S + "[0-9])|[0-9]))*", "gi");
  var ID = /\b[0-9a-f]{8}(?:-?[0-9a-f]{4}){3}-?[0-9a-f]{12}\b/gi; // UUIDs stay as they are
  var NIR_START = /^[1-8][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}/;

  function unicode(source, fallback) {
    try {
      return new RegExp(source, "u");
    } catch (e) {
      return fallback; // an engine without Unicode property escapes
    }
  }

  /* One ASCII character per code point: its digit, itself, " " (a separator) or "x". */
  function plain(char) {
    var n = char.normalize ? char.normalize("NFKC") : char;
    if (ND.test(n)) {
      var code = n.codePointAt(0);
      var zero = code;
      while (ND.test(String.fromCodePoint(zero - 1))) zero -= 1;
      return String((code - zero) % 10); // Unicode digits come in runs of ten, 0 to 9
    }
    if (n.length === 1 && n < "\x7f") return n;
    return DASH.test(n) ? " " : "x";
  }

  function hasKey(number) {
    var body = Number(number.slice(0, 13).replace("2A", "19").replace("2B", "18"));
    return /^[0-9]{2}$/.test(number.slice(13)) && 97 - (body % 97) === Number(number.slice(13));
  }

  function maskNirs(text) {
    var chars = Array.from(String(text));
    var line = chars.map(plain).join("").replace(ID, function (id) {
      return id.replace(/./g, "x");
    });
    line.replace(RUN, function (run, at) {
      var number = "";
      var where = [];
      var cuts = {};
      for (var i = 0; i < run.length; i++) {
        if (/[0-9ab]/i.test(run[i])) {
          if (i && !/[0-9ab]/i.test(run[i - 1])) cuts[number.length] = true;
          number += run[i].toUpperCase();
          where.push(at + i);
        }
      }
      var single = !Object.keys(cuts).length; // one block of digits, without separators
      cuts[number.length] = true;
      // 15, 14 or 13 characters ending a group: at the start of the run, or with a valid key
      // from the start of a group (anywhere in a single block).
      for (var first = 0; first < number.length; first++) {
        if (first && !cuts[first] && !single) continue;
        for (var stop = first + 15; stop >= first + 13; stop--) {
          var candidate = number.slice(first, stop);
          if (cuts[stop] && NIR_START.test(candidate) && (!first || hasKey(candidate))) {
            for (var k = first + 5; k < stop; k++) chars[where[k]] = "•";
            first = stop - 1;
            break;
          }
        }
      }
      return run;
    });
    return chars.join("");
  }

  function stored(key, value) {
    if ((key !== "text" && key !== "title") || typeof value !== "string") return value;
    if (!(value in masked)) masked[value] = maskNirs(value);
    return masked[value];
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else if (attrs[key] == null) return;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Bot text as DOM nodes: plain text, with http(s) links made clickable. Never innerHTML. */
  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    String(text).replace(URL_PATTERN, function (url, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(
        el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url })
      );
      last = offset + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(String(text).slice(last)));
    return fragment;
  }

  function css() {
    var c = COLOR;
    return [
      ".sa-root{all:initial;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.4;color:#1e1e1e}",
      ".sa-root *{box-sizing:border-box;font-family:inherit}",
      ".sa-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;min-height:48px;padding:0 18px;border:2px solid #fff;border-radius:24px;background:" + c + ";color:#fff;font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 2px 10px rgba(0,0,0,.3)}",
      ".sa-launcher:focus-visible,.sa-root button:focus-visible,.sa-root a:focus-visible,.sa-input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
      ".sa-badge{min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#fff;color:#b00020;font-size:13px;font-weight:700;display:inline-flex;align-items:center;justify-content:center}",
      ".sa-panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 6px 30px rgba(0,0,0,.3);overflow:hidden;transition:opacity .15s,transform .15s}",
      ".sa-panel[hidden]{display:none}",
      ".sa-head{background:" + c + ";color:#fff;padding:10px 12px;display:flex;flex-wrap:wrap;align-items:flex-start;gap:8px}",
      ".sa-titles{flex:1 1 200px;min-width:0}",
      ".sa-tools{display:flex;gap:6px;margin-left:auto}",
      ".sa-title{margin:0;font-size:17px;font-weight:700;color:#fff}",
      ".sa-sub{margin:2px 0 0;font-size:13px;color:#fff}",
      ".sa-head button{background:transparent;color:#fff;border:1px solid #fff;border-radius:6px;min-height:32px;padding:2px 8px;font-size:13px;cursor:pointer}",
      ".sa-log{flex:1;overflow-y:auto;padding:12px;background:#f6f6f6;display:flex;flex-direction:column;gap:8px}",
      ".sa-msg{max-width:88%;padding:8px 12px;border-radius:12px;white-space:pre-line;overflow-wrap:anywhere}",
      ".sa-bot{align-self:flex-start;background:#fff;border:1px solid #d0d0d0}",
      ".sa-user{align-self:flex-end;background:" + c + ";color:#fff}",
      ".sa-bot a{color:#0b4f9e;text-decoration:underline}",
      ".sa-buttons{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}",
      ".sa-buttons button{border:1px solid " + c + ";background:#fff;color:" + c + ";border-radius:16px;min-height:36px;padding:4px 12px;font-size:14px;cursor:pointer;text-align:left}",
      ".sa-buttons button:hover{background:#eef3fa}",
      ".sa-error{align-self:stretch;background:#fdecea;border:1px solid #b00020;color:#5f0010;border-radius:8px;padding:8px 12px}",
      ".sa-error button{margin-left:8px;border:1px solid #5f0010;background:#fff;color:#5f0010;border-radius:6px;min-height:32px;padding:2px 10px;cursor:pointer}",
      ".sa-typing{padding:0 12px 6px;background:#f6f6f6;font-size:14px;color:#4a4a4a;min-height:1.4em}",
      ".sa-form{display:flex;gap:8px;padding:10px;border-top:1px solid #d0d0d0;background:#fff}",
      ".sa-label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
      ".sa-input{flex:1;min-width:0;min-height:44px;border:1px solid #6b6b6b;border-radius:8px;padding:8px 10px;font-size:16px;color:#1e1e1e;background:#fff}",
      ".sa-send{min-height:44px;padding:0 14px;border:0;border-radius:8px;background:" + c + ";color:#fff;font-weight:600;font-size:15px;cursor:pointer}",
      "@media (max-width:480px){.sa-panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}.sa-launcher{right:12px;bottom:12px}}",
      "@media (prefers-reduced-motion:reduce){.sa-panel{transition:none}.sa-root *{animation:none!important;transition:none!important}}",
    ].join("\n");
  }

  function build() {
    var style = el("style", { text: css() });
    els.badge = el("span", { className: "sa-badge", "aria-hidden": "true" });
    els.launcherText = el("span");
    els.launcher = el(
      "button",
      {
        type: "button",
        className: "sa-launcher",
        "aria-expanded": "false",
        "aria-controls": "sa-panel",
        onclick: toggle,
      },
      [els.launcherText, els.badge]
    );
    els.log = el("div", {
      className: "sa-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      tabindex: "0",
    });
    els.typing = el("div", { className: "sa-typing", role: "status", "aria-live": "polite" });
    els.input = el("input", {
      id: "sa-input",
      className: "sa-input",
      type: "text",
      autocomplete: "off",
      maxlength: "1000",
      enterkeyhint: "send",
    });
    els.label = el("label", { className: "sa-label", for: "sa-input" });
    els.send = el("button", { type: "submit", className: "sa-send" });
    els.form = el("form", { className: "sa-form", onsubmit: onSubmit }, [
      els.label,
      els.input,
      els.send,
    ]);
    els.title = el("h2", { id: "sa-title", className: "sa-title" });
    els.sub = el("p", { className: "sa-sub" });
    els.lang = el("button", { type: "button", onclick: switchLanguage });
    els.restart = el("button", { type: "button", onclick: restart });
    els.close = el("button", { type: "button", onclick: close, text: "✕" });
    els.panel = el(
      "section",
      {
        id: "sa-panel",
        className: "sa-panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": "sa-title",
        hidden: "",
      },
      [
        el("div", { className: "sa-head" }, [
          el("div", { className: "sa-titles" }, [els.title, els.sub]),
          el("div", { className: "sa-tools" }, [els.lang, els.restart, els.close]),
        ]),
        els.log,
        els.typing,
        els.form,
      ]
    );
    els.root = el("div", { className: "sa-root" }, [style, els.panel, els.launcher]);
    document.body.appendChild(els.root);
    document.addEventListener("keydown", onKeydown);
  }

  /* The interface strings in the interface language (state.lang). */
  function renderTexts() {
    var s = t();
    var other = STRINGS[state.lang === "fr" ? "en" : "fr"];
    els.root.setAttribute("lang", state.lang);
    els.launcherText.textContent = s.launcher;
    els.log.setAttribute("aria-label", s.log);
    els.label.textContent = s.input;
    els.send.textContent = s.send;
    els.title.textContent = s.title;
    els.sub.textContent = s.sub;
    els.lang.textContent = other.name;
    els.lang.setAttribute("lang", state.lang === "fr" ? "en" : "fr");
    els.restart.textContent = s.restart;
    els.close.setAttribute("aria-label", s.close);
    if (els.typing.textContent) els.typing.textContent = s.typing;
    renderBadge();
  }

  function setLang(lang) {
    state.lang = lang;
    save();
    renderTexts();
  }

  function switchLanguage() {
    var to = state.lang === "fr" ? "en" : "fr";
    setLang(to);
    send(switchPayload(to), STRINGS[to].name);
  }

  function renderBadge() {
    var count = state.open ? 0 : state.unread;
    els.badge.textContent = count ? String(count) : "";
    els.badge.style.display = count ? "" : "none";
    els.launcher.setAttribute(
      "aria-label",
      t().open + (count ? ", " + count + t().unread[count > 1 ? 1 : 0] : "")
    );
    els.launcher.setAttribute("aria-expanded", state.open ? "true" : "false");
  }

  function renderMessage(message, isLast) {
    if (message.from === "user") {
      els.log.appendChild(
        el("div", { className: "sa-msg sa-user", lang: message.lang, text: message.text })
      );
      return;
    }
    if (message.text) {
      var bubble = el("div", { className: "sa-msg sa-bot", lang: message.lang });
      bubble.appendChild(richText(message.text));
      els.log.appendChild(bubble);
    }
    if (isLast && message.buttons && message.buttons.length) {
      var group = el("div", { className: "sa-buttons", role: "group", "aria-label": t().replies });
      message.buttons.forEach(function (button) {
        group.appendChild(
          el("button", {
            type: "button",
            lang: message.lang,
            text: button.title,
            onclick: function () {
              els.input.focus(); // the buttons are replaced by the answer
              send(button.payload, button.title);
            },
          })
        );
      });
      els.log.appendChild(group);
    }
  }

  function renderAll() {
    els.log.textContent = "";
    state.messages.forEach(function (message, index) {
      renderMessage(message, index === state.messages.length - 1);
    });
    scrollDown();
  }

  function scrollDown() {
    els.log.scrollTop = els.log.scrollHeight;
  }

  function showError() {
    var retry = el("button", { type: "button", text: t().retry, onclick: retryLast });
    var box = el("div", { className: "sa-error", role: "alert" }, [t().error, retry]);
    els.log.appendChild(box);
    scrollDown();
  }

  function retryLast() {
    if (pending) post(pending.payload);
  }

  function send(payload, shown) {
    var text = String(payload || "").trim();
    if (!text) return;
    state.messages.push({ from: "user", text: shown || text, lang: state.lang });
    save();
    renderAll();
    post(text);
  }

  function post(payload) {
    pending = { payload: payload };
    els.typing.textContent = t().typing;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (controller) controller.abort();
    }, TIMEOUT_MS);
    fetch(SERVER + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: payload }),
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (replies) {
        clearTimeout(timer);
        pending = null;
        els.typing.textContent = "";
        var untagged = [];
        var spoken = null;
        (Array.isArray(replies) ? replies : []).forEach(function (reply) {
          var lang = known(reply && reply.custom && reply.custom.lang);
          if (lang) {
            untagged.forEach(function (message) {
              message.lang = lang; // a custom-only message tags the texts before it
            });
            untagged = [];
            spoken = lang;
          }
          if (!reply || (!reply.text && !reply.buttons)) return;
          var message = {
            from: "bot",
            text: typeof reply.text === "string" ? reply.text : "",
            buttons: (reply.buttons || []).filter(function (b) {
              return b && typeof b.title === "string" && typeof b.payload === "string";
            }),
            lang: lang || undefined,
          };
          if (!lang) untagged.push(message);
          state.messages.push(message);
          if (!state.open) state.unread += 1;
        });
        if (spoken && spoken !== state.lang) setLang(spoken); // the conversation's language
        save();
        renderAll();
        renderBadge();
      })
      .catch(function () {
        clearTimeout(timer);
        els.typing.textContent = "";
        renderAll();
        showError();
      });
  }

  function onSubmit(event) {
    event.preventDefault();
    var text = els.input.value;
    els.input.value = "";
    send(text);
  }

  function onKeydown(event) {
    if (event.key === "Escape" && state.open) {
      var inside = els.root.contains(document.activeElement) || document.activeElement === document.body;
      if (inside) close();
    }
  }

  function open() {
    state.open = true;
    state.unread = 0;
    save();
    els.panel.hidden = false;
    renderBadge();
    renderAll();
    els.input.focus();
    greet();
  }

  /* A new conversation opens with a greeting in the interface language; a conversation
     whose language the page changed tells the server once. */
  function greet() {
    var ask = state.ask;
    state.ask = false;
    if (!state.messages.length) {
      if (!pending) post(state.lang === "fr" ? "/greet" : switchPayload(state.lang));
    } else if (ask) {
      post(switchPayload(state.lang));
    }
  }

  function close() {
    state.open = false;
    save();
    els.panel.hidden = true;
    renderBadge();
    els.launcher.focus();
  }

  function toggle() {
    if (state.open) close();
    else open();
  }

  function restart() {
    var lang = state.lang;
    state = fresh();
    state.open = true;
    state.lang = lang;
    pending = null;
    masked = Object.create(null);
    save();
    renderAll();
    els.input.focus();
    greet();
  }

  function start() {
    build();
    renderTexts();
    if (state.open) {
      els.panel.hidden = false;
      renderAll();
      greet();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
