// The contributor's page (phones): add a place, mark places open / closed / verified, see history.
"use strict";
const STATUS = {open: "営業中 / open", closed: "閉鎖 / closed", unknown: "不明 / unknown"};
let picked = null, marker = null, info = null, layer = null;

function place(map, latlng) {
  picked = latlng;
  if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
  document.getElementById("where").textContent = `場所 / Place: ${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}`;
}

function who() { return document.querySelector('#add [name="who"]').value.trim(); }

async function mark(id, change) {
  await postJSON(`/api/points/${id}`, Object.assign({who: who()}, change));
  await loadPoints();
}

async function showHistory(id, box) {
  const rows = await api(`/api/points/${id}/history`);
  box.replaceChildren(el("ol", {class: "history"}, ...rows.map(r => el("li", {},
    `${r.at.replace("T", " ").slice(0, 16)} ${r.who}: ${r.action} ` +
    Object.entries(r.what).map(([k, v]) => `${k}=${k === "status" ? STATUS[v] : v}`).join(", ")))));
}

async function loadPoints() {
  const data = await api("/api/points");
  const list = document.getElementById("points");
  list.replaceChildren();
  if (layer) layer.remove();
  layer = L.layerGroup().addTo(window.pmap);
  for (const f of data.features.slice().reverse()) {
    const p = f.properties, [lon, lat] = f.geometry.coordinates;
    L.circleMarker([lat, lon], {radius: 7, color: "#fff", weight: 2, fillOpacity: 1,
      fillColor: p.status === "closed" ? "#777" : "#c4151c"}).bindTooltip(p.name || categoryLabel(info, p.category)).addTo(layer);
    const history = el("div", {});
    list.append(el("li", {class: "point status-" + p.status},
      el("p", {class: "point-name"}, `${p.name || "（名前なし / no name）"} — ${categoryLabel(info, p.category)}`),
      el("p", {}, `${STATUS[p.status]}${p.hours ? " · " + p.hours : ""}${p.verified ? " · 確認 " + p.verified.slice(0, 16).replace("T", " ") : ""}`),
      el("div", {class: "row"},
        el("button", {onclick: () => mark(f.id, {verified: true})}, "○ 確認した / verified"),
        el("button", {onclick: () => mark(f.id, {status: "open"})}, "営業中 / open"),
        el("button", {onclick: () => mark(f.id, {status: "closed"})}, "閉鎖 / closed"),
        el("button", {class: "secondary", onclick: () => showHistory(f.id, history)}, "履歴 / history")),
      history));
  }
}

(async () => {
  const {map, info: i} = await papermapMap("map");
  info = i;
  window.pmap = map;
  joinBox(info, document.getElementById("join-box"));
  const select = document.querySelector('#add [name="category"]');
  for (const c of info.categories) select.append(el("option", {value: c.id}, `${c.ja} / ${c.en}`));
  map.on("click", e => place(map, e.latlng));
  document.getElementById("locate").addEventListener("click", () => {
    if (!navigator.geolocation) { document.getElementById("where").textContent = "この端末では現在地が使えません / location is not available here"; return; }
    navigator.geolocation.getCurrentPosition(
      pos => { const ll = L.latLng(pos.coords.latitude, pos.coords.longitude); place(map, ll); map.setView(ll, 17); },
      err => { document.getElementById("where").textContent = "現在地が取れません。地図をタップしてください / no location: tap the map (" + err.message + ")"; },
      {enableHighAccuracy: true, timeout: 15000});
  });
  document.getElementById("add").addEventListener("submit", async e => {
    e.preventDefault();
    const msg = document.getElementById("add-msg");
    if (!picked) { msg.textContent = "先に地図をタップして場所を選んでください / tap the map first"; msg.className = "error"; return; }
    const form = new FormData(e.target);
    try {
      const p = await postJSON("/api/points", {category: form.get("category"), name: form.get("name"), hours: form.get("hours"),
        status: form.get("status"), notes: form.get("notes"), who: form.get("who"), lat: picked.lat, lon: picked.lng});
      msg.textContent = `追加しました / added: ${p.name || categoryLabel(info, p.category)}`;
      msg.className = "ok";
      e.target.reset();
      marker.remove(); marker = null; picked = null;
      await loadPoints();
    } catch (err) {
      msg.textContent = "追加できませんでした / not added: " + err.message;
      msg.className = "error";
    }
  });
  await loadPoints();
  document.body.classList.add("ready");
})();
