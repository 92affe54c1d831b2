/*
 * Peilian (陪练) web widget: one rehearsal call, from the ringing phone to the scorecard.
 *
 * Embed it with one element and one script tag (see docs/widget.md):
 *   <div id="peilian"></div>
 *   <script src="http://HOST:8000/widget.js"></script>
 * Optional on the element: data-persona and data-seed fix the scenario (an exam),
 * data-trainee fills in the trainee. The page's own ?persona=&seed= query does the same.
 *
 * Every text from the customer or the trainee is put on the page with textContent, never as
 * HTML, so markup typed into a message stays text.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = new URL(".", script ? script.src : window.location.href).href;
  var SOCKET_IO = "static/vendor/socket.io-4.7.5.min.js";
  var MISSED_AFTER_RINGS = 10;
  // Hints only: the card's fields, labels and the classes come from /api/config (record_card.py).
  var PLACEHOLDERS = {
    name: "如：王先生", phone: "客户留下的号码", interest: "如：星辰X5", budget: "如：20万",
    visit: "如：周六上午；没有约定就留空"
  };

  // -- small DOM helpers: text only ------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "onclick") node.addEventListener("click", value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = el("script", { src: src });
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("无法加载 " + src)); };
      document.head.appendChild(tag);
    });
  }

  function getJSON(path, options) {
    return fetch(BASE + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  // -- sound: a ring tone and a ring-back tone with Web Audio -----------------------------------
  function Tones() {
    var Context = window.AudioContext || window.webkitAudioContext;
    try { this.ctx = Context ? new Context() : null; } catch (e) { this.ctx = null; }
  }
  Tones.prototype.beep = function (freqs, seconds) {
    if (!this.ctx) return;
    var ctx = this.ctx, gain = ctx.createGain(), now = ctx.currentTime;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.15, now + 0.03);
    gain.gain.setValueAtTime(0.15, now + seconds - 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + seconds);
    gain.connect(ctx.destination);
    freqs.forEach(function (f) {
      var osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(now);
      osc.stop(now + seconds);
    });
  };
  Tones.prototype.ring = function (ms) { this.beep([440, 480], Math.min(1.2, ms / 2500)); };
  Tones.prototype.ringBack = function (ms) { this.beep([450], Math.min(1, ms / 3000)); };

  // -- the widget -------------------------------------------------------------------------------
  function Widget(root, config, personas) {
    this.root = root;
    this.config = config;
    this.personas = personas;
    var query = new URLSearchParams(window.location.search);
    this.examPersona = root.getAttribute("data-persona") || query.get("persona") || "";
    this.examSeed = root.getAttribute("data-seed") || query.get("seed") || "";
    this.trainee = root.getAttribute("data-trainee") || query.get("trainee") || "";
    if (!this.trainee) { try { this.trainee = window.localStorage.getItem("peilian.trainee") || ""; } catch (e) {} }
    root.classList.add("pl-widget");
    this.lobby();
  }

  Widget.prototype.screen = function (name, children) {
    this.root.textContent = "";
    this.root.setAttribute("data-screen", name);
    var self = this;
    children.forEach(function (child) { if (child) self.root.appendChild(child); });
  };

  Widget.prototype.lobby = function (notice) {
    var self = this;
    var nameInput = el("input", { class: "pl-trainee", type: "text", maxlength: "40", value: this.trainee,
                                  placeholder: "如：李明 或 工号 S1024", autocomplete: "name" });
    var error = el("p", { class: "pl-error", role: "alert", text: notice || "" });
    function start(persona) {
      var trainee = nameInput.value.trim();
      if (!trainee) {
        error.textContent = "请先填写你的姓名或工号。";
        nameInput.focus();
        return;
      }
      self.trainee = trainee;
      try { window.localStorage.setItem("peilian.trainee", trainee); } catch (e) {}
      self.startCall(persona);
    }
    var list;
    var exam = this.examPersona && this.personas.filter(function (p) { return p.id === self.examPersona; })[0];
    if (this.examPersona && !exam) {
      list = el("p", { class: "pl-error", text: "考试链接中的场景「" + this.examPersona + "」不存在或暂不可用，请联系培训师。" });
    } else if (exam) {
      list = el("div", { class: "pl-exam" }, [
        el("p", { class: "pl-exam-title", text: "考试场景：" + exam.title }),
        el("p", { class: "pl-tags", text: [exam.industry_label, exam.direction_label, exam.difficulty_label].join(" · ") }),
        el("button", { class: "pl-primary pl-start-exam", type: "button", text: "开始考试", onclick: function () { start(exam); } })
      ]);
    } else if (!this.personas.length) {
      list = el("p", { class: "pl-error", text: "还没有可用的场景：请培训师在 data/personas/ 中添加角色文件。" });
    } else {
      list = el("div", { class: "pl-personas" }, this.personas.map(function (p) {
        return el("button", { class: "pl-persona", type: "button", "data-persona": p.id, onclick: function () { start(p); } }, [
          el("span", { class: "pl-persona-title", text: p.title }),
          el("span", { class: "pl-tags" }, [
            el("span", { class: "pl-tag", text: p.industry_label }),
            el("span", { class: "pl-tag pl-" + p.direction, text: p.direction_label }),
            el("span", { class: "pl-tag pl-" + p.difficulty, text: p.difficulty_label })
          ]),
          el("span", { class: "pl-persona-role", text: "你是「" + p.company + "」的销售" +
            (p.customer ? "，致电" + p.customer : "，客户来电") })
        ]);
      }));
    }
    this.screen("lobby", [
      el("h1", { class: "pl-title", text: "陪练 · 销售电话演练" }),
      el("label", { class: "pl-field" }, [el("span", { text: "你的姓名或工号" }), nameInput]),
      error,
      el("h2", { text: exam ? "考试" : "选择场景" }),
      list
    ]);
  };

  // -- one call ---------------------------------------------------------------------------------
  Widget.prototype.startCall = function (persona) {
    var self = this;
    this.persona = persona;
    this.sessionId = randomId();
    this.rings = null;
    this.ended = false;
    this.scorecard = null;
    this.connectedAt = null;
    this.tones = this.tones || new Tones();
    if (this.tones.ctx && this.tones.ctx.state === "suspended") this.tones.ctx.resume();

    this.status = el("p", { class: "pl-status", role: "status" });
    this.timer = el("span", { class: "pl-timer", text: "00:00" });
    this.log = el("ol", { class: "pl-log", "aria-live": "polite" });
    this.notice = el("p", { class: "pl-notice", role: "alert" });
    this.input = el("textarea", { class: "pl-input", rows: "2", placeholder: "输入你要说的话，回车发送", disabled: true });
    this.count = el("span", { class: "pl-count", text: "0/" + this.config.max_message_chars });
    this.send = el("button", { class: "pl-send", type: "button", text: "发送", disabled: true,
                               onclick: function () { self.say(); } });
    this.hangUpButton = el("button", { class: "pl-hangup", type: "button", text: "挂断", disabled: true,
                                       onclick: function () { self.hangUp(); } });
    this.action = el("div", { class: "pl-action" });
    this.input.addEventListener("input", function () { self.onTyping(); });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.say();
      }
    });
    var header = el("div", { class: "pl-header" }, [
      el("div", {}, [
        el("p", { class: "pl-caller", text: persona.direction === "outbound"
          ? "去电 · " + persona.customer + " " + persona.phone : "来电 · 客户" }),
        el("p", { class: "pl-subtitle", text: persona.title + " · " + persona.company })
      ]),
      this.timer
    ]);
    this.screen("call", [
      header, this.status, this.action, this.log, this.notice,
      el("div", { class: "pl-compose" }, [this.input, el("div", { class: "pl-buttons" }, [this.count, this.send, this.hangUpButton])])
    ]);
    this.connect().then(function () {
      if (persona.direction === "outbound") self.readyToDial(); else self.ring();
    }).catch(function (error) {
      self.lobby("连接对话服务失败：" + error.message + "。请确认 Rasa 服务已启动（make run）。");
    });
  };

  Widget.prototype.metadata = function () {
    var data = { persona: this.persona.id, trainee: this.trainee };
    if (this.examSeed && this.persona.id === this.examPersona) data.seed = parseInt(this.examSeed, 10);
    if (this.rings !== null) data.rings = this.rings;
    return data;
  };

  Widget.prototype.connect = function () {
    var self = this;
    if (this.socket) this.socket.disconnect();
    return new Promise(function (resolve, reject) {
      var socket = window.io(self.config.rasa_url, { path: "/socket.io", transports: ["websocket", "polling"],
                                                     reconnectionAttempts: 3, timeout: 10000 });
      self.socket = socket;
      var settled = false;
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: self.sessionId });
      });
      socket.on("session_confirm", function () {
        if (!settled) { settled = true; resolve(); }
      });
      socket.on("connect_error", function (error) {
        if (!settled) { settled = true; reject(error); }
      });
      socket.on("bot_uttered", function (data) { self.onBot(data || {}); });
    });
  };

  Widget.prototype.emit = function (text) {
    this.socket.emit("user_uttered", { message: text, session_id: this.sessionId, metadata: this.metadata() });
  };

  // Inbound: the phone rings until picked up; the rings are sent with every turn and graded.
  Widget.prototype.ring = function () {
    var self = this, count = 0, ms = this.config.ring_ms;
    this.emit("/start_call");
    var counter = el("p", { class: "pl-rings" });
    var pickUp = el("button", { class: "pl-primary pl-pickup", type: "button", text: "接听",
                                onclick: function () { self.pickUp(count); } });
    this.action.textContent = "";
    this.action.appendChild(el("div", { class: "pl-ringing" }, [el("span", { class: "pl-bell", "aria-hidden": "true", text: "☎" }), counter, pickUp]));
    this.setStatus("来电响铃中……铃响三声内接听");
    function tick() {
      count += 1;
      counter.textContent = "响铃 " + count + " 声";
      counter.setAttribute("data-rings", String(count));
      self.tones.ring(ms);
      if (count > MISSED_AFTER_RINGS) self.missed();
    }
    tick();
    this.ringTimer = window.setInterval(tick, ms);
  };

  Widget.prototype.pickUp = function (rings) {
    window.clearInterval(this.ringTimer);
    this.rings = rings;
    this.action.textContent = "";
    this.connected("已接听（铃响 " + rings + " 声）。请先开口问候客户。");
  };

  Widget.prototype.missed = function () {
    this.abandon();
    this.setStatus("未接来电：铃响" + MISSED_AFTER_RINGS + "声没人接，客户挂断了。记住「铃响三声内接听」。");
  };

  // A call that ends without being graded: only "再练一次" is left.
  Widget.prototype.abandon = function () {
    window.clearInterval(this.ringTimer);
    this.ended = true;
    this.action.textContent = "";
    this.action.appendChild(this.againButton());
  };

  // Outbound: the trainee dials; the customer picks up and speaks first.
  Widget.prototype.readyToDial = function () {
    var self = this;
    this.setStatus("准备拨打 " + this.persona.customer + "（" + this.persona.phone + "）");
    this.action.textContent = "";
    this.action.appendChild(el("button", { class: "pl-primary pl-dial", type: "button", text: "拨号",
                                           onclick: function () { self.dial(); } }));
  };

  Widget.prototype.dial = function () {
    var self = this;
    this.action.textContent = "";
    this.setStatus("正在呼叫 " + this.persona.customer + "……");
    this.tones.ringBack(this.config.ring_ms);
    this.awaitingPickUp = true;
    window.setTimeout(function () { self.emit("/start_call"); }, Math.min(this.config.ring_ms, 1500));
  };

  Widget.prototype.connected = function (status) {
    var self = this;
    this.connectedAt = Date.now();
    this.setStatus(status);
    this.input.disabled = false;
    this.hangUpButton.disabled = false;
    this.input.focus();
    this.timerHandle = window.setInterval(function () {
      self.timer.textContent = clock(Math.floor((Date.now() - self.connectedAt) / 1000));
    }, 1000);
  };

  Widget.prototype.setStatus = function (text) { this.status.textContent = text; };

  Widget.prototype.onTyping = function () {
    var length = this.input.value.length, max = this.config.max_message_chars;
    this.count.textContent = length + "/" + max;
    this.count.classList.toggle("pl-over", length > max);
    this.send.disabled = this.ended || !this.input.value.trim();
  };

  Widget.prototype.say = function () {
    if (this.ended || this.input.disabled) return;
    var text = this.input.value.trim(), max = this.config.max_message_chars;
    if (!text) return;  // empty messages are never sent
    if (text.length > max) {
      this.showNotice("这句话有" + text.length + "个字，超过了" + max + "字的上限，没有发送。电话里请简明扼要，分几句说。");
      return;
    }
    this.showNotice("");
    this.addLine("trainee", text);
    this.emit(text);
    this.input.value = "";
    this.onTyping();
  };

  Widget.prototype.hangUp = function () {
    if (this.ended) return;
    this.emit("/hangup");
    this.end("你挂断了电话。");
  };

  Widget.prototype.addLine = function (who, text) {
    var label = who === "trainee" ? "我" : "客户";
    this.log.appendChild(el("li", { class: "pl-line pl-" + who }, [
      el("span", { class: "pl-who", text: label }), el("span", { class: "pl-text", text: text })
    ]));
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.showNotice = function (text) { this.notice.textContent = text; };

  Widget.prototype.onBot = function (data) {
    var custom = data.custom || null;
    if (custom) return this.onEvent(custom);
    if (typeof data.text !== "string" || !data.text) return;
    if (this.ended) return;  // after the hang-up: the product's summary, shown on the scorecard
    if (this.awaitingPickUp) {
      this.awaitingPickUp = false;
      this.connected("客户接听了。");
    }
    this.addLine("customer", data.text);
  };

  Widget.prototype.onEvent = function (event) {
    if (event.event === "hangup") {
      this.end(event.by === "customer" ? "客户挂断了电话。" : "你挂断了电话。");
    } else if (event.event === "scorecard") {
      this.scorecard = event.scorecard;
      if (this.onScorecard) this.onScorecard();
    } else if (event.event === "error") {
      var reasons = {
        unknown_persona: "这个场景暂时不可用（角色文件有误），请换一个场景。",
        empty_message: "空消息没有发送。",
        message_too_long: "消息太长，没有发送。"
      };
      this.showNotice(reasons[event.reason] || "出错了：" + event.reason);
      if (event.reason === "unknown_persona") this.abandon();
    }
  };

  Widget.prototype.end = function (status) {
    if (this.ended) return;
    var self = this;
    this.ended = true;
    window.clearInterval(this.timerHandle);
    window.clearInterval(this.ringTimer);
    this.input.disabled = true;
    this.send.disabled = true;
    this.hangUpButton.disabled = true;
    this.setStatus(status + " 通话时长 " + this.timer.textContent + "。");
    this.action.textContent = "";
    this.action.appendChild(el("button", { class: "pl-primary pl-to-card", type: "button", text: "填写来电客户信息表",
                                           onclick: function () { self.recordCard(); } }));
  };

  Widget.prototype.againButton = function () {
    var self = this;
    return el("button", { class: "pl-secondary pl-again", type: "button", text: "再练一次",
                          onclick: function () { if (self.socket) self.socket.disconnect(); self.lobby(); } });
  };

  // -- after the call: the record card, then the scorecard --------------------------------------
  Widget.prototype.recordCard = function () {
    var self = this;
    var inputs = {};
    var card = this.config.record_card;
    var fields = card.fields.map(function (f) {
      if (f.id === "class") {
        inputs[f.id] = el("select", { name: f.id }, [el("option", { value: "", text: "请选择客户等级" })].concat(
          card.classes.map(function (c) { return el("option", { value: c["class"], text: c["class"] + "类：" + c.meaning }); })));
      } else {
        inputs[f.id] = el("input", { type: "text", name: f.id, maxlength: String(card.max_chars),
                                     placeholder: PLACEHOLDERS[f.id] || "" });
      }
      return el("label", { class: "pl-field" }, [el("span", { text: f.label }), inputs[f.id]]);
    });
    var error = el("p", { class: "pl-error", role: "alert" });
    var submit = el("button", { class: "pl-primary pl-submit-card", type: "submit", text: "提交并查看评分" });
    var form = el("form", { class: "pl-card-form" }, fields.concat([error, submit]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var card = {};
      Object.keys(inputs).forEach(function (key) { card[key] = inputs[key].value.trim(); });
      if (!card["class"]) { error.textContent = "请选择客户等级（A–E）。"; return; }
      submit.disabled = true;
      error.textContent = "";
      self.submitCard(card, 0).then(function (result) {
        self.results(result.record_card, result.scorecard || self.scorecard);
      }).catch(function (problem) {
        submit.disabled = false;
        error.textContent = problem.message;
      });
    });
    this.screen("record-card", [
      el("h1", { class: "pl-title", text: "来电客户信息表" }),
      el("p", { class: "pl-hint", text: "通话后立即记录：只填客户在电话里真正说过的信息，没说的留空。" }),
      form
    ]);
    inputs.name.focus();
  };

  Widget.prototype.submitCard = function (card, attempt) {
    var self = this;
    return getJSON("api/calls/" + encodeURIComponent(this.sessionId) + "/record-card", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ card: card })
    }).then(function (response) {
      if (response.status === 200) return response.body;
      if (response.status === 409 && attempt < 20) {  // the hang-up is still being graded
        return new Promise(function (resolve) { window.setTimeout(resolve, 500); })
          .then(function () { return self.submitCard(card, attempt + 1); });
      }
      var field = response.body.field ? "（" + response.body.field + "）" : "";
      throw new Error("提交失败" + field + "：" + (response.body.error || response.status));
    }, function () { throw new Error("提交失败：网络错误，请重试。"); });
  };

  Widget.prototype.results = function (record, scorecard) {
    var self = this;
    var fields = record.fields.map(function (f) {
      return el("li", { class: "pl-card-field " + (f.correct ? "pl-ok" : "pl-bad"), "data-field": f.field }, [
        el("div", { class: "pl-criterion-head" }, [
          el("span", { class: "pl-mark", text: f.correct ? "✓" : "✗" }),
          el("span", { class: "pl-criterion-name", text: f.label })
        ]),
        el("p", { class: "pl-compare" }, [
          el("span", { text: "你填写的：" + (f.given || "（空）") }),
          el("span", { text: "应填：" + f.expected })
        ]),
        el("p", { class: "pl-feedback", text: f.feedback })
      ]);
    });
    var cadence = [];
    if (record.cadence) {
      cadence.push(el("p", { class: "pl-cadence", text: "你定为" + record.cadence["class"] + "类（" +
        record.cadence.meaning + "）：" + record.cadence.next_call + "。" }));
    }
    if (record.right_cadence && (!record.cadence || record.cadence["class"] !== record.right_cadence["class"])) {
      cadence.push(el("p", { class: "pl-cadence pl-right", text: "该客户应为" + record.right_cadence["class"] + "类（" +
        record.right_cadence.meaning + "）：" + record.right_cadence.next_call + "。" }));
    }
    var card = el("section", { class: "pl-record-result" }, [
      el("h2", { text: "来电客户信息表：" + record.correct + "/" + record.total + " 项正确" }),
      el("ol", { class: "pl-criteria" }, fields),
      el("h3", { text: "跟进节奏" })
    ].concat(cadence));
    this.screen("results", [
      el("h1", { class: "pl-title", text: "通话结果" }), card,
      el("h2", { text: "本次通话评分" }), this.scorecardView(scorecard), this.againButton()
    ]);
    if (!scorecard) {
      this.onScorecard = function () { self.results(record, self.scorecard); };
    }
  };

  Widget.prototype.scorecardView = function (scorecard) {
    if (!scorecard) return el("p", { class: "pl-hint pl-waiting", text: "评分生成中……" });
    var items = scorecard.criteria.map(function (c) {
      var evidence = c.evidence.map(function (e) {
        return el("li", {}, [el("span", { class: "pl-turn", text: "第" + e.turn + "句" }), el("q", { text: e.text })]);
      });
      return el("li", { class: "pl-criterion " + (c.passed ? "pl-ok" : "pl-bad"), "data-criterion": c.id }, [
        el("div", { class: "pl-criterion-head" }, [
          el("span", { class: "pl-mark", text: c.passed ? "✓" : "✗" }),
          el("span", { class: "pl-criterion-name", text: c.label || c.id }),
          el("span", { class: "pl-points", text: c.points + "/" + c.max_points })
        ]),
        el("p", { class: "pl-feedback", text: c.feedback }),
        evidence.length ? el("ul", { class: "pl-evidence" }, evidence) : null
      ]);
    });
    return el("section", { class: "pl-scorecard" }, [
      el("p", { class: "pl-total" }, [el("span", { class: "pl-score", text: String(scorecard.score) }), " / " + scorecard.max_score + " 分"]),
      el("ol", { class: "pl-criteria" }, items)
    ]);
  };

  // -- start ------------------------------------------------------------------------------------
  function boot() {
    var root = document.getElementById("peilian") || document.querySelector("[data-peilian]");
    if (!root) return;
    if (!document.querySelector("link[data-peilian-css]")) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: BASE + "widget.css", "data-peilian-css": true }));
    }
    root.textContent = "正在加载陪练……";
    var io = window.io ? Promise.resolve() : loadScript(BASE + SOCKET_IO);
    Promise.all([io, getJSON("api/config"), getJSON("api/personas")]).then(function (results) {
      root.peilian = new Widget(root, results[1].body, results[2].body.personas || []);
    }).catch(function (error) {
      root.textContent = "陪练加载失败：" + error.message;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
