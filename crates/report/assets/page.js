// starling report: the page as a whole. `StarlingPage.render(container,
// runs, options)` builds it from page data (`runs`: one run, or base and
// new) and can be called again with newer data as often as once a second:
// sections are made once and then updated, charts get new data rather
// than being rebuilt, and the selector's choice, sort orders and "show
// all" choices are kept. The HTML report calls it once; the web UI calls
// it on every update.
//
// options = {
//   header: {title, target, load_shape, version} (text, all optional),
//   labels: ["base", "new"] (the two runs' names),
//   setTitle: false to leave document.title alone
// }
(function (global) {
  "use strict";
  var U = global.StarlingUtil;
  var S = global.StarlingSections;

  /** The sections in page order, each updated by its own function. */
  var SECTIONS = [
    ["header", "header", S.header],
    ["verdict", "section", S.verdict],
    ["timeline", "section", global.StarlingTimeline.render],
    ["journeys", "section", S.journeys],
    ["services", "section", S.services],
    ["requests", "section", S.requests],
    ["failures", "section", S.failures],
    ["open-model", "section", S.openModel],
  ];

  /** Each container's state: what the user chose survives every render. */
  var states = new WeakMap();

  function init(container) {
    U.clear(container);
    container.classList.add("starling");
    var state = {
      tables: {},
      mini: new Map(),
      selection: { kind: "run", name: null },
      sections: {},
      empty: U.el("p", "empty-page", "No results to show."),
      ctx: null,
    };
    container.appendChild(state.empty);
    SECTIONS.forEach(function (s) {
      var node = U.el(s[1], "part part-" + s[0]);
      state.sections[s[0]] = node;
      container.appendChild(node);
    });
    states.set(container, state);
    return state;
  }

  function render(container, runs, options) {
    var state = states.get(container) || init(container);
    runs = (Array.isArray(runs) ? runs : [runs])
      .filter(function (r) {
        return r && typeof r === "object";
      })
      .slice(0, 2);
    options = U.obj(options);
    state.empty.hidden = runs.length > 0;
    SECTIONS.forEach(function (s) {
      state.sections[s[0]].hidden = runs.length === 0;
    });
    if (!runs.length) return;
    var ctx = {
      runs: runs,
      now: runs[runs.length - 1],
      base: runs.length === 2 ? runs[0] : null,
      two: runs.length === 2,
      labels: options.labels || ["base", "new"],
      options: options,
      state: state,
    };
    state.ctx = ctx;
    SECTIONS.forEach(function (s) {
      // One broken section must not blank the page; the console says why.
      try {
        s[2](state.sections[s[0]], ctx);
      } catch (e) {
        global.console.error("starling report: the " + s[0] + " section failed:", e);
      }
    });
  }

  global.StarlingPage = {
    render: render,
    /** The charts drawn in `container`, as {holder, plot} (uPlot). */
    charts: function (container) {
      return global.StarlingCharts.under(container);
    },
  };
})(window);
