/*
 * Peilian (陪练) web widget: one rehearsal call, from the ringing phone to the scorecard.
 *
 * Embed it with one element and one script tag (see docs/widget.md):
 *   <div id="peilian"></div>
 *   <script src="https://HOST/widget.js"></script>
 * Optional on the element: data-persona and data-seed fix the scenario (an exam),
 * data-trainee fills in an anonymous trainee's name. The page's own ?persona=&seed= does the same.
 *
 * The browser talks only to the web app that served this script, through its JSON API
 * (docs/api.md): a session cookie, and the CSRF token in X-CSRF-Token on every POST. The server
 * issues the call id, counts the rings and grades the call; the browser sends only the persona,
 * an exam seed, the trainee's words and the record card.
 *
 * Every text from the customer or the trainee is put on the page with textContent, never as
 * HTML, so markup typed into a message or a name stays text.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = new URL(".", script ? script.src : window.location.href).href;
  var MAX_SEED = 2147483647;
  // Mid-call, this long without a word from the trainee and the customer asks 「喂？还在吗？」
  // (the server sends the /silence control; the customer hangs up if it goes on).
  var SILENCE_MS = 20000;
  // Hints only: the card's fields, labels and the classes come from /api/config (record_card.py).
  var PLACEHOLDERS = {
    name: "如：王先生", phone: "客户留下的号码", interest: "如：星辰X5", budget: "如：20万",
    visit: "如：周六上午；没有约定就留空"
  };
  // The API's error reasons (docs/api.md), as the trainee reads them.
  var REASONS = {
    empty_message: "空消息没有发送。",
    message_too_long: "消息太长，没有发送。",
    login_required: "请先登录。",
    forbidden: "当前账号没有权限。",
    csrf: "页面已过期，请刷新页面后重试。",
    not_answered: "电话还没有接通。",
    ended: "通话已经结束。",
    not_ended: "通话还没有结束。",
    already_answered: "电话已经接起来了。",
    already_submitted: "这张表已经提交过了。",
    bad_credentials: "用户名或密码不对。",
    bad_field: "有一项填写得不对。",
    bad_json: "请求格式不对，请刷新页面后重试。",
    unknown_field: "请求里有不认识的内容，请刷新页面后重试。",
    missed: "这通电话没有接，已经结束。",
    not_found: "找不到这通电话。",
    origin: "请从本站页面使用。",
    rasa_down: "客户那边暂时连不上（服务器在重启），请稍等几秒再说。",
    rasa_error: "客户那边出了点问题，请稍后再说一次。",
    rate_limited: "尝试次数太多，请稍后再试。",
    body_too_large: "内容太多，没有发送。",
    database_unavailable: "数据库暂时不可用，请稍等几秒再试。",
    unknown_persona: "这个场景暂时不可用（角色文件有误），请换一个场景。"
  };
  var CJK = /[\u4e00-\u9fff]/;
  var THINKING_AFTER_MS = 1000;  // a phone customer who pauses longer than this seems gone
  var RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];  // reads after a restart: back off, then give up

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

  function field(label, input) {
    return el("label", { class: "pl-field" }, [el("span", { text: label }), input]);
  }

  function line(who, text) {
    return el("li", { class: "pl-line pl-" + who }, [
      el("span", { class: "pl-who", text: who === "trainee" ? "我" : "客户" }), el("span", { class: "pl-text", text: text })
    ]);
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function validSeed(text) {
    return /^\d{1,10}$/.test(text) && Number(text) <= MAX_SEED;
  }

  function endStatus(hangupBy) {
    if (hangupBy === "customer") return "客户挂断了电话。";
    if (hangupBy === "trainee") return "你挂断了电话。";
    return "通话已结束。";
  }

  // -- the API: same origin as this script, with the session cookie -----------------------------
  // Always resolves to {status, body}; a network failure is status 0, so callers handle it like a 5xx.
  function request(method, path, body, csrf) {
    var options = { method: method, credentials: "include", headers: {} };
    if (method === "POST") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = csrf || "";
      options.body = JSON.stringify(body || {});
    }
    return fetch(BASE + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, body: data || {} };
      });
    }, function () { return { status: 0, body: {} }; });
  }

  function failed(response) {
    return !response.status || response.status >= 500;
  }

  // A read that a server restart may interrupt: tried again after 0.5, 1, 2, 4 and 8 s.
  function retried(read) {
    function attempt(index) {
      return read().then(function (response) {
        if (!failed(response) || index >= RETRY_DELAYS_MS.length) return response;
        return new Promise(function (resolve) { window.setTimeout(resolve, RETRY_DELAYS_MS[index]); })
          .then(function () { return attempt(index + 1); });
      });
    }
    return attempt(0);
  }

  // What went wrong, in Chinese, naming the bad field when the server names one.
  function problem(response, what) {
    if (failed(response) && !REASONS[response.body.reason]) return what + "失败：网络或服务器出错，请稍后重试。";
    // The server's own words only when they are Chinese: its English messages are for developers.
    var body = response.body, own = typeof body.error === "string" && CJK.test(body.error) ? body.error : "";
    var reason = REASONS[body.reason] || own || "错误 " + response.status;
    return what + "失败" + (body.field ? "（" + body.field + "）" : "") + "：" + reason;
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

  // -- the customer's voice (the lobby's 语音 switch) -------------------------------------------
  // The browser's own Chinese voice where it has one; otherwise the server's espeak-ng rendering of
  // the line (each message's signed `speech` URL). Push-to-talk uses the browser's speech
  // recognition where it exists; typing always works.
  function Voice() {
    this.on = false;
    try { this.on = window.localStorage.getItem("peilian.voice") === "on"; } catch (e) {}
    this.synth = window.speechSynthesis || null;
    this.Recognition = window.SpeechRecognition || window.webkitSpeechRecognition || null;
    this.queue = Promise.resolve();
  }
  Voice.prototype.setOn = function (on) {
    this.on = on;
    try { window.localStorage.setItem("peilian.voice", on ? "on" : "off"); } catch (e) {}
    if (!on) this.stop();
  };
  Voice.prototype.hasChineseVoice = function () {
    var voices = (this.synth && this.synth.getVoices()) || [];
    return voices.some(function (v) { return /^(zh|cmn)([-_](CN|Hans))?/i.test(v.lang || ""); });
  };
  Voice.prototype.speak = function (message) {
    if (!this.on || !message || !message.text) return;
    if (this.hasChineseVoice()) {
      var utterance = new window.SpeechSynthesisUtterance(message.text);
      utterance.lang = "zh-CN";  // the browser picks its zh-CN voice; lines queue in order
      this.synth.speak(utterance);
    } else if (message.speech) {
      var self = this, url = BASE + message.speech.replace(/^\//, "");
      this.queue = this.queue.then(function () { return self.on ? self.play(url) : null; });
    }
  };
  Voice.prototype.play = function (url) {
    var audio = this.audio = new Audio(url);
    return new Promise(function (resolve) {
      audio.onended = audio.onerror = audio.onpause = function () { resolve(); };
      var started = audio.play();
      if (started && started.catch) started.catch(function () { resolve(); });
    });
  };
  Voice.prototype.stop = function () {
    if (this.synth) this.synth.cancel();
    if (this.audio) this.audio.pause();
  };

  // 按住说话: held, the browser listens; released, what it heard goes into the text box to be read
  // and sent as typed. Null without voice or without speech recognition in this browser.
  Widget.prototype.talkButton = function () {
    var self = this, Recognition = this.voice.Recognition, listening = null;
    if (!this.voice.on || !Recognition) return null;
    var button = el("button", { class: "pl-secondary pl-talk", type: "button", text: "按住说话",
                                "aria-label": "按住说话，松开后文字放入输入框" });
    function start(event) {
      if (event) event.preventDefault();
      if (listening || self.ended) return;
      listening = new Recognition();
      listening.lang = "zh-CN";
      listening.onresult = function (e) {
        var heard = Array.prototype.map.call(e.results, function (r) { return r[0].transcript; }).join("");
        if (heard) self.input.value = (self.input.value ? self.input.value + " " : "") + heard;
        self.onTyping();
      };
      listening.onerror = function () { self.showNotice("这个浏览器的语音识别现在用不了，请直接打字。"); };
      listening.onend = function () { listening = null; button.classList.remove("pl-on"); self.input.focus(); };
      button.classList.add("pl-on");
      try { listening.start(); } catch (e) { listening = null; button.classList.remove("pl-on"); }
    }
    function stop() { if (listening) listening.stop(); }
    button.addEventListener("pointerdown", start);
    button.addEventListener("pointerup", stop);
    button.addEventListener("pointerleave", stop);
    button.addEventListener("keydown", function (e) { if ((e.key === " " || e.key === "Enter") && !e.repeat) start(e); });
    button.addEventListener("keyup", function (e) { if (e.key === " " || e.key === "Enter") stop(); });
    return button;
  };

  // -- the widget -------------------------------------------------------------------------------
  function Widget(root, config, session) {
    this.root = root;
    this.config = config;
    this.setSession(session);
    var query = new URLSearchParams(window.location.search);
    this.examPersona = root.getAttribute("data-persona") || query.get("persona") || "";
    this.examSeed = root.getAttribute("data-seed") || query.get("seed") || "";
    this.trainee = root.getAttribute("data-trainee") || query.get("trainee") || "";
    if (!this.trainee) { try { this.trainee = window.localStorage.getItem("peilian.trainee") || ""; } catch (e) {} }
    this.voice = new Voice();
    root.classList.add("pl-widget");
    root.setAttribute("role", "region");
    root.setAttribute("aria-label", "陪练 · 销售电话演练");
    // Said to screen readers when it changes (the ring count, the score): outside the screens, so it
    // survives each screen's redraw and is already on the page when its text changes.
    this.announcer = el("p", { class: "pl-sr pl-announce", role: "status", "aria-live": "polite" });
    this.home();
  }

  Widget.prototype.setSession = function (session) {
    this.user = session.user || null;
    this.openPractice = !!session.open_practice;
    if (session.csrf_token) this.csrf = session.csrf_token;
  };

  Widget.prototype.get = function (path) { return request("GET", path); };

  Widget.prototype.post = function (path, body, retried) {
    var self = this;
    return request("POST", path, body, this.csrf).then(function (response) {
      // The session expired or was renewed elsewhere: take its fresh token and try once more.
      if (response.status === 403 && response.body.reason === "csrf" && !retried) {
        return self.refreshSession().then(function () { return self.post(path, body, true); });
      }
      return response;
    });
  };

  Widget.prototype.refreshSession = function () {
    var self = this;
    return this.get("api/session").then(function (response) {
      if (response.status === 200) self.setSession(response.body);
    });
  };

  Widget.prototype.callPath = function (action) {
    return "api/calls/" + encodeURIComponent(this.callId) + (action ? "/" + action : "");
  };

  // The name the trainee practises under: the account, or the name typed in open practice.
  Widget.prototype.who = function () { return this.user ? this.user.username : this.trainee; };

  Widget.prototype.screen = function (name, children) {
    this.stopTimers();
    this.root.textContent = "";
    this.root.setAttribute("data-screen", name);
    var self = this;
    children.forEach(function (child) { if (child) self.root.appendChild(child); });
    this.announcer.textContent = "";  // a new screen: what was said on the last one is stale
    this.root.appendChild(this.announcer);
  };

  // Focus the control the trainee needs next after a transition the widget made on its own (a ring,
  // an answer, a hang-up): unless the focus is outside the widget, on the page that embeds it.
  Widget.prototype.focusNext = function (node) {
    var active = document.activeElement;
    if (node && (!active || active === document.body || this.root.contains(active))) node.focus();
  };

  Widget.prototype.announce = function (text) { this.announcer.textContent = text; };

  Widget.prototype.stopTimers = function () {
    window.clearTimeout(this.ringTimer);
    window.clearTimeout(this.silenceTimer);
    window.clearTimeout(this.thinkingTimer);
    window.clearInterval(this.timerHandle);
  };

  // The lobby if this visitor may practise (logged in, or open practice), else the login form.
  Widget.prototype.home = function (notice) {
    var self = this;
    if (!this.user && !this.openPractice) return this.login(notice);
    this.screen("loading", [el("p", { class: "pl-hint", text: "正在加载场景……" })]);
    this.get("api/personas").then(function (response) {
      if (response.status === 200) return self.lobby(response.body.personas || [], notice);
      if (response.status === 401) {  // open practice was switched off since the page loaded
        return self.refreshSession().then(function () { self.login("请先登录。"); });
      }
      self.lobby(null, problem(response, "加载场景"));  // e.g. an account whose role does not practise
    });
  };

  // -- logging in and out -----------------------------------------------------------------------
  Widget.prototype.login = function (notice) {
    var self = this;
    var username = el("input", { type: "text", name: "username", autocomplete: "username", maxlength: "64" });
    var password = el("input", { type: "password", name: "password", autocomplete: "current-password" });
    var error = el("p", { class: "pl-error", role: "alert", text: notice || "" });
    var submit = el("button", { class: "pl-primary pl-login", type: "submit", text: "登录" });
    var form = el("form", { class: "pl-login-form" }, [
      field("用户名", username), field("密码", password), error, submit,
      this.openPractice ? el("button", { class: "pl-secondary pl-back", type: "button", text: "返回",
                                         onclick: function () { self.home(); } }) : null
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!username.value.trim() || !password.value) { error.textContent = "请输入用户名和密码。"; return; }
      submit.disabled = true;
      error.textContent = "";
      self.post("api/login", { username: username.value.trim(), password: password.value }).then(function (response) {
        submit.disabled = false;
        if (response.status === 200) { self.setSession(response.body); return self.home(); }
        password.value = "";
        password.focus();
        if (response.status === 401) error.textContent = "用户名或密码错误。";
        else if (response.status === 429) error.textContent = "尝试次数过多，请" + (response.body.retry_after || 60) + "秒后再试。";
        else error.textContent = problem(response, "登录");
      });
    });
    this.screen("login", [
      el("h1", { class: "pl-title", text: "陪练 · 销售电话演练" }),
      el("p", { class: "pl-hint", text: this.openPractice ? "登录后，练习记录保存在你的账号下。" : "请用培训账号登录后开始练习。" }),
      form
    ]);
    username.focus();
  };

  Widget.prototype.logout = function () {
    var self = this;
    this.post("api/logout", {}).then(function (response) {
      if (response.status === 200) { self.setSession(response.body); return self.home(); }
      self.home(problem(response, "退出登录"));
    });
  };

  // Who is practising: the account with 退出登录, or (open practice) a name field and 登录.
  Widget.prototype.account = function (nameInput) {
    var self = this;
    if (this.user) {
      return el("div", { class: "pl-account" }, [
        el("span", { class: "pl-hint", text: "已登录" }),
        el("span", { class: "pl-user", text: "「" + this.user.username + "」" }),
        el("button", { class: "pl-link pl-logout", type: "button", text: "退出登录", onclick: function () { self.logout(); } })
      ]);
    }
    return el("div", {}, [
      field("你的姓名或工号", nameInput),
      el("div", { class: "pl-account" }, [
        el("span", { class: "pl-hint", text: "开放练习，无需登录。有培训账号？" }),
        el("button", { class: "pl-link pl-show-login", type: "button", text: "登录", onclick: function () { self.login(); } })
      ])
    ]);
  };

  // -- the lobby --------------------------------------------------------------------------------
  // personas: the cards, or null when they could not be loaded (the notice says why).
  Widget.prototype.lobby = function (personas, notice) {
    var self = this;
    var nameInput = this.user ? null : el("input", { class: "pl-trainee", type: "text", maxlength: "40", value: this.trainee,
                                                     placeholder: "如：李明 或 工号 S1024", autocomplete: "name" });
    var error = el("p", { class: "pl-error", role: "alert", text: notice || "" });
    function start(persona) {
      if (nameInput) {
        var trainee = nameInput.value.trim();
        if (!trainee) {
          error.textContent = "请先填写你的姓名或工号。";
          nameInput.focus();
          return;
        }
        self.trainee = trainee;
        try { window.localStorage.setItem("peilian.trainee", trainee); } catch (e) {}
      }
      self.startCall(persona);
    }
    var list;
    var exam = this.examPersona && personas && personas.filter(function (p) { return p.id === self.examPersona; })[0];
    if (!personas) {
      list = null;
    } else if (this.examPersona && !exam) {
      list = el("p", { class: "pl-error", text: "考试链接中的场景「" + this.examPersona + "」不存在或暂不可用，请联系培训师。" });
    } else if (exam && this.examSeed && !validSeed(this.examSeed)) {
      list = el("p", { class: "pl-error", text: "考试链接中的 seed「" + this.examSeed + "」无效（应为 0–" + MAX_SEED + " 的整数），请联系培训师。" });
    } else if (exam) {
      list = el("div", { class: "pl-exam" }, [
        el("p", { class: "pl-exam-title", text: "考试场景：" + exam.title }),
        el("p", { class: "pl-tags", text: [exam.industry_label, exam.direction_label, exam.difficulty_label].join(" · ") }),
        el("button", { class: "pl-primary pl-start-exam", type: "button", text: "开始考试", onclick: function () { start(exam); } })
      ]);
    } else if (!personas.length) {
      list = el("p", { class: "pl-error", text: "还没有已发布的场景：请培训师在「客户角色」页面（/personas）发布一个角色。" });
    } else {
      list = el("div", { class: "pl-personas" }, personas.map(function (p) {
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
    var voiceSwitch = el("input", { type: "checkbox", class: "pl-voice-switch" });
    voiceSwitch.checked = this.voice.on;
    voiceSwitch.addEventListener("change", function () { self.voice.setOn(voiceSwitch.checked); });
    this.screen("lobby", [
      el("h1", { class: "pl-title", text: "陪练 · 销售电话演练" }),
      this.account(nameInput),
      el("div", { class: "pl-options" }, [
        el("label", { class: "pl-voice" }, [voiceSwitch, el("span", { text: "语音：朗读客户的话" +
          (this.voice.Recognition ? "，可按住「按住说话」用语音回答" : "") })]),
        el("a", { class: "pl-link pl-my-calls", href: BASE + "calls", text: "我的通话与进步" })
      ]),
      error,
      list ? el("h2", { text: exam ? "考试" : "选择场景" }) : null,
      list
    ]);
    // Back from a call (再练一次): focus the next choice, not the page's body: the name if it is
    // empty, else the exam's start or the first scenario. (Not on first load: the host page's.)
    if (this.persona) {
      var next = nameInput && !nameInput.value.trim() ? nameInput : this.root.querySelector(".pl-start-exam, .pl-persona");
      this.focusNext(next);
    }
  };

  // -- one call ---------------------------------------------------------------------------------
  // seed: the same customer lines again (a retry of a call, or an exam link's seed).
  Widget.prototype.startCall = function (persona, seed) {
    var self = this;
    this.persona = persona;
    this.callId = null;
    this.rings = null;
    this.ended = false;
    this.busy = false;
    this.scorecard = null;
    this.connectedAt = null;
    this.tones = this.tones || new Tones();
    this.voice.stop();  // the last call's customer says no more
    if (this.tones.ctx && this.tones.ctx.state === "suspended") this.tones.ctx.resume();
    this.callScreen(persona);
    this.setStatus("正在接通……");

    var body = { persona: persona.id };
    if (typeof seed === "number") body.seed = seed;
    else if (this.examSeed && persona.id === this.examPersona) body.seed = Number(this.examSeed);
    if (!this.user) body.trainee = this.trainee;
    this.post("api/calls", body).then(function (response) {
      if (response.status === 201 || response.status === 200) {
        self.callId = response.body.call.id;
        return (response.body.call.direction || persona.direction) === "outbound" ? self.readyToDial() : self.ring();
      }
      if (response.status === 401) return self.refreshSession().then(function () { self.home("请先登录。"); });
      self.home(response.body.field === "persona" ? "这个场景暂时不可用（角色文件有误），请换一个场景。"
                                                   : problem(response, "发起通话"));
    });
  };

  Widget.prototype.callScreen = function (persona) {
    var self = this;
    this.status = el("p", { class: "pl-status", role: "status" });
    this.timer = el("span", { class: "pl-timer", text: "00:00" });
    // The call so far: a log (new lines are read out), focusable so the keyboard can scroll it back;
    // its lines are a list inside it (a list cannot itself take the log role).
    this.log = el("ol", { class: "pl-lines" });
    this.logBox = el("div", { class: "pl-log", role: "log", tabindex: "0", "aria-label": "通话内容" }, [this.log]);
    this.notice = el("p", { class: "pl-notice", role: "alert" });
    this.input = el("textarea", { class: "pl-input", rows: "2", placeholder: "输入你要说的话，回车发送", disabled: true,
                                  "aria-label": "你要说的话（回车发送，Shift+回车换行）" });
    this.count = el("span", { class: "pl-count", text: "0/" + this.config.max_message_chars });
    this.send = el("button", { class: "pl-send", type: "button", text: "发送", disabled: true,
                               onclick: function () { self.say(); } });
    this.hangUpButton = el("button", { class: "pl-hangup", type: "button", text: "挂断", disabled: true,
                                       onclick: function () { self.hangUp(); } });
    this.action = el("div", { class: "pl-action" });
    this.input.addEventListener("input", function () { self.onTyping(); });
    this.input.addEventListener("keydown", function (event) {
      // keyCode 229: Safari's Enter that commits an IME composition arrives with isComposing false.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        self.say();
      }
    });
    var header = el("div", { class: "pl-header" }, [
      el("div", {}, [
        el("h1", { class: "pl-caller", text: persona.direction === "outbound"
          ? "去电 · " + persona.customer + " " + persona.phone : "来电 · 客户" }),
        el("p", { class: "pl-subtitle", text: persona.title + " · " + persona.company }),
        el("p", { class: "pl-me", text: "学员：" + this.who() })
      ]),
      this.timer
    ]);
    this.screen("call", [
      header, this.status, this.action, this.logBox, this.notice,
      el("div", { class: "pl-compose" }, [this.input, el("div", { class: "pl-buttons" }, [this.count, this.talkButton(), this.send, this.hangUpButton])])
    ]);
  };

  Widget.prototype.missedAfter = function () { return this.config.missed_after_rings || 10; };

  // Inbound: the phone rings from the moment the server created the call; the server counts the
  // rings itself when the trainee picks up, so this counter is only what the trainee hears.
  Widget.prototype.ring = function () {
    var self = this;
    this.ringStart = Date.now();
    this.ringCount = 0;
    this.counter = el("p", { class: "pl-rings" });
    this.pickUpButton = el("button", { class: "pl-primary pl-pickup", type: "button", text: "接听",
                                       onclick: function () { self.pickUp(); } });
    this.action.textContent = "";
    this.action.appendChild(el("div", { class: "pl-ringing" }, [
      el("span", { class: "pl-bell", "aria-hidden": "true", text: "☎" }), this.counter, this.pickUpButton]));
    this.setStatus("来电响铃中……铃响三声内接听");
    this.keepRinging();
    this.focusNext(this.pickUpButton);
  };

  // One ring at 0 and one every ring_ms, counted from the clock so a retry after a failed
  // pick-up continues the count instead of restarting it.
  Widget.prototype.keepRinging = function () {
    var self = this, ms = this.config.ring_ms;
    var rings = Math.floor((Date.now() - this.ringStart) / ms) + 1;
    if (rings > this.missedAfter()) return this.missed();
    if (rings !== this.ringCount) {
      this.ringCount = rings;
      this.counter.textContent = "响铃 " + rings + " 声";
      this.announce("来电，响铃 " + rings + " 声");
      this.counter.setAttribute("data-rings", String(rings));
      this.tones.ring(ms);
    }
    this.ringTimer = window.setTimeout(function () { self.keepRinging(); }, this.ringStart + rings * ms - Date.now());
  };

  Widget.prototype.pickUp = function () {
    var self = this;
    window.clearTimeout(this.ringTimer);
    this.pickUpButton.disabled = true;
    this.post(this.callPath("answer")).then(function (response) {
      if (response.status === 200) {
        return self.answered(response.body, "已接听（铃响 " + response.body.rings + " 声）。请先开口问候客户。");
      }
      if (response.body.reason === "missed") return self.missed();
      if (response.body.reason === "already_answered") return self.catchUp();
      self.showNotice(problem(response, "接听"));
      if (!failed(response)) return self.abandon();  // refused for good (e.g. a broken persona)
      self.pickUpButton.disabled = false;  // the network: the phone keeps ringing, try again
      self.keepRinging();
    });
  };

  Widget.prototype.missed = function () {
    // Tell the server, so the call is stored as missed rather than left ringing (best effort).
    if (this.callId) this.post(this.callPath("hangup"));
    this.abandon();
    this.setStatus("未接来电：铃响" + this.missedAfter() + "声没人接，客户挂断了。记住「铃响三声内接听」。");
  };

  // A call that ends without being graded: only "再练一次" is left.
  Widget.prototype.abandon = function () {
    this.stopTimers();
    this.ended = true;
    this.action.textContent = "";
    this.focusNext(this.action.appendChild(this.againButton()));
  };

  // Outbound: the trainee dials; the customer picks up and speaks first.
  Widget.prototype.readyToDial = function () {
    var self = this;
    this.setStatus("准备拨打 " + this.persona.customer + "（" + this.persona.phone + "）");
    this.action.textContent = "";
    this.focusNext(this.action.appendChild(el("button", { class: "pl-primary pl-dial", type: "button", text: "拨号",
                                                          onclick: function () { self.dial(); } })));
  };

  Widget.prototype.dial = function () {
    var self = this;
    this.action.textContent = "";
    this.showNotice("");
    this.setStatus("正在呼叫 " + this.persona.customer + "……");
    this.tones.ringBack(this.config.ring_ms);
    this.ringTimer = window.setTimeout(function () {
      self.post(self.callPath("answer")).then(function (response) {
        if (response.status === 200) return self.answered(response.body, "客户接听了。");
        if (response.body.reason === "already_answered") return self.catchUp();
        if (failed(response)) self.readyToDial(); else self.abandon();
        self.showNotice(problem(response, "拨号"));
      });
    }, Math.min(this.config.ring_ms, 1500));
  };

  Widget.prototype.answered = function (answer, status) {
    this.rings = answer.rings;
    this.action.textContent = "";
    this.showNotice("");
    this.connected(status);
    this.hear(answer);
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
    this.armSilence();
  };

  // The quiet timer restarts whenever either side speaks or the trainee types.
  Widget.prototype.armSilence = function () {
    var self = this;
    window.clearTimeout(this.silenceTimer);
    if (this.ended || !this.connectedAt) return;
    this.silenceTimer = window.setTimeout(function () { self.silent(); }, this.config.silence_ms || SILENCE_MS);
  };

  Widget.prototype.silent = function () {
    var self = this;
    if (this.ended || this.busy) return;
    if (this.input.value.trim()) return this.armSilence();  // still writing: not silence
    this.busy = true;
    this.post(this.callPath("turns"), { silence: true }).then(function (response) {
      self.busy = false;
      self.onTyping();
      if (response.status === 200) return self.hear(response.body);
      if (response.body.reason === "ended") return self.catchUp();
      self.armSilence();
    });
  };

  // The customer's lines in an answer, and the end of the call if it ended.
  Widget.prototype.hear = function (answer) {
    var self = this;
    (answer.messages || []).forEach(function (message) {
      if (message && typeof message.text === "string" && message.text) {
        self.addLine("customer", message.text);
        self.voice.speak(message);
      }
    });
    if (answer.ended) {
      this.scorecard = answer.scorecard || null;
      this.end(endStatus(answer.hangup_by));
    } else {
      this.armSilence();
    }
  };

  // When an answer was lost (the server acted, the reply never arrived): catch up with the stored
  // call. Its turns are stored when it ends; until then the lines on screen are kept.
  Widget.prototype.catchUp = function () {
    var self = this;
    return retried(function () { return self.get(self.callPath()); }).then(function (response) {
      if (response.status !== 200) return self.showNotice(problem(response, "读取通话"));
      var call = response.body.call, turns = call.turns || [];
      if (turns.length) self.log.textContent = "";
      turns.forEach(function (turn) { self.addLine(turn.speaker === "trainee" ? "trainee" : "customer", turn.text); });
      if (!self.connectedAt) {
        self.rings = call.rings;
        self.action.textContent = "";
        self.connected(call.rings ? "已接听（铃响 " + call.rings + " 声）。" : "客户接听了。");
      }
      if (call.ended_at || call.hangup_by) {
        self.scorecard = call.scorecard || null;
        self.end(endStatus(call.hangup_by));
      }
    });
  };

  Widget.prototype.setStatus = function (text) { this.status.textContent = text; };

  Widget.prototype.showNotice = function (text) { this.notice.textContent = text; };

  Widget.prototype.onTyping = function () {
    var length = this.input.value.length, max = this.config.max_message_chars;
    this.count.textContent = length + "/" + max;
    this.count.classList.toggle("pl-over", length > max);
    this.send.disabled = this.ended || this.busy || !this.input.value.trim();
    if (!this.busy) this.armSilence();
  };

  // One turn at a time, so the customer's answers stay in order.
  Widget.prototype.say = function () {
    if (this.ended || this.input.disabled || this.busy) return;
    var self = this, text = this.input.value.trim(), max = this.config.max_message_chars;
    if (!text) return;  // empty messages are never sent
    if (text.length > max) {
      this.showNotice("这句话有" + text.length + "个字，超过了" + max + "字的上限，没有发送。电话里请简明扼要，分几句说。");
      return;
    }
    this.showNotice("");
    var said = this.addLine("trainee", text);
    this.input.value = "";
    this.busy = true;
    window.clearTimeout(this.silenceTimer);
    this.onTyping();
    this.thinking(true);
    this.post(this.callPath("turns"), { text: text }).then(function (response) {
      self.thinking(false);
      self.busy = false;
      self.onTyping();
      if (response.status === 200 && response.body.unheard) {
        // The customer's side dropped the turn (a server restarting): said in character, and the
        // words are offered again; the line on screen says it was not heard.
        said.classList.add("pl-unheard");
        said.appendChild(el("span", { class: "pl-unheard-mark", text: "对方没听到" }));
        self.giveBack(text);
        self.showNotice("这句话客户没听到，已放回输入框，可以再发一次。");
        return self.hear(response.body);
      }
      if (response.status === 200) return self.hear(response.body);
      if (response.body.reason === "ended") return self.catchUp();
      // Not said: take the line back and return the words to the input, so nothing is lost.
      self.log.removeChild(said);
      self.giveBack(text);
      self.showNotice(response.status === 400 && REASONS[response.body.reason]
        ? REASONS[response.body.reason] : problem(response, "发送") + " 这句话已放回输入框，可以再发一次。");
    });
  };

  Widget.prototype.giveBack = function (text) {
    this.input.value = text + (this.input.value ? "\n" + this.input.value : "");
    this.onTyping();
  };

  // 「对方正在说…」 when the answer takes longer than a phone pause; gone when it arrives.
  Widget.prototype.thinking = function (on) {
    var self = this;
    window.clearTimeout(this.thinkingTimer);
    if (this.thinkingLine && this.thinkingLine.parentNode) this.thinkingLine.parentNode.removeChild(this.thinkingLine);
    this.thinkingLine = null;
    if (!on) return;
    this.thinkingTimer = window.setTimeout(function () {
      self.thinkingLine = self.log.appendChild(el("li", { class: "pl-line pl-thinking" }, [
        el("span", { class: "pl-who", text: "客户" }), el("span", { class: "pl-text", text: "对方正在说……" })
      ]));
      self.logBox.scrollTop = self.logBox.scrollHeight;
    }, THINKING_AFTER_MS);
  };

  Widget.prototype.hangUp = function () {
    if (this.ended) return;
    var self = this;
    this.hangUpButton.disabled = true;
    this.post(this.callPath("hangup")).then(function (response) {
      if (response.status === 200) return self.hear(response.body);
      if (response.status === 409) return self.catchUp();
      self.hangUpButton.disabled = false;
      self.showNotice(problem(response, "挂断"));
    });
  };

  Widget.prototype.addLine = function (who, text) {
    var node = this.log.appendChild(line(who, text));
    this.logBox.scrollTop = this.logBox.scrollHeight;
    return node;
  };

  Widget.prototype.end = function (status) {
    if (this.ended) return;
    var self = this;
    this.ended = true;
    this.stopTimers();
    this.input.disabled = true;
    this.send.disabled = true;
    this.hangUpButton.disabled = true;
    this.setStatus(status + "通话时长 " + this.timer.textContent + "。");
    this.action.textContent = "";
    // The text box is disabled now: the focus goes on to the next step, not to the page.
    this.focusNext(this.action.appendChild(el("button", { class: "pl-primary pl-to-card", type: "button",
                                                          text: "填写" + this.cardForm().title,
                                                          onclick: function () { self.recordCard(); } })));
  };

  Widget.prototype.againButton = function () {
    var self = this;
    return el("button", { class: "pl-secondary pl-again", type: "button", text: "再练一次",
                          onclick: function () { self.home(); } });
  };

  // -- after the call: the record card, then the results ----------------------------------------
  // The card for this kind of call (record_card.FORMS): 来电客户信息表 inbound; on an outbound call
  // the name and number the trainee dialled are known, shown filled in and read-only.
  Widget.prototype.cardForm = function (direction) {
    direction = direction || (this.persona && this.persona.direction) || "inbound";
    return this.config.record_card.forms[direction] || this.config.record_card.forms.inbound;
  };

  Widget.prototype.recordCard = function () {
    var self = this;
    var inputs = {};
    var card = this.config.record_card, form = this.cardForm();
    var known = { name: this.persona.customer || "", phone: this.persona.phone || "" };
    var fields = card.fields.map(function (f) {
      if (form.known.indexOf(f.id) >= 0) {
        inputs[f.id] = el("input", { type: "text", name: f.id, value: known[f.id], readonly: true,
                                     class: "pl-known", "aria-readonly": "true" });
      } else if (f.id === "class") {
        inputs[f.id] = el("select", { name: f.id }, [el("option", { value: "", text: "请选择客户等级" })].concat(
          card.classes.map(function (c) { return el("option", { value: c["class"], text: c["class"] + "类：" + c.meaning }); })));
      } else {
        inputs[f.id] = el("input", { type: "text", name: f.id, maxlength: String(card.max_chars),
                                     placeholder: PLACEHOLDERS[f.id] || "" });
      }
      return field(f.label, inputs[f.id]);
    });
    var error = el("p", { class: "pl-error", role: "alert" });
    var submit = el("button", { class: "pl-primary pl-submit-card", type: "submit", text: "提交并查看评分" });
    var cardForm = el("form", { class: "pl-card-form" }, fields.concat([error, submit]));
    cardForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      Object.keys(inputs).forEach(function (key) { answers[key] = inputs[key].value.trim(); });
      if (!answers["class"]) { error.textContent = "请选择客户等级（A–E）。"; return; }
      submit.disabled = true;
      error.textContent = "";
      self.post(self.callPath("record-card"), { card: answers }).then(function (response) {
        if (response.status === 200) return self.showResults(response.body.record_card, response.body.scorecard);
        if (response.body.reason === "already_submitted") return self.showResults(null, null);
        submit.disabled = false;
        error.textContent = problem(response, "提交");
      });
    });
    this.screen("record-card", [
      el("h1", { class: "pl-title", text: form.title }),
      el("p", { class: "pl-hint", text: form.hint }),
      cardForm
    ]);
    (form.known.indexOf("name") >= 0 ? inputs.interest : inputs.name).focus();
  };

  // The results come from the server: the record-card answer, completed by the stored call
  // (its scorecard when the answer had none, the trainee's name and the transcript).
  Widget.prototype.showResults = function (record, scorecard) {
    var self = this;
    return this.get(this.callPath()).then(function (response) {
      var call = response.status === 200 && response.body.call ? response.body.call : {};
      self.results(record || call.record_card, scorecard || call.scorecard, call);
    });
  };

  // The score and the four core criteria first, then the whole call with the graded words marked,
  // then the record-card check; a retry of the same call or the next scenario at the end.
  Widget.prototype.results = function (record, scorecard, call) {
    var self = this, turns = call.turns || [], number = {}, count = 0;
    turns.forEach(function (turn) { if (turn.speaker === "trainee") number[turn.n] = ++count; });
    var title = el("h1", { class: "pl-title", text: "通话结果", tabindex: "-1" });
    this.screen("results", [
      title,
      el("p", { class: "pl-me", text: "学员：" + (call.trainee || this.who()) }),
      this.scorecardView(scorecard, number),
      el("p", { class: "pl-hint" }, [el("a", { class: "pl-standard-link", href: BASE + "standard", target: "_blank",
                                               rel: "noopener", text: "评分标准（每一项的要求和示范用语）" })]),
      turns.length ? el("h2", { text: "通话记录（标出的是评分依据）" }) : null,
      turns.length ? transcriptView(turns, scorecard, number) : null,
      record ? this.recordView(record, this.cardForm(call.direction))
        : el("p", { class: "pl-error", text: "没有读取到" + this.cardForm(call.direction).title + "的检查结果，请刷新后重试。" }),
      // The evaluator's review, its comments and (with an account) disputes live on the call's page.
      el("p", { class: "pl-hint" }, [el("a", { class: "pl-review-link", href: BASE + "calls/" + encodeURIComponent(this.callId),
                                               target: "_blank", rel: "noopener", text: "查看评估员审阅 / 申诉" })]),
      el("div", { class: "pl-next-steps" }, [
        typeof call.seed === "number" && this.persona ? el("button", {
          class: "pl-primary pl-retry", type: "button", text: "再打一次这通电话（同一位客户）",
          onclick: function () { self.startCall(self.persona, call.seed); } }) : null,
        el("button", { class: "pl-secondary pl-next", type: "button", text: "下一个场景",
                       onclick: function () { self.nextScenario(); } }),
        this.againButton()
      ])
    ]);
    title.focus();
    this.announce(scorecard ? "通话结果：" + scorecard.score + " / " + scorecard.max_score + " 分" : "通话结果：这次通话没有评分");
  };

  // The scenario after this one in the lobby's order (the first after the last).
  Widget.prototype.nextScenario = function () {
    var self = this, current = this.persona ? this.persona.id : null;
    this.get("api/personas").then(function (response) {
      var personas = response.status === 200 ? response.body.personas || [] : [];
      if (!personas.length) return self.home(problem(response, "读取场景"));
      var index = personas.map(function (p) { return p.id; }).indexOf(current);
      self.startCall(personas[(index + 1) % personas.length]);
    });
  };

  // Who said a turn, as the results count them: 你的第N句 (the trainee's own turns), or 客户.
  function turnName(n, number) {
    return number[n] ? "你的第" + number[n] + "句" : "客户的话";
  }

  // The whole call; the words each criterion quoted are marked in place (green passed, red failed),
  // with the criterion's name as the mark's title and, for screen readers, in the text.
  function transcriptView(turns, scorecard, number) {
    var marks = {};
    ((scorecard && scorecard.criteria) || []).forEach(function (c) {
      (c.evidence || []).forEach(function (e) {
        var end = typeof e.end === "number" ? e.end : (e.text || "").length;
        if (end > (e.start || 0)) (marks[e.turn] = marks[e.turn] || []).push({ start: e.start || 0, end: end, c: c });
      });
    });
    return el("ol", { class: "pl-log pl-transcript", tabindex: "0", "aria-label": "通话记录" }, turns.map(function (turn) {
      var who = turn.speaker === "trainee" ? "trainee" : "customer", text = turn.text, pieces = [], at = 0;
      (marks[turn.n] || []).sort(function (a, b) { return a.start - b.start || b.end - a.end; }).forEach(function (m) {
        if (m.start < at || m.end > text.length) return;  // overlapping quotes: the first one shows
        if (m.start > at) pieces.push(text.slice(at, m.start));
        pieces.push(el("mark", { class: m.c.passed ? "pl-hit-ok" : "pl-hit-bad", title: m.c.label, "data-criterion": m.c.id }, [
          text.slice(m.start, m.end), el("span", { class: "pl-sr", text: "（" + m.c.label + (m.c.passed ? "，通过）" : "，未通过）") })
        ]));
        at = m.end;
      });
      if (at < text.length) pieces.push(text.slice(at));
      return el("li", { class: "pl-line pl-" + who, "data-turn": String(turn.n) }, [
        el("span", { class: "pl-who", text: who === "trainee" ? "我 · 第" + number[turn.n] + "句" : "客户" }),
        el("span", { class: "pl-text" }, pieces)
      ]);
    }));
  }

  Widget.prototype.recordView = function (record, form) {
    var fields = record.fields.map(function (f) {
      return el("li", { class: "pl-card-field " + (f.correct ? "pl-ok" : "pl-bad"), "data-field": f.field }, [
        el("div", { class: "pl-criterion-head" }, [
          el("span", { class: "pl-mark", text: f.correct ? "✓" : "✗", "aria-hidden": "true" }),
          el("span", { class: "pl-sr", text: f.correct ? "正确：" : "不对：" }),
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
    return el("section", { class: "pl-record-result" }, [
      el("h2", { text: form.title + "：" + record.correct + "/" + record.total + " 项正确" }),
      el("ol", { class: "pl-criteria" }, fields),
      el("h3", { text: "跟进节奏" })
    ].concat(cadence));
  };

  // number: transcript turn -> the trainee's own turn count (第N句 counts only what the trainee said).
  Widget.prototype.scorecardView = function (scorecard, number) {
    if (!scorecard) return el("p", { class: "pl-hint pl-unscored", text: "这次通话没有评分。" });
    number = number || {};
    var rubric = this.config.criteria || {};
    function item(c) {
      // One line per quoted turn: a criterion may quote several words of the same turn (turn, start, end, rule).
      var seen = {};
      var evidence = (c.evidence || []).filter(function (e) {
        return seen[e.turn] ? false : (seen[e.turn] = true);
      }).map(function (e) {
        return el("li", {}, [el("span", { class: "pl-turn", text: turnName(e.turn, number) }), el("q", { text: e.text })]);
      });
      return el("li", { class: "pl-criterion " + (c.passed ? "pl-ok" : "pl-bad"), "data-criterion": c.id }, [
        el("div", { class: "pl-criterion-head" }, [
          el("span", { class: "pl-mark", text: c.passed ? "✓" : "✗", "aria-hidden": "true" }),
          el("span", { class: "pl-sr", text: c.passed ? "通过：" : "未通过：" }),
          el("span", { class: "pl-criterion-name", text: c.label || c.id }),
          el("span", { class: "pl-points", text: c.points + "/" + c.max_points })
        ]),
        el("p", { class: "pl-feedback", text: c.feedback }),
        evidence.length ? el("ul", { class: "pl-evidence" }, evidence) : null,
        !c.passed && rubric[c.id] && rubric[c.id].better
          ? el("p", { class: "pl-better" }, [el("span", { class: "pl-better-label", text: "可以这样说：" }), el("q", { text: rubric[c.id].better })])
          : null
      ]);
    }
    var core = scorecard.criteria.filter(function (c, i) { return c.core === undefined ? i < 4 : c.core; });
    var rest = scorecard.criteria.filter(function (c) { return core.indexOf(c) < 0; });
    return el("section", { class: "pl-scorecard" }, [
      el("p", { class: "pl-total", role: "status" }, [
        el("span", { class: "pl-score", text: String(scorecard.score) }), " / " + scorecard.max_score + " 分"]),
      el("h2", { text: "核心项" }),
      el("ol", { class: "pl-criteria pl-core" }, core.map(item)),
      rest.length ? el("h2", { text: "其他各项" }) : null,
      rest.length ? el("ol", { class: "pl-criteria" }, rest.map(item)) : null
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
    Promise.all([request("GET", "api/session"), request("GET", "api/config")]).then(function (answers) {
      var bad = answers.filter(function (a) { return a.status !== 200; })[0];
      if (bad) {
        root.textContent = "陪练加载失败：" + (bad.status ? "服务器返回 " + bad.status : "无法连接 " + BASE) + "。请稍后刷新重试。";
        return;
      }
      root.peilian = new Widget(root, answers[1].body, answers[0].body);
    }).catch(function (error) {
      root.textContent = "陪练加载失败：" + error.message;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
