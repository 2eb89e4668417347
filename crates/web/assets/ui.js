// starling web UI: the page around the report's live view. It takes the
// token from the URL's fragment, follows the live stream (server-sent
// events read with fetch, so the token can travel in a header), fills the
// start form from the scenario, sends commands, and hands each frame's
// page data to StarlingPage.render, the HTML report's own renderer: one
// renderer for the report and the UI. Every string from the run enters
// the DOM as text (textContent), never as markup.
(function (global) {
  "use strict";
  var U = global.StarlingUtil;
  var doc = global.document;

  function $(id) {
    return doc.getElementById(id);
  }

  var TOKEN_KEY = "starling-token";
  /** Thrown to stop following the stream (a missing token). */
  var GIVE_UP = {};

  var token = readToken();
  /** The latest frame; older ones are dropped, never queued. */
  var latest = null;
  var drawPending = false;
  var startFilled = false;
  /** The run whose load the steer form holds. */
  var steerFilledFor = 0;
  var downloadsKey = null;

  /** The token from `#token=...` (then out of the address bar), or the tab's. */
  function readToken() {
    var match = /(?:^#|&)token=([A-Za-z0-9._~-]+)/.exec(global.location.hash);
    if (match) {
      remember(match[1]);
      global.history.replaceState(null, "", global.location.pathname + global.location.search);
      return match[1];
    }
    try {
      return global.sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return null;
    }
  }

  function remember(value) {
    try {
      global.sessionStorage.setItem(TOKEN_KEY, value);
    } catch (e) {
      // Storage off: the token lasts as long as the page.
    }
  }

  /** The headers of every call: the custom header, the token, JSON. */
  function headers(json) {
    var h = { "X-Starling": "1" };
    if (token) h.Authorization = "Bearer " + token;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  /** An API call; resolves to {ok, status, body} (body parsed if JSON). */
  function call(method, path, body) {
    return global
      .fetch(path, {
        method: method,
        headers: headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      })
      .then(function (response) {
        return response.text().then(function (text) {
          var parsed = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch (e) {
            parsed = null;
          }
          return { ok: response.ok, status: response.status, body: parsed };
        });
      });
  }

  function errorOf(result) {
    var body = U.obj(result.body);
    return body.error ? String(body.error) : "the server answered " + result.status;
  }

  // ---- the live stream ----

  function follow() {
    connection("connecting…");
    global
      .fetch("/api/stream", { headers: headers(false), cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 401) {
          askForToken();
          throw GIVE_UP;
        }
        if (!response.ok || !response.body) throw new Error("the stream answered " + response.status);
        connection("");
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (part) {
            if (part.done) throw new Error("the stream ended");
            buffer += decoder.decode(part.value, { stream: true });
            var end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              onEvent(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function (e) {
        if (e === GIVE_UP) return;
        connection("disconnected: reconnecting…");
        global.setTimeout(follow, 1000);
      });
  }

  function onEvent(text) {
    var name = "message";
    var data = [];
    text.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) name = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    if (name !== "frame" || !data.length) return;
    try {
      latest = JSON.parse(data.join("\n"));
    } catch (e) {
      return;
    }
    schedule();
  }

  /** Draws the latest frame at the next paint: a hidden tab draws nothing. */
  function schedule() {
    if (drawPending) return;
    drawPending = true;
    global.requestAnimationFrame(function () {
      drawPending = false;
      show(latest);
    });
  }

  function connection(text) {
    $("ui-connection").textContent = text;
  }

  // ---- showing a frame ----

  var PHASES = { idle: "ready", running: "running", stopping: "stopping", finished: "finished" };

  function show(frame) {
    if (!frame || !frame.status) return;
    var status = frame.status;
    $("ui-scenario").textContent = status.scenario || "";
    var phase = $("ui-phase");
    phase.setAttribute("data-phase", status.phase);
    phase.textContent = (PHASES[status.phase] || status.phase) + (status.runs ? " · run " + status.runs : "");
    var message = $("ui-message");
    message.hidden = !status.message;
    message.textContent = status.message || "";
    fillStart(status.form);
    headline(frame);
    controls(status);
    downloads(frame.downloads || [], status);
    global.StarlingPage.render($("starling"), frame.run ? [frame.run] : [], {
      header: frame.header || {},
      setTitle: false,
    });
  }

  function lastOf(column) {
    return column && column.length ? column[column.length - 1] : 0;
  }

  function figure(id, value, text) {
    var node = $(id);
    node.textContent = text;
    node.setAttribute("data-value", String(value));
  }

  /** The figures at the top: now while a run runs, the whole run after. */
  function headline(frame) {
    var status = frame.status;
    var run = U.obj(frame.run);
    var totals = U.obj(run.totals);
    var series = U.obj(run.timeseries);
    var live = status.phase === "running" || status.phase === "stopping";
    var users = live ? U.num(status.active_users) : U.num(lastOf(series.active_users));
    figure("fig-users", users, U.count(users));
    var load = status.load;
    $("fig-users-target").textContent = !load
      ? ""
      : load.model === "open"
        ? U.rate(load.current) + " arrivals/s"
        : "target " + U.count(Math.round(load.heading));
    var rps = live ? U.num(lastOf(series.rps)) : U.num(totals.rps);
    figure("fig-rps", rps, U.rate(rps));
    $("fig-requests").textContent = U.count(totals.requests) + " requests";
    figure("fig-failures", U.num(totals.failures), U.count(totals.failures));
    $("fig-failure-ratio").textContent = frame.run ? U.percent(totals.failure_ratio) + " of requests" : "";
    var p95 = live ? U.num(lastOf(series.p95_us)) : U.num(U.obj(totals.latency).p95_us);
    figure("fig-p95", p95, frame.run ? U.duration(p95) : "-");
    figure("fig-journeys-ok", U.num(totals.journeys_succeeded), U.count(totals.journeys_succeeded));
    figure("fig-journeys-failed", U.num(totals.journeys_failed), U.count(totals.journeys_failed));
    $("fig-journeys-started").textContent = U.count(totals.journeys_started) + " started";
    figure("fig-elapsed", U.num(status.elapsed_ms), U.clock(U.num(status.elapsed_ms) / 1000));
    var ends = load && load.ends_at_ms;
    $("fig-remaining").textContent = !live
      ? ""
      : ends
        ? U.clock(Math.max(0, ends - U.num(status.elapsed_ms)) / 1000) + " left"
        : "until stopped";
  }

  function modelOf(node, model) {
    node.classList.toggle("model-open", model === "open");
    node.classList.toggle("model-closed", model !== "open");
  }

  /** The start form while nothing runs, the steering form while a run does. */
  function controls(status) {
    var running = status.phase === "running";
    var stopping = status.phase === "stopping";
    $("start-form").hidden = running || stopping;
    $("steer-form").hidden = !(running || stopping);
    ["steer-button", "reset-button", "stop-button"].forEach(function (id) {
      $(id).disabled = stopping;
    });
    var load = status.load;
    modelOf($("steer-form"), load ? load.model : status.form.model);
    if (running && load && steerFilledFor !== status.runs) {
      steerFilledFor = status.runs;
      if (load.model === "open") {
        $("steer-arrival-rate").value = String(load.heading);
      } else {
        $("steer-users").value = String(Math.round(load.heading));
        $("steer-spawn-rate").value = $("start-spawn-rate").value || String(status.form.spawn_rate || 1);
      }
    }
    $("steer-target").textContent = !load
      ? stopping
        ? "Stopping: in-flight journeys are finishing."
        : ""
      : load.model === "open"
        ? "Now " + U.rate(load.current) + " arrivals/s, heading for " + U.rate(load.heading) + "/s."
        : "Now " + U.count(Math.round(load.current)) + " users wanted, heading for " + U.count(Math.round(load.heading)) + ".";
  }

  // ---- the start form ----

  function fillStart(form) {
    if (startFilled || !form) return;
    startFilled = true;
    $(form.model === "open" ? "model-open" : "model-closed").checked = true;
    var values = {
      "start-users": form.users,
      "start-spawn-rate": form.spawn_rate,
      "start-arrival-rate": form.arrival_rate,
      "start-host": form.host,
      "start-duration": form.duration,
    };
    Object.keys(values).forEach(function (id) {
      var v = values[id];
      $(id).value = v === null || v === undefined ? "" : String(v);
    });
    if (form.stages) {
      $("start-stages-row").hidden = false;
      $("start-stages-text").textContent = form.stages;
      $("start-stages").checked = true;
    }
    var types = $("start-types");
    U.clear(types);
    if ((form.user_types || []).length > 1 || U.obj((form.user_types || [])[0]).count) {
      types.appendChild(U.el("span", "ui-label", "user types"));
      form.user_types.forEach(function (t) {
        var share = t.count ? U.count(t.count) + " users" : U.percent(t.weight);
        types.appendChild(U.el("span", "ui-type", t.name + " " + share));
      });
    }
    modelChanged();
  }

  function modelChanged() {
    var open = $("model-open").checked;
    modelOf($("start-form"), open ? "open" : "closed");
    var stages = $("start-stages").checked && !$("start-stages-row").hidden;
    $("start-form").classList.toggle("follow-stages", stages);
  }

  /** A field's text as a number when it reads as one; else the text, so
   * the server names what is wrong with it. Empty: `undefined`. */
  function numberIn(id) {
    var text = $(id).value.trim();
    if (text === "") return undefined;
    var n = Number(text);
    return isFinite(n) ? n : text;
  }

  function formError(id, text) {
    var node = $(id);
    node.hidden = !text;
    node.textContent = text || "";
  }

  function startBody() {
    var body = {};
    var stages = $("start-stages").checked && !$("start-stages-row").hidden;
    if (!stages) {
      if ($("model-open").checked) {
        body.arrival_rate = numberIn("start-arrival-rate");
        if (body.arrival_rate === undefined) return "Give an arrival rate (journeys per second).";
      } else {
        body.users = numberIn("start-users");
        if (body.users === undefined) return "Give a number of users.";
        var spawn = numberIn("start-spawn-rate");
        if (spawn !== undefined) body.spawn_rate = spawn;
      }
    }
    var host = $("start-host").value.trim();
    if (host) body.host = host;
    var duration = $("start-duration").value.trim();
    if (duration) body.duration = duration;
    else if (!stages) body.until_stopped = true;
    return body;
  }

  function submit(button, errorId, path, body) {
    if (typeof body === "string") {
      formError(errorId, body);
      return;
    }
    formError(errorId, "");
    button.disabled = true;
    call("POST", path, body)
      .then(function (result) {
        if (result.status === 401) askForToken();
        formError(errorId, result.ok ? "" : errorOf(result));
      })
      .catch(function (e) {
        formError(errorId, "starling did not answer: " + e);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  // ---- steering ----

  function steerBody() {
    if ($("steer-form").classList.contains("model-open")) {
      var rate = numberIn("steer-arrival-rate");
      if (rate === undefined) return "Give an arrival rate (journeys per second).";
      var body = { arrival_rate: rate };
      var ramp = $("steer-ramp").value.trim();
      if (ramp) body.ramp = ramp;
      return body;
    }
    var users = numberIn("steer-users");
    if (users === undefined) return "Give a number of users.";
    var change = { users: users };
    var spawn = numberIn("steer-spawn-rate");
    if (spawn !== undefined) change.spawn_rate = spawn;
    return change;
  }

  // ---- downloads ----

  function downloads(list, status) {
    $("downloads").hidden = !list.length;
    $("downloads-note").textContent =
      status.phase === "running" || status.phase === "stopping"
        ? "The results so far of run " + status.runs + "."
        : "The results of run " + status.runs + ".";
    var key = list
      .map(function (d) {
        return d.name;
      })
      .join(",");
    if (key === downloadsKey) return;
    downloadsKey = key;
    var holder = $("download-list");
    U.clear(holder);
    list.forEach(function (d) {
      var button = U.el("button", "ui-download", d.label);
      button.type = "button";
      button.setAttribute("data-name", d.name);
      button.addEventListener("click", function () {
        download(d.name, button);
      });
      holder.appendChild(button);
    });
  }

  /** Fetched with the token header (a link cannot carry one), then saved. */
  function download(name, button) {
    formError("download-error", "");
    button.disabled = true;
    global
      .fetch("/api/download/" + encodeURIComponent(name), { headers: headers(false), cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) {
          return response.json().then(function (body) {
            throw new Error(U.obj(body).error || "the server answered " + response.status);
          });
        }
        var disposition = response.headers.get("Content-Disposition") || "";
        var match = /filename="([^"]+)"/.exec(disposition);
        return response.blob().then(function (blob) {
          save(blob, match ? match[1] : name);
        });
      })
      .catch(function (e) {
        formError("download-error", String(e.message || e));
      })
      .then(function () {
        button.disabled = false;
      });
  }

  function save(blob, fileName) {
    var url = global.URL.createObjectURL(blob);
    var link = doc.createElement("a");
    link.href = url;
    link.download = fileName;
    doc.body.appendChild(link);
    link.click();
    link.remove();
    global.setTimeout(function () {
      global.URL.revokeObjectURL(url);
    }, 60000);
  }

  // ---- the token, the tabs ----

  function askForToken() {
    connection("");
    $("token-form").hidden = false;
    $("token-input").focus();
  }

  function chooseTab(name) {
    $("starling").setAttribute("data-tab", name);
    Array.prototype.forEach.call($("tabs").querySelectorAll("button"), function (b) {
      b.classList.toggle("active", b.getAttribute("data-tab") === name);
    });
    // Charts in a section that was hidden take their width now.
    if (latest) show(latest);
  }

  function wire() {
    $("model-closed").addEventListener("change", modelChanged);
    $("model-open").addEventListener("change", modelChanged);
    $("start-stages").addEventListener("change", modelChanged);
    $("start-form").addEventListener("submit", function (e) {
      e.preventDefault();
      submit($("start-button"), "start-error", "/api/start", startBody());
    });
    $("steer-form").addEventListener("submit", function (e) {
      e.preventDefault();
      submit($("steer-button"), "steer-error", "/api/steer", steerBody());
    });
    $("reset-button").addEventListener("click", function () {
      submit($("reset-button"), "steer-error", "/api/reset", {});
    });
    $("stop-button").addEventListener("click", function () {
      submit($("stop-button"), "steer-error", "/api/stop", {});
    });
    $("abort-button").addEventListener("click", function () {
      submit($("abort-button"), "steer-error", "/api/abort", {});
    });
    $("token-form").addEventListener("submit", function (e) {
      e.preventDefault();
      token = $("token-input").value.trim();
      remember(token);
      $("token-form").hidden = true;
      follow();
    });
    $("tabs").addEventListener("click", function (e) {
      var tab = e.target.closest("button[data-tab]");
      if (tab) chooseTab(tab.getAttribute("data-tab"));
    });
  }

  wire();
  follow();

  global.StarlingUi = {
    /** The latest frame received (for tests and the console). */
    latest: function () {
      return latest;
    },
    /** Draws a frame as if it came from the stream (tests feed big ones). */
    show: show,
  };
})(window);
