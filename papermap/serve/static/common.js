// Shared by both pages: talking to the server, the map drawn by papermap, small DOM helpers.
"use strict";
const CSRF = document.querySelector('meta[name="csrf"]').content;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function joinCode() { return localStorage.getItem("papermap-join") || ""; }

async function api(path, options) {
  const opts = Object.assign({headers: {}}, options || {});
  if (opts.method === "POST") opts.headers["X-CSRF-Token"] = CSRF;
  if (joinCode()) opts.headers["X-Papermap-Token"] = joinCode();
  const res = await fetch(path, opts);
  const body = res.headers.get("content-type", "").includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new Error(body.error || body || res.statusText);
  return body;
}

function postJSON(path, value) {
  return api(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(value)});
}

// The map of the extract, drawn by papermap at start, shown as one image: no tiles, no internet.
async function papermapMap(id) {
  let info = await api("/api/info");
  for (let i = 0; !info.map && !info.map_error && i < 240; i++) {
    await new Promise(r => setTimeout(r, 500));
    info = await api("/api/info");
  }
  const map = L.map(id, {attributionControl: false, zoomSnap: 0.25, tap: true});
  L.control.attribution({prefix: false}).addAttribution("© OpenStreetMap contributors (ODbL) · papermap").addTo(map);
  if (info.map) {
    const [w, s, e, n] = info.map.bounds;
    const bounds = L.latLngBounds([s, w], [n, e]);
    L.imageOverlay("/api/map.png", bounds).addTo(map);
    map.fitBounds(bounds);
    map.setMaxBounds(bounds.pad(0.5));
  } else {
    map.setView([0, 0], 2);
  }
  return {map, info};
}

function categoryLabel(info, id) {
  const c = info.categories.find(c => c.id === id);
  return c ? `${c.ja} / ${c.en}` : id;
}

// Joining from a phone: a code typed from the printed sheet (the QR code sets a cookie instead).
function joinBox(info, where) {
  if (info.can_edit) return;
  const input = el("input", {type: "text", placeholder: "参加コード / join code", autocapitalize: "off"});
  const box = el("div", {class: "join"},
    el("p", {}, "変更するには参加コードが必要です（印刷された参加シートを見てください）。 / To change anything, enter the join code from the printed sheet."),
    input,
    el("button", {class: "big", onclick: () => { localStorage.setItem("papermap-join", input.value.trim()); location.reload(); }},
       "参加する / Join"));
  where.prepend(box);
}
