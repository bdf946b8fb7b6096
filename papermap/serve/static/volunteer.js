// The volunteer's page: pick an area, upload point files, choose options, build, download.
"use strict";
const state = {bbox: null, uploads: [], info: null, gridLayer: null, rect: null};

function areaText() {
  const t = document.getElementById("area-text");
  if (!state.bbox) { t.textContent = "範囲: 全体 / Area: the whole map"; return; }
  t.textContent = "範囲 / Area: " + state.bbox.map(v => v.toFixed(4)).join(", ");
}

function setArea(map, bbox) {
  state.bbox = bbox;
  if (state.rect) { state.rect.remove(); state.rect = null; }
  if (bbox) {
    const [w, s, e, n] = bbox;
    state.rect = L.rectangle([[s, w], [n, e]], {color: "#d00", weight: 3, fill: false, interactive: false}).addTo(map);
  }
  areaText();
  refreshGrid(map);
}

function optionValues() {
  const values = {};
  for (const o of state.info.options) {
    const input = document.getElementById("opt-" + o.key);
    values[o.key] = o.kind === "bool" ? input.checked : input.value;
  }
  return values;
}

let gridTimer = null, gridAsked = 0;
function refreshGrid(map) {
  clearTimeout(gridTimer);
  const asked = ++gridAsked;   // only the answer to the latest question is drawn
  gridTimer = setTimeout(async () => {
    const bbox = state.bbox || (state.info.map && state.info.map.extent);
    if (!bbox) return;
    const o = optionValues();
    const q = new URLSearchParams({bbox: bbox.join(","), paper: o.paper, orientation: o.orientation, scale: o.scale});
    try {
      const grid = await api("/api/grid?" + q);
      if (asked !== gridAsked) return;
      if (state.gridLayer) state.gridLayer.remove();
      state.gridLayer = L.geoJSON(grid, {
        style: {color: "#1750c4", weight: 2, dashArray: "6 4", fillOpacity: 0.04},
        onEachFeature: (f, layer) => layer.bindTooltip(String(f.properties.page), {permanent: true, direction: "center", className: "page-number"}),
      }).addTo(map);
      document.getElementById("map-box").dataset.pages = grid.features.length;
      areaText();
      document.getElementById("area-text").textContent += ` — 最大 ${grid.features.length} ページ / up to ${grid.features.length} pages`;
    } catch (err) {
      document.getElementById("area-text").textContent = err.message;
    }
  }, 150);
}

// Drag a rectangle: press the button, then drag on the map (mouse or finger).
function rectangleTool(map) {
  const button = document.getElementById("draw-area");
  let start = null, temp = null;
  button.addEventListener("click", () => {
    map.dragging.disable();
    map.getContainer().classList.add("drawing");
    button.classList.add("active");
  });
  map.on("mousedown", e => {
    if (!button.classList.contains("active")) return;
    start = e.latlng;
    temp = L.rectangle([start, start], {color: "#d00", weight: 2, dashArray: "4 4"}).addTo(map);
  });
  map.on("mousemove", e => { if (start) temp.setBounds([start, e.latlng]); });
  map.on("mouseup", e => {
    if (!start) return;
    const b = L.latLngBounds(start, e.latlng);
    temp.remove(); start = null;
    map.dragging.enable();
    map.getContainer().classList.remove("drawing");
    button.classList.remove("active");
    if (b.getEast() - b.getWest() > 1e-5 && b.getNorth() - b.getSouth() > 1e-5)
      setArea(map, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  });
}

function placeSearch(map) {
  const input = document.getElementById("place-search"), list = document.getElementById("place-results");
  const around = (p) => {   // about 1 km around a picked place or shelter
    const dlat = 0.0045, dlon = 0.0045 / Math.cos(p.lat * Math.PI / 180);
    setArea(map, [p.lon - dlon, p.lat - dlat, p.lon + dlon, p.lat + dlat]);
    map.fitBounds([[p.lat - dlat, p.lon - dlon], [p.lat + dlat, p.lon + dlon]]);
  };
  input.addEventListener("input", async () => {
    list.replaceChildren();
    if (!input.value.trim()) return;
    const found = await api("/api/places?q=" + encodeURIComponent(input.value.trim()));
    for (const p of found.slice(0, 8))
      list.append(el("li", {}, el("button", {class: "link", onclick: () => { around(p); list.replaceChildren(); }},
        `${p.name} (${p.kind === "place" ? "地名 / place" : categoryLabel(state.info, p.kind)})`)));
  });
  api("/api/places?kind=shelter").then(shelters => {
    for (const p of shelters)
      L.circleMarker([p.lat, p.lon], {radius: 8, color: "#fff", weight: 2, fillColor: "#0a7d32", fillOpacity: 1})
        .bindTooltip(`${p.name}（避難所 / shelter）— クリックで周辺を選ぶ / click to map around it`)
        .on("click", () => around(p)).addTo(map);
  });
}

function buildOptions(map) {
  const box = document.getElementById("options");
  const d = state.info.defaults;
  for (const o of state.info.options) {
    let input;
    if (o.kind === "bool") {
      input = el("input", {type: "checkbox", id: "opt-" + o.key});
      input.checked = !!d[o.key];
      box.append(el("label", {class: "check"}, input, ` ${o.ja} / ${o.en}`));
    } else {
      input = o.kind === "text" ? el("input", {type: "text", id: "opt-" + o.key, maxlength: "120"})
        : el("select", {id: "opt-" + o.key}, ...o.choices.map(c => el("option", {value: c.value}, c.label)));
      if (d[o.key] !== undefined && d[o.key] !== null) input.value = d[o.key];
      box.append(el("label", {}, `${o.ja} / ${o.en}`, input));
    }
    input.addEventListener("change", () => refreshGrid(map));
  }
}

function showUpload(up) {
  const select = el("select", {"aria-label": "種別 / category"},
    el("option", {value: "auto"}, "ファイルのとおり / as in the file"),
    ...state.info.categories.map(c => el("option", {value: c.id}, `すべて ${c.ja} / all ${c.en}`)));
  select.addEventListener("change", () => { up.category = select.value; });
  up.category = "auto";
  const ok = up.unusable ? "！" : "○";
  const card = el("div", {class: "upload" + (up.unusable ? " has-errors" : "")},
    el("p", {class: "upload-name"}, `${ok} ${up.name}: ${up.points} 地点 / points, ${up.unusable} 使えない行 / unusable`),
    el("label", {}, "種別 / Category ", select),
    el("ul", {class: "lines"}, ...up.lines.map(line => el("li", {}, line))),
    el("button", {class: "link", onclick: () => { state.uploads = state.uploads.filter(u => u !== up); card.remove(); }},
       "✕ 外す / remove"));
  document.getElementById("uploads").append(card);
}

async function upload(files) {
  for (const file of files) {
    if (file.size > state.info.upload_limit) {
      document.getElementById("uploads").append(el("p", {class: "error"}, `${file.name}: 大きすぎます / too large`));
      continue;
    }
    try {
      const up = await api("/api/uploads?name=" + encodeURIComponent(file.name), {method: "POST", body: file});
      if (up.points || !up.unusable) state.uploads.push(up);
      showUpload(up);
    } catch (err) {
      document.getElementById("uploads").append(el("p", {class: "error"}, `${file.name}: ${err.message}`));
    }
  }
}

async function build() {
  const button = document.getElementById("build");
  const error = document.getElementById("build-error");
  error.textContent = "";
  document.getElementById("result").hidden = true;
  const body = Object.assign(optionValues(), {
    bbox: state.bbox, contributed: document.getElementById("contributed").checked,
    uploads: state.uploads.map(u => ({id: u.id, category: u.category})),
  });
  button.disabled = true;
  document.getElementById("progress").hidden = false;
  const bar = document.getElementById("bar"), text = document.getElementById("progress-text");
  bar.removeAttribute("value");
  text.textContent = "送信中… / sending…";
  try {
    let job = await postJSON("/api/builds", body);
    while (job.state === "queued" || job.state === "running") {
      if (job.state === "queued") text.textContent = `順番待ち: 前に ${job.position - 1} 件 / waiting: ${job.position - 1} build(s) before yours`;
      else text.textContent = `作成中 / building: ${job.message}` + (job.total ? ` ${job.done}/${job.total}` : "");
      if (job.total) bar.value = 100 * job.done / job.total; else bar.removeAttribute("value");
      await new Promise(r => setTimeout(r, 400));
      job = await api("/api/builds/" + job.id);
    }
    if (job.state === "failed") throw new Error(job.error);
    bar.value = 100;
    text.textContent = "できました / done";
    showResult(job);
  } catch (err) {
    error.textContent = "作成できませんでした / the build failed: " + err.message;
  } finally {
    button.disabled = false;
  }
}

function showResult(job) {
  const r = job.result;
  document.getElementById("download").href = job.pdf;
  document.getElementById("result-text").textContent =
    `${r.sheets} 枚（地図 ${r.pages.length} ページ）・地図上の地点 ${r.placed}、範囲外 ${r.outside} / ` +
    `${r.sheets} sheets (${r.pages.length} map pages), ${r.placed} points on the map, ${r.outside} outside`;
  document.getElementById("warnings").replaceChildren(...r.warnings.map(w => el("li", {}, w)));
  document.getElementById("previews").replaceChildren(...job.sheets.map((src, i) =>
    el("a", {href: src, target: "_blank", class: "preview"}, el("img", {src, alt: `シート ${i + 1} / sheet ${i + 1}`, loading: "lazy"}),
       el("span", {}, `${i + 1}`))));
  document.getElementById("result").hidden = false;
}

(async () => {
  const {map, info} = await papermapMap("map");
  state.info = info;
  document.getElementById("map-status").textContent = info.map ? "" : "地図を描けませんでした / could not draw the map: " + info.map_error;
  joinBox(info, document.getElementById("steps"));
  buildOptions(map);
  rectangleTool(map);
  placeSearch(map);
  document.getElementById("whole-area").addEventListener("click", () => setArea(map, null));
  document.getElementById("upload").addEventListener("change", e => { upload([...e.target.files]); e.target.value = ""; });
  document.getElementById("build").addEventListener("click", build);
  api("/api/points").then(p => { document.getElementById("contrib-count").textContent = p.features.length; });
  setArea(map, info.defaults.bbox);
  document.body.classList.add("ready");
})();
