"use strict";
(() => {
  const config = JSON.parse(document.getElementById("noask-config").textContent);
  // Every sentence for a failure, from functions/draft_api/templates/failures.toml: this script holds none of its own.
  const FAILURES = config.failures;
  const PAGE_SIZE = 10;
  // A deployed draft gets at most 30 seconds (API Gateway's limit); the page waits a little longer, then gives up.
  const SLOW_DRAFT_MS = 8_000;
  const DRAFT_WAIT_MS = 40_000;

  const $ = (id) => document.getElementById(id);
  const form = $("draft-form");
  const submitButton = $("submit");
  const progress = $("progress");
  const formError = $("form-error");
  const FIELDS = ["target_bio", "pitch", "target_name", "sender_name", "sender_interests", "offer", "channel"];
  // The sender's own interests and offer are kept for the next draft, in this browser only.
  const REMEMBERED = ["sender_interests", "offer"];
  const REMEMBERED_KEY = "noask.sender";
  const REQUIRED = { target_bio: "Paste their bio: the message opens with something it says.", pitch: "Add a sentence or two about you." };

  // cursor: the next history page; shown: the draft in the result card; pending: the request awaiting an answer.
  const state = { cursor: null, shown: null, pending: null };
  const shownId = () => (state.shown ? state.shown.id : null);

  // Characters as the server counts them (code points, not UTF-16 units).
  const charCount = (text) => Array.from(text).length;
  // A field's length as sent: the form trims what it sends, so a pasted trailing newline costs nothing.
  const sentLength = (input) => charCount(input.value.trim());
  const wordCount = (text) => (text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || []).length;
  const formatNumber = (n) => n.toLocaleString("en-US");

  function el(tag, options = {}, children = []) {
    const node = document.createElement(tag);
    if (options.className) node.className = options.className;
    if (options.text !== undefined) node.textContent = options.text;
    for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  // One request per action at a time: a double click or a second Enter while the first is on its way does nothing
  // (adding an address twice mailed two codes, and the first no longer worked). Nothing is disabled, so focus stays put.
  const inFlight = new Set();
  async function once(key, work) {
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try { await work(); } finally { inFlight.delete(key); }
  }

  // ---- Sign-in -----------------------------------------------------------------------------
  // Deployed, the HTTP API's JWT authorizer wants a Cognito ID token (its audience is the app client).
  // The page gets one from Cognito's managed login by the OAuth 2.0 authorization code flow with PKCE,
  // and keeps it in sessionStorage: it ends with the tab and is never shared with other tabs.
  // Locally, `noask serve` stands in for the authorizer and config.signIn is null: no sign-in at all.
  const signIn = config.signIn;
  const SESSION_KEY = "noask.session"; // { idToken, refreshToken, expiresAt }
  const PENDING_KEY = "noask.signIn"; // { state, verifier } while the user is at the sign-in page
  const SAVED_FORM_KEY = "noask.form"; // what the user had typed, restored after signing in or coming back
  const SHOWN_KEY = "noask.shown"; // { draft, subject, body }: the draft in the result card as edited, likewise
  const FORM_FIELDS = ["target_bio", "pitch", "target_name", "sender_name", "sender_interests", "offer"];
  // A token this close to its expiry is refreshed first, so it cannot expire on its way to the API.
  const EXPIRY_MARGIN_MS = 60 * 1000;
  const SIGNED_OUT_MESSAGE = "Sign in to draft messages and keep them in your history.";
  const SESSION_ENDED_MESSAGE = "Your session has ended. Sign in again to carry on: what you typed is kept.";

  function stored(key) {
    try { return JSON.parse(window.sessionStorage.getItem(key)); } catch (_) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch (_) { /* storage is off: nothing survives a reload, a sign-in included */ }
  }

  const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const randomString = (size) => base64url(window.crypto.getRandomValues(new Uint8Array(size)));
  async function pkceChallenge(verifier) {
    const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    return base64url(new Uint8Array(digest));
  }

  function tokenClaims(token) {
    try {
      const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
    } catch (_) {
      return {};
    }
  }

  // POST to Cognito's token endpoint (form-encoded, no secret: a public client); the tokens, or null.
  async function requestTokens(fields) {
    try {
      const response = await fetch(signIn.tokenUrl, { method: "POST", body: new URLSearchParams({ client_id: signIn.clientId, ...fields }) });
      const tokens = response.ok ? await response.json() : null;
      return tokens && tokens.id_token ? tokens : null;
    } catch (_) {
      return null;
    }
  }

  function saveSession(tokens, refreshToken) {
    // A refresh answers with new ID and access tokens only: the refresh token stays the same.
    const session = { idToken: tokens.id_token, refreshToken: tokens.refresh_token || refreshToken, expiresAt: Date.now() + Number(tokens.expires_in || 0) * 1000 };
    store(SESSION_KEY, session);
    return session;
  }

  let refreshing = null;
  // The ID token to send, refreshed when it is about to expire; null when there is no session left.
  async function idToken() {
    const session = stored(SESSION_KEY);
    if (!session) return null;
    if (session.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return session.idToken;
    // Requests that find the token expired together share one refresh.
    if (!refreshing) {
      refreshing = requestTokens({ grant_type: "refresh_token", refresh_token: session.refreshToken }).then((tokens) => {
        refreshing = null;
        if (!tokens) store(SESSION_KEY, null);
        return tokens ? saveSession(tokens, session.refreshToken).idToken : null;
      });
    }
    return refreshing;
  }

  // Back from the sign-in page with ?code&state: check the state, then trade the code and the PKCE verifier for tokens.
  // Returns a message for the user when that failed, else null.
  async function completeSignIn() {
    const query = new URLSearchParams(window.location.search);
    if (!query.has("code") && !query.has("error")) return null;
    const pending = stored(PENDING_KEY);
    store(PENDING_KEY, null);
    // The code leaves the address bar and the browser history at once: it must not be bookmarked or shared.
    window.history.replaceState(null, "", window.location.pathname);
    if (!pending || !query.get("state") || query.get("state") !== pending.state) {
      return FAILURES.page.sign_in_elsewhere;
    }
    if (!query.has("code")) return FAILURES.page.sign_in_unfinished;
    const tokens = await requestTokens({ grant_type: "authorization_code", code: query.get("code"), redirect_uri: signIn.redirectUri, code_verifier: pending.verifier });
    if (!tokens) return FAILURES.page.sign_in_refused;
    saveSession(tokens, null);
    return null;
  }

  function showSignedIn(session) {
    const email = tokenClaims(session.idToken).email;
    $("signed-in-as").textContent = email ? `Signed in as ${email}` : "Signed in";
    $("signed-in").hidden = false;
    $("signed-out").hidden = true;
    $("app").hidden = false;
  }

  // `announce`: the user was busy with the page, so focus moves to the prompt for screen readers to read it.
  function showSignedOut(message, { announce = false } = {}) {
    $("signed-in").hidden = true;
    $("app").hidden = true;
    $("signed-out").hidden = false;
    $("sign-in-message").textContent = message;
    if (announce) $("sign-in-title").focus();
  }

  // Keeps what was typed, if anything: an empty form (a signed-out page's, say) never wipes what was kept before.
  function saveForm() {
    const fields = Object.fromEntries(FORM_FIELDS.map((name) => [name, $(name).value]));
    if (Object.values(fields).some((value) => value.trim())) store(SAVED_FORM_KEY, { ...fields, channel: currentChannel() });
  }
  // Leaving the page (a link, a sign-in, a reload) keeps what was typed and not yet drafted for when the user comes
  // back: the browser itself restores only some fields, and does so after the counters have counted the empty ones.
  // Once drafted, the words are in the history: a new visit starts with an empty form.
  let keepFormOnLeaving = true;
  let draftedForm = null; // the form's words as last drafted
  window.addEventListener("pagehide", () => {
    const drafted = draftedForm !== null && JSON.stringify(FORM_FIELDS.map((name) => $(name).value.trim())) === draftedForm;
    // A form in use that was emptied or drafted leaves nothing behind; a hidden one (signed out) leaves what was kept.
    if (!keepFormOnLeaving || drafted || !$("app").hidden) store(SAVED_FORM_KEY, null);
    if (keepFormOnLeaving && !drafted) saveForm();
    // The draft on show comes back too, with the edits made to it.
    const shown = keepFormOnLeaving && state.shown;
    store(SHOWN_KEY, shown ? { draft: state.shown, subject: $("result-subject").value, body: $("result-body").value } : null);
  });

  function restoreForm() {
    const saved = stored(SAVED_FORM_KEY);
    store(SAVED_FORM_KEY, null);
    if (!saved) return;
    for (const name of FORM_FIELDS) {
      if (typeof saved[name] === "string") $(name).value = saved[name];
      $(name).dispatchEvent(new Event("input"));
    }
    const channel = form.querySelector(`input[name="channel"][value="${CSS.escape(String(saved.channel))}"]`);
    if (channel) channel.checked = true;
  }

  if (signIn) {
    const signInForm = $("sign-in-form");
    signInForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      // The verifier waits in this origin's sessionStorage: the flow must start where it will end.
      if (window.location.origin !== new URL(signIn.redirectUri).origin) {
        window.location.assign(signIn.redirectUri);
        return;
      }
      saveForm();
      const pending = { state: randomString(16), verifier: randomString(32) };
      store(PENDING_KEY, pending);
      signInForm.elements.state.value = pending.state;
      signInForm.elements.code_challenge.value = await pkceChallenge(pending.verifier);
      signInForm.submit();
    });

    const signOutForm = $("sign-out-form");
    signOutForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const session = stored(SESSION_KEY);
      store(SESSION_KEY, null);
      keepFormOnLeaving = false;
      store(SAVED_FORM_KEY, null);
      store(SHOWN_KEY, null);
      forget(REMEMBERED_KEY);
      // Revoking the refresh token ends the session for good, not just in this tab. Best effort:
      // signing out of the managed login below happens whatever the answer.
      if (session && session.refreshToken) {
        try {
          await fetch(signIn.revokeUrl, { method: "POST", body: new URLSearchParams({ token: session.refreshToken, client_id: signIn.clientId }) });
        } catch (_) { /* the service is out of reach: the session is gone from this tab all the same */ }
      }
      signOutForm.submit();
    });
  }

  // A 401 means the API does not know who is calling: ask the user to sign in instead of showing an error.
  function requireSignIn() {
    if (signIn) {
      store(SESSION_KEY, null);
      showSignedOut(SESSION_ENDED_MESSAGE, { announce: true });
    } else {
      $("app").hidden = true;
      $("sign-in-unavailable").hidden = false;
    }
    return { ok: false, status: 401, error: null };
  }

  // ---- API calls ---------------------------------------------------------------------------
  // Resolves to { ok, status, data } or { ok: false, status, error }; error is null when the
  // failure is already shown (the sign-in prompt).
  // `waitMs`: give up after this long without an answer (the request may still complete: a retry reuses its key).
  async function api(method, path, body, headers = {}, { waitMs = 0 } = {}) {
    // Never from the browser's cache: coming back to the page, Chrome answered the history from it, without the
    // drafts made since.
    const init = { method, cache: "no-store", headers: { Accept: "application/json", ...headers } };
    const giveUp = new AbortController();
    if (waitMs) init.signal = giveUp.signal;
    if (signIn) {
      const token = await idToken();
      if (!token) return requireSignIn();
      init.headers.Authorization = `Bearer ${token}`;
    }
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    const timer = waitMs ? setTimeout(() => giveUp.abort(), waitMs) : null;
    try {
      response = await fetch(path, init);
    } catch (_) {
      if (giveUp.signal.aborted) return { ok: false, status: 0, error: { code: "timed_out", message: FAILURES.page.timed_out, field: null } };
      return { ok: false, status: 0, error: humanError(0, null) };
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 204) return { ok: true, status: 204, data: null };
    if (response.status === 401) return requireSignIn();
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (response.ok) return { ok: true, status: response.status, data };
    return { ok: false, status: response.status, error: humanError(response.status, data) };
  }

  // ---- Failures as sentences -----------------------------------------------------------------
  // The API words its errors for people; failures.toml (config.failures) covers what it cannot: answers from
  // API Gateway itself (no error envelope), bodies that are not JSON, and codes whose sentence is written for programs.
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  // Wording meant for programs: a validation library's phrases, identifiers, markup or a stack trace.
  const FOR_PROGRAMS = /\b[a-z]+_[a-z_]+\b|should (?:have|be|match)|field required|input should|value error|traceback|exception|\bnull\b|undefined|[<>{}[\]]/i;

  // The field's name as its form label shows it ("Their bio"), without the "optional" tag.
  function fieldLabel(field) {
    const label = document.querySelector(`label[for="${CSS.escape(field)}"]`);
    if (!label) return null;
    const copy = label.cloneNode(true);
    for (const tag of copy.querySelectorAll(".optional")) tag.remove();
    return copy.textContent.trim() || null;
  }

  // { code, message, field? } whose message a person can act on, whatever the server answered.
  function humanError(status, data) {
    const error = data && typeof data.error === "object" && data.error ? data.error : {};
    const code = typeof error.code === "string" ? error.code : `http_${status}`;
    const field = typeof error.field === "string" ? error.field : null;
    let message = typeof error.message === "string" ? error.message.trim() : "";
    if (Object.hasOwn(FAILURES.codes, code)) message = FAILURES.codes[code];
    if (!message || FOR_PROGRAMS.test(message)) {
      const label = field && fieldLabel(field);
      message = label && status === 422
        ? fill(FAILURES.fieldRefused, { label })
        : (Object.hasOwn(FAILURES.statuses, status) ? FAILURES.statuses[status] : FAILURES.other);
    }
    if (typeof error.correlation_id === "string" && /^[\w-]{1,100}$/.test(error.correlation_id)) {
      message += ` ${fill(FAILURES.reference, { id: error.correlation_id })}`;
    }
    return { code, message, field };
  }

  // ---- Counters ----------------------------------------------------------------------------
  function updateCounter(counter) {
    const input = $(counter.dataset.counterFor);
    const max = Number(input.dataset.maxChars);
    const used = sentLength(input);
    counter.textContent = `${formatNumber(used)} / ${formatNumber(max)}`;
    counter.classList.toggle("is-over", used > max);
  }
  for (const counter of document.querySelectorAll("[data-counter-for]")) {
    $(counter.dataset.counterFor).addEventListener("input", () => updateCounter(counter));
    updateCounter(counter);
  }
  // Coming back to the page, the browser may put back what was typed after this script counted: count again.
  window.addEventListener("pageshow", () => { for (const counter of document.querySelectorAll("[data-counter-for]")) updateCounter(counter); });

  // ---- Limits: text over a field's limit is kept and explained, never cut ----------------------
  // The fields have no maxlength: with one, the browser silently cuts a long paste and ignores typing.
  const plural = (n, word) => `${formatNumber(n)} ${word}${n === 1 ? "" : "s"}`;
  const lastPaste = new WeakMap(); // field -> characters of its latest paste, while that paste is the latest edit
  const overLimitFields = new WeakSet();

  // What to tell the user when the field is over its limit, else null.
  function limitProblem(input) {
    const max = Number(input.dataset.maxChars);
    const used = sentLength(input);
    if (used <= max) return null;
    const action = (input.form && input.form.dataset.limitAction) || "to go on";
    const over = plural(used - max, "character");
    const pasted = lastPaste.get(input);
    if (pasted > max) {
      return `Your paste was ${plural(pasted, "character")}; the ${input.dataset.limitName} field takes at most ${formatNumber(max)}. `
        + `Nothing was cut: shorten it by ${over} ${action}.`;
    }
    return `The ${input.dataset.limitName} field has ${plural(used, "character")}; it takes at most ${formatNumber(max)}. Shorten it by ${over} ${action}.`;
  }

  for (const input of document.querySelectorAll("[data-max-chars]")) {
    let pasting = 0;
    input.addEventListener("paste", (event) => {
      pasting = event.clipboardData ? charCount(event.clipboardData.getData("text")) : 0;
    });
    input.addEventListener("input", (event) => {
      if (event.inputType === "insertFromPaste") lastPaste.set(input, pasting);
      else lastPaste.delete(input);
      const problem = limitProblem(input);
      fieldMessage(input.id, problem);
      // Read out when the field goes over its limit or a paste leaves it over, not at every keystroke while it stays over.
      if (problem && (!overLimitFields.has(input) || event.inputType === "insertFromPaste")) $("limit-status").textContent = problem;
      if (problem) overLimitFields.add(input);
      else overLimitFields.delete(input);
    });
  }

  // Shows every over-long field of the form; the first of them, or null when none is.
  function overLimit(formElement) {
    let first = null;
    for (const input of formElement.querySelectorAll("[data-max-chars]")) {
      const problem = limitProblem(input);
      if (!problem) continue;
      fieldMessage(input.id, problem);
      first = first || input;
    }
    return first;
  }

  function currentChannel() {
    const checked = form.querySelector('input[name="channel"]:checked');
    return checked ? checked.value : "linkedin_message";
  }

  function updateDraftCounter() {
    const counter = $("result-counter");
    const spec = config.channels[state.shown.channel];
    const text = $("result-body").value;
    const used = charCount(text);
    const limit = spec.maxChars;
    counter.textContent = `${formatNumber(wordCount(text))} words · ${formatNumber(used)} / ${formatNumber(limit)} characters`;
    counter.classList.toggle("is-over", used > limit);
  }
  // The draft's box grows with its text, so a 200-character note is not lost in a tall empty box.
  function fitToContent(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = `${textarea.scrollHeight + 2}px`;
  }
  $("result-body").addEventListener("input", () => { fitToContent($("result-body")); updateDraftCounter(); });

  // ---- Errors next to their fields ---------------------------------------------------------
  function clearErrors() {
    formError.hidden = true;
    formError.textContent = "";
    for (const name of FIELDS) {
      const message = $(`${name}-error`);
      if (message) { message.hidden = true; message.textContent = ""; }
      const input = $(name);
      if (input) input.removeAttribute("aria-invalid");
    }
  }

  function showFieldError(name, text) {
    const message = $(`${name}-error`);
    if (!message) return false;
    message.textContent = text;
    message.hidden = false;
    const input = $(name) || form.querySelector(`input[name="${name}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
    return true;
  }

  function showError(error) {
    const field = error.field && FIELDS.includes(error.field) ? error.field : null;
    const text = error.message || FAILURES.other;
    if (field && showFieldError(field, text)) {
      ($(field) || form.querySelector(`input[name="${field}"]`)).focus();
      return;
    }
    formError.textContent = text;
    formError.hidden = false;
    formError.focus();
  }

  // ---- Drafting ----------------------------------------------------------------------------
  function readForm() {
    const value = (name) => $(name).value.trim();
    const request = { target_bio: value("target_bio"), pitch: value("pitch"), channel: currentChannel() };
    if (value("target_name")) request.target_name = value("target_name");
    for (const name of ["sender_name", ...REMEMBERED]) if (value(name)) request[name] = value(name);
    return request;
  }

  // ---- Remembered between drafts (localStorage: it outlives the tab, unlike the session) -------
  function remembered() {
    try { return JSON.parse(window.localStorage.getItem(REMEMBERED_KEY)) || {}; } catch (_) { return {}; }
  }
  function remember(request) {
    try {
      window.localStorage.setItem(REMEMBERED_KEY, JSON.stringify(Object.fromEntries(REMEMBERED.map((name) => [name, request[name] || ""]))));
    } catch (_) { /* storage is off: the fields start empty next time */ }
  }
  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (_) { /* nothing was kept */ }
  }
  function restoreRemembered() {
    const kept = remembered();
    for (const name of REMEMBERED) {
      if (typeof kept[name] === "string" && !$(name).value) {
        $(name).value = kept[name];
        $(name).dispatchEvent(new Event("input"));
      }
    }
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return Array.from(window.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setBusy(busy, message) {
    submitButton.disabled = busy;
    $("result-card").setAttribute("aria-busy", busy ? "true" : "false");
    progress.classList.toggle("is-busy", busy);
    progress.textContent = message;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submitButton.disabled) return;
    clearErrors();
    const request = readForm();
    const missing = Object.keys(REQUIRED).filter((name) => !request[name]);
    for (const name of missing) showFieldError(name, REQUIRED[name]);
    const tooLong = overLimit(form);
    if (missing.length || tooLong) {
      (missing.length ? $(missing[0]) : tooLong).focus();
      return;
    }
    // A retry of the very same request reuses its key, so a lost response never drafts twice.
    const body = JSON.stringify(request);
    if (!state.pending || state.pending.body !== body) state.pending = { body, key: newKey() };
    setBusy(true, "Drafting: reading the bio for an interest you share…");
    // A model can take most of the half minute a request is allowed: say so rather than spin in silence.
    const stillDrafting = setTimeout(() => { progress.textContent = "Still drafting: a language model can take up to half a minute."; }, SLOW_DRAFT_MS);
    const result = await api("POST", "/drafts", request, { "Idempotency-Key": state.pending.key }, { waitMs: DRAFT_WAIT_MS });
    clearTimeout(stillDrafting);
    if (!result.ok) {
      setBusy(false, "");
      if (result.error) showError(result.error);
      return;
    }
    state.pending = null;
    draftedForm = JSON.stringify(FORM_FIELDS.map((name) => $(name).value.trim()));
    remember(request);
    setBusy(false, "Your draft is ready.");
    showDraft(result.data);
    addToHistory(result.data, { prepend: true });
    $("result-title").focus();
  });

  // The hint names the key this keyboard has (⌘ on a Mac); on touch-only devices the stylesheet hides it.
  const platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
  if (/Mac|iPhone|iPad/.test(platform) || /Macintosh/.test(navigator.userAgent)) $("shortcut-key").textContent = "⌘";
  // A tablet with a keyboard but no trackpad looks like a phone to the stylesheet: the first key that only a physical
  // keyboard sends (a modifier, Tab, an arrow…; an on-screen keyboard types characters) shows the hint.
  const PHYSICAL_KEY = /^(?:Tab|Escape|Arrow(?:Up|Down|Left|Right)|Home|End|PageUp|PageDown|F[0-9]{1,2})$/;
  document.addEventListener("keydown", function sawKeyboard(event) {
    if (!(event.ctrlKey || event.metaKey || event.altKey || PHYSICAL_KEY.test(event.key))) return;
    document.documentElement.classList.add("has-keyboard");
    document.removeEventListener("keydown", sawKeyboard);
  });

  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // ---- The result card ---------------------------------------------------------------------
  function showDraft(draft) {
    state.shown = draft;
    const spec = config.channels[draft.channel];
    $("result-empty").hidden = true;
    $("result").hidden = false;

    const provenance = $("result-provenance");
    provenance.replaceChildren();
    if (draft.provider === "offline") {
      provenance.append(el("span", { className: "badge badge-offline", text: "Offline composer" }));
      provenance.append(el("span", { text: "Written without a language model." }));
    } else {
      provenance.append(el("span", { className: "badge", text: draft.provider }));
      provenance.append(el("span", { text: `Drafted by ${draft.model}` }));
    }
    $("result-meta").textContent = `${spec.label} · ${formatDate(draft.created_at)}`;

    const fallback = $("result-fallback");
    fallback.hidden = !draft.fallback_reason;
    fallback.textContent = draft.fallback_reason
      ? `The language model's draft was not used (${draft.fallback_reason.split(":")[0].replace(/_/g, " ")}), so the offline composer wrote this one.`
      : "";

    $("result-subject-field").hidden = !draft.subject;
    $("result-subject").value = draft.subject || "";
    $("result-body").value = draft.body;
    fitToContent($("result-body"));
    updateDraftCounter();
    $("copy-status").textContent = "";

    const interest = $("result-interest");
    interest.replaceChildren();
    const shared = draft.shared_interest;
    if (shared && shared.found) {
      const opening = el("p", { text: "It opens with " });
      opening.append(el("strong", { text: shared.topic || "an interest you share" }));
      opening.append(document.createTextNode(", which their bio states:"));
      interest.append(opening, el("blockquote", { text: `“${shared.bio_evidence}”` }), el("p", { className: "source", text: "— quoted from their bio" }));
      if (shared.shared_with_sender) {
        // The overlap with the interests the sender gave: the message may say it is shared.
        interest.append(el("p", { className: "overlap", attrs: { id: "result-overlap" }, text: `You both: ${shared.topic || "this"}` }));
      }
    } else {
      interest.append(el("p", { text: "Their bio states no interest you share, so the draft says something true and specific about their work instead of inventing one." }));
    }

    const checks = $("result-checks");
    checks.replaceChildren(...draft.checks.map((check) => el("li", { className: check.passed ? "" : "failed", text: check.explanation })));
    const repairs = draft.repaired_violations || [];
    $("result-repairs").hidden = repairs.length === 0;
    $("result-repairs-list").replaceChildren(...repairs.map((violation) => el("li", { text: violation.message })));

    for (const item of document.querySelectorAll(".history-item")) item.classList.toggle("is-open", item.dataset.id === draft.id);
  }

  function restoreShown() {
    const saved = stored(SHOWN_KEY);
    store(SHOWN_KEY, null);
    if (!saved || !saved.draft || !config.channels[saved.draft.channel] || typeof saved.body !== "string") return;
    try {
      showDraft(saved.draft);
    } catch (_) {
      clearDraft(); // kept by an older page, in a shape this one does not read: the history still has it
      return;
    }
    $("result-subject").value = typeof saved.subject === "string" ? saved.subject : "";
    $("result-body").value = saved.body;
    fitToContent($("result-body"));
    updateDraftCounter();
  }

  function clearDraft() {
    state.shown = null;
    $("result").hidden = true;
    $("result-empty").hidden = false;
  }

  $("copy").addEventListener("click", async () => {
    const subject = $("result-subject-field").hidden ? "" : `Subject: ${$("result-subject").value}\n\n`;
    const text = subject + $("result-body").value;
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      $("result-body").select();
      document.execCommand("copy");
    }
    $("copy-status").textContent = "Copied to your clipboard.";
  });

  // ---- History -----------------------------------------------------------------------------
  function formatDate(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  function historyItem(draft) {
    const spec = config.channels[draft.channel];
    const name = draft.request && draft.request.target_name;
    const item = el("li", { className: "history-item", attrs: { "data-id": draft.id } });
    const text = el("div", {}, [
      el("p", { className: "history-title", text: name ? `To ${name}` : "Draft" }),
      el("p", { className: "history-meta", text: `${spec.label} · ${formatDate(draft.created_at)}${draft.provider === "offline" ? " · offline composer" : ""}` }),
      el("p", { className: "history-preview", text: draft.subject || draft.body.replace(/\s+/g, " ").trim() }),
    ]);
    const actions = el("div", { className: "history-actions" });
    item.append(text, actions);
    renderItemActions(item, draft);
    return item;
  }

  function renderItemActions(item, draft) {
    const actions = item.querySelector(".history-actions");
    const label = draft.request && draft.request.target_name ? ` draft to ${draft.request.target_name}` : " draft";
    const open = el("button", { className: "button button-quiet", text: "Open", attrs: { type: "button", "aria-label": `Open${label}` } });
    const remove = el("button", { className: "button button-quiet", text: "Delete", attrs: { type: "button", "aria-label": `Delete${label}` } });
    open.addEventListener("click", () => openDraft(draft.id));
    remove.addEventListener("click", () => confirmDelete(item, draft));
    actions.replaceChildren(open, remove);
  }

  function confirmDelete(item, draft) {
    const actions = item.querySelector(".history-actions");
    const confirm = el("button", { className: "button button-danger", text: "Delete", attrs: { type: "button" } });
    const keep = el("button", { className: "button button-quiet", text: "Keep", attrs: { type: "button" } });
    keep.addEventListener("click", () => { renderItemActions(item, draft); item.querySelector("button").focus(); });
    confirm.addEventListener("click", () => once(`delete ${draft.id}`, () => deleteDraft(item, draft)));
    actions.replaceChildren(el("p", { className: "confirm-text", text: "Delete this draft for good?" }), confirm, keep);
    keep.focus();
  }

  async function deleteDraft(item, draft) {
    const result = await api("DELETE", `/drafts/${encodeURIComponent(draft.id)}`);
    if (!result.ok && result.status !== 404) {
      if (result.error) $("history-status").textContent = result.error.message;
      return;
    }
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    if (shownId() === draft.id) clearDraft();
    $("history-status").textContent = "Draft deleted.";
    $("history-empty").hidden = $("history-list").children.length > 0;
    const focusTarget = next ? next.querySelector("button") : $("target_bio");
    focusTarget.focus();
  }

  async function openDraft(id) {
    const result = await api("GET", `/drafts/${encodeURIComponent(id)}`);
    if (!result.ok) {
      if (result.error) $("history-status").textContent = result.error.message;
      return;
    }
    showDraft(result.data);
    $("result-card").scrollIntoView({ behavior: "smooth", block: "start" });
    $("result-title").focus();
  }

  function addToHistory(draft, { prepend }) {
    const list = $("history-list");
    const existing = list.querySelector(`[data-id="${CSS.escape(draft.id)}"]`);
    const item = historyItem(draft);
    if (existing) existing.replaceWith(item);
    else if (prepend) list.prepend(item);
    else list.append(item);
    item.classList.toggle("is-open", draft.id === shownId());
    $("history-empty").hidden = true;
  }

  async function loadHistory() {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (state.cursor) query.set("cursor", state.cursor);
    const button = $("load-more");
    const result = await api("GET", `/drafts?${query}`);
    if (!result.ok) {
      if (result.error) $("history-status").textContent = result.error.message;
      return false;
    }
    for (const draft of result.data.items) addToHistory(draft, { prepend: false });
    state.cursor = result.data.cursor;
    button.hidden = !state.cursor;
    $("history-empty").hidden = $("history-list").children.length > 0;
    return true;
  }

  // Focus moves to the first draft loaded: the button it was on may hide once the last page is in.
  $("load-more").addEventListener("click", () => once("load more", async () => {
    const shown = $("history-list").children.length;
    if (!(await loadHistory())) return;
    const first = $("history-list").children[shown];
    if (first) first.querySelector("button").focus();
  }));
  // Focus moves to these after a draft or an error, so screen readers announce them.
  $("result-title").setAttribute("tabindex", "-1");
  formError.setAttribute("tabindex", "-1");

  // ---- Profile: sending addresses and the email path's defaults --------------------------------
  const PROFILE_FIELDS = ["pitch", "sender_name", "sender_interests", "offer"];

  function fieldMessage(id, text) {
    const message = $(`${id}-error`);
    if (!message) return false;
    message.textContent = text || "";
    message.hidden = !text;
    const input = $(id);
    if (input) {
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    return true;
  }

  function addressItem(address) {
    const verified = address.state === "verified";
    const item = el("li", { className: "address-item", attrs: { "data-address": address.email } });
    const label = el("p", { className: "address-email", text: address.email });
    const badge = el("span", { className: verified ? "badge badge-ok" : "badge badge-offline", text: verified ? "Verified" : "Waiting for its code" });
    label.append(" ", badge);
    const remove = el("button", { className: "button button-quiet", text: "Remove", attrs: { type: "button", "aria-label": `Remove ${address.email}` } });
    remove.addEventListener("click", () => once(`remove ${address.email}`, () => removeAddress(address.email)));
    item.append(label);
    if (!verified) {
      const id = `code-${Array.from(address.email).map((c) => c.codePointAt(0).toString(16)).join("")}`;
      const verifyForm = el("form", { className: "inline-form verify-form", attrs: { novalidate: "" } });
      const field = el("div", { className: "field" });
      field.append(
        el("label", { text: `Code sent to ${address.email}`, attrs: { for: id } }),
        el("input", { attrs: { id, name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", "aria-describedby": `${id}-error` } }),
        el("p", { className: "field-error", attrs: { id: `${id}-error`, hidden: "" } }),
      );
      verifyForm.append(field, el("button", { className: "button button-secondary", text: "Verify", attrs: { type: "submit" } }));
      verifyForm.addEventListener("submit", (event) => {
        event.preventDefault();
        once(`verify ${address.email}`, () => verifyAddress(address.email, id));
      });
      item.append(verifyForm);
    }
    item.append(el("div", { className: "address-actions" }, [remove]));
    return item;
  }

  function showAddresses(addresses) {
    $("address-list").replaceChildren(...addresses.map(addressItem));
    $("addresses-empty").hidden = addresses.length > 0;
  }

  // A field the person has typed or pasted in keeps their words when the saved profile arrives after it.
  const editedProfileFields = new Set();
  for (const name of PROFILE_FIELDS) $(`profile-${name}`).addEventListener("input", () => editedProfileFields.add(name));

  async function loadProfile() {
    const result = await api("GET", "/profile");
    if (!result.ok) {
      if (result.error) $("profile-status").textContent = result.error.message;
      return;
    }
    for (const name of PROFILE_FIELDS) {
      if (!editedProfileFields.has(name)) $(`profile-${name}`).value = result.data[name] || "";
    }
    showAddresses(result.data.addresses || []);
  }

  $("address-form").addEventListener("submit", (event) => {
    event.preventDefault();
    once("add address", addAddress);
  });

  async function addAddress() {
    fieldMessage("new-address", "");
    const email = $("new-address").value.trim();
    if (overLimit($("address-form"))) {
      $("new-address").focus();
      return;
    }
    if (!email) {
      fieldMessage("new-address", "Type the address you will forward bios from.");
      $("new-address").focus();
      return;
    }
    const result = await api("POST", "/profile/addresses", { email });
    if (!result.ok) {
      if (result.error) fieldMessage("new-address", result.error.message);
      $("new-address").focus();
      return;
    }
    $("new-address").value = "";
    $("profile-status").textContent = result.data.state === "verified"
      ? `${result.data.email} is verified: mail from it is drafted for you.`
      : `A six-digit code is on its way to ${result.data.email}. Enter it below.`;
    await loadProfile();
    const pending = $("address-list").querySelector(`[data-address="${CSS.escape(result.data.email)}"] input[name="code"]`);
    if (pending) pending.focus();
  }

  async function verifyAddress(email, inputId) {
    // A pasted "Your code: 123 456" still counts: only its digits are the code.
    const code = $(inputId).value.replace(/[^0-9]/g, "");
    fieldMessage(inputId, "");
    if (!/^[0-9]{6}$/.test(code)) {
      fieldMessage(inputId, "The code is the six digits in the email we sent.");
      $(inputId).focus();
      return;
    }
    const result = await api("POST", `/profile/addresses/${encodeURIComponent(email)}/verify`, { code });
    if (!result.ok) {
      if (result.error) fieldMessage(inputId, result.error.message);
      $(inputId).focus();
      return;
    }
    $("profile-status").textContent = `${email} is verified: mail from it is drafted for you.`;
    await loadProfile();
    // The code's field is gone with the form it sat in: focus goes where the next address would be typed.
    $("new-address").focus();
  }

  async function removeAddress(email) {
    const result = await api("DELETE", `/profile/addresses/${encodeURIComponent(email)}`);
    if (!result.ok && result.status !== 404) {
      if (result.error) $("profile-status").textContent = result.error.message;
      return;
    }
    $("profile-status").textContent = `${email} removed.`;
    await loadProfile();
    $("new-address").focus();
  }

  $("profile-form").addEventListener("submit", (event) => {
    event.preventDefault();
    once("save profile", saveProfile);
  });

  async function saveProfile() {
    for (const name of PROFILE_FIELDS) fieldMessage(`profile-${name}`, "");
    const tooLong = overLimit($("profile-form"));
    if (tooLong) {
      $("profile-status").textContent = "";
      tooLong.focus();
      return;
    }
    const body = Object.fromEntries(PROFILE_FIELDS.map((name) => [name, $(`profile-${name}`).value.trim()]));
    const result = await api("PUT", "/profile", body);
    if (!result.ok) {
      const field = result.error && result.error.field;
      // A refused field gets focus, so a screen reader reads it with its message (the message alone is not announced).
      if (result.error && field && fieldMessage(`profile-${field}`, result.error.message)) $(`profile-${field}`).focus();
      else if (result.error) $("profile-status").textContent = result.error.message;
      return;
    }
    editedProfileFields.clear();
    $("profile-status").textContent = "Defaults saved.";
  }

  async function start() {
    if (signIn) {
      const problem = await completeSignIn();
      const session = stored(SESSION_KEY);
      if (!session) {
        showSignedOut(problem || SIGNED_OUT_MESSAGE);
        return;
      }
      showSignedIn(session);
    }
    restoreForm();
    restoreRemembered();
    restoreShown();
    // The profile waits for the history: a caller the API does not know is asked to sign in once, not twice.
    if (await loadHistory()) loadProfile();
  }
  start();
})();
