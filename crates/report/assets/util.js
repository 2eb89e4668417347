// starling report: DOM helpers and number formats shared by the page's
// scripts. Every string from the data enters the DOM through `el` or
// `text` (textContent / createTextNode), never as markup: names, URLs and
// bodies come from the scenario and the system under test.
(function (global) {
  "use strict";

  /** A new element with a class and, optionally, text (as text). */
  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function text(content) {
    return document.createTextNode(String(content));
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Appends each child (skipping null) and returns the parent. */
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      if (arguments[i]) parent.appendChild(arguments[i]);
    }
    return parent;
  }

  /** `obj[key]` as an object, whatever the data holds (old files lack parts). */
  function obj(value) {
    return value && typeof value === "object" ? value : {};
  }

  function num(value) {
    return typeof value === "number" && isFinite(value) ? value : 0;
  }

  /**
   * `map[name]` if the map has it as its own entry, else null: names come
   * from the scenario, and `constructor` must not find Object's.
   */
  function own(map, name) {
    map = obj(map);
    return Object.prototype.hasOwnProperty.call(map, name) ? map[name] : null;
  }

  /** Own keys in insertion order: the scenario's order of names. */
  function keys(value) {
    return Object.keys(obj(value));
  }

  /** Three significant digits, as the terminal report writes them. */
  function threeDigits(value, unit) {
    var decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
    return value.toFixed(decimals) + unit;
  }

  function pad2(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /** Microseconds: 850µs, 1.23ms, 12.3ms, 1.24s, 2m03s, 1h02m. */
  function duration(us) {
    us = Math.max(0, Math.round(num(us)));
    if (us < 1000) return us + "µs";
    if (us < 999500) return threeDigits(us / 1000, "ms");
    if (us < 59950000) return threeDigits(us / 1e6, "s");
    if (us < 3600000000) {
      var secs = Math.round(us / 1e6);
      return Math.floor(secs / 60) + "m" + pad2(secs % 60) + "s";
    }
    var mins = Math.floor(us / 6e7);
    return Math.floor(mins / 60) + "h" + pad2(mins % 60) + "m";
  }

  /** A latency cell: `-` when nothing was measured. */
  function latency(us, count) {
    return num(count) === 0 ? "-" : duration(us);
  }

  /** 1,234,567 */
  function count(n) {
    var digits = String(Math.round(num(n)));
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /** Per second: one decimal below 100, none above. */
  function rate(perSecond) {
    perSecond = num(perSecond);
    return perSecond < 100 ? perSecond.toFixed(1) : count(perSecond);
  }

  /** A ratio (0 to 1): 99.5%, 100%, 0%, <0.1%. */
  function percent(ratio) {
    var pct = num(ratio) * 100;
    if (pct === 0 || pct === 100) return pct.toFixed(0) + "%";
    if (pct < 0.1) return "<0.1%";
    return pct.toFixed(1) + "%";
  }

  /** Seconds since the start as a clock: 0:42, 12:05, 1:02:03. */
  function clock(seconds) {
    var s = Math.max(0, Math.round(num(seconds)));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = pad2(s % 60);
    return h > 0 ? h + ":" + pad2(m) + ":" + rest : m + ":" + rest;
  }

  /** A start time in UTC, the same wherever the report is opened. */
  function dateTime(unixMs) {
    if (!num(unixMs)) return "-";
    return new Date(unixMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  }

  /**
   * The change from `base` to `now`: its text (`=`, `new`, `+12%`) and
   * whether it is worse or better when `higherIsWorse` says which way is
   * bad (undefined: neither).
   */
  function delta(base, now, higherIsWorse) {
    base = num(base);
    now = num(now);
    if (base === now) return { text: "=", cls: "same" };
    if (base === 0) return { text: "new", cls: "same" };
    var change = ((now - base) / base) * 100;
    var shown = (change > 0 ? "+" : "") + change.toFixed(Math.abs(change) < 10 ? 1 : 0) + "%";
    var cls = "same";
    if (higherIsWorse !== undefined && Math.abs(change) >= 1) {
      cls = change > 0 === higherIsWorse ? "worse" : "better";
    }
    return { text: shown, cls: cls };
  }

  global.StarlingUtil = {
    el: el,
    text: text,
    clear: clear,
    append: append,
    obj: obj,
    num: num,
    keys: keys,
    own: own,
    duration: duration,
    latency: latency,
    count: count,
    rate: rate,
    percent: percent,
    clock: clock,
    dateTime: dateTime,
    delta: delta,
  };
})(window);
