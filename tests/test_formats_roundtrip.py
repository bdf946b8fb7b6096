"""The same OSM data in every input format gives the same atlas: PBF, OSM XML, .osm.bz2, and the
Overpass JSON that `papermap fetch` writes (fetched here from a local server, never the internet)."""
from __future__ import annotations

import bz2
import json
from datetime import datetime, timezone
from pathlib import Path

import osmium
import pytest

from conftest import MONACO
from papermap.cli import main
from papermap.config import load_config
from papermap.pipeline import build_atlas
from pdfcheck import page_texts

BBOX = "7.415,43.728,7.432,43.742"   # Monaco-Ville and La Condamine: several pages at 1:5,000
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
BASE = "2023-12-26T21:21:22Z"


@pytest.fixture(scope="module")
def monaco_xml(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xml") / "monaco.osm"
    with osmium.SimpleWriter(str(out)) as writer:
        for obj in osmium.FileProcessor(str(MONACO)):
            writer.add(obj)
    return out


def overpass_json(pbf: Path) -> bytes:
    """The extract as Overpass API JSON (`out body`): nodes with lat/lon, ways with node ids, relations."""
    elements = []
    for obj in osmium.FileProcessor(str(pbf)):
        el = {"type": obj.type_str().replace("n", "node").replace("w", "way").replace("r", "relation"),
              "id": obj.id}
        if obj.is_node():
            el |= {"lat": obj.location.lat, "lon": obj.location.lon}
        elif obj.is_way():
            el["nodes"] = [n.ref for n in obj.nodes]
        else:
            el["members"] = [{"type": {"n": "node", "w": "way", "r": "relation"}[m.type], "ref": m.ref,
                              "role": m.role} for m in obj.members]
        if len(obj.tags):
            el["tags"] = dict(obj.tags)
        elements.append(el)
    return json.dumps({"version": 0.6, "generator": "Overpass API (test)",
                       "osm3s": {"timestamp_osm_base": BASE}, "elements": elements}).encode()


def atlas(osm: Path, tmp_path: Path, name: str):
    cfg = load_config(None, {"osm": str(osm), "bbox": BBOX, "scale": 5000, "cache_dir": str(tmp_path / "cache")})
    report = build_atlas(cfg, tmp_path / f"{name}.pdf", now=NOW, use_cache=False)
    return report


def summary(report) -> tuple:
    return ([(p.number, p.row, p.col) for p in report.pages], report.points)


def test_xml_and_bz2_make_the_same_atlas_as_pbf(tmp_path, monaco_xml):
    pbf = atlas(MONACO, tmp_path, "pbf")
    assert len(pbf.pages) >= 2 and pbf.points > 5
    xml = atlas(monaco_xml, tmp_path, "xml")
    packed = tmp_path / "monaco.osm.bz2"
    packed.write_bytes(bz2.compress(monaco_xml.read_bytes()))
    bz = atlas(packed, tmp_path, "bz2")
    assert summary(xml) == summary(pbf) == summary(bz)


def test_fetched_overpass_file_makes_the_same_atlas_as_the_extract(tmp_path, monkeypatch):
    from httpserver import Reply, ScriptedServer, block_outside_network

    block_outside_network(monkeypatch)
    fetched = tmp_path / "monaco.osm.json"
    with ScriptedServer(Reply(overpass_json(MONACO))) as server:
        code = main(["fetch", "--bbox", BBOX, "-o", str(fetched), "--overpass-url", server.url(),
                     "--cache-dir", str(tmp_path / "fetch-cache")])
    assert code == 0 and fetched.is_file()
    from_fetch = atlas(fetched, tmp_path, "fetched")
    from_pbf = atlas(MONACO, tmp_path, "pbf")
    assert summary(from_fetch) == summary(from_pbf)
    names = lambda name: sorted(t for t in page_texts(tmp_path / f"{name}.pdf") if "一覧 / List" in t)
    assert [t.split("No. ")[1].split("© OpenStreetMap")[0] for t in names("fetched")] == \
        [t.split("No. ")[1].split("© OpenStreetMap")[0] for t in names("pbf")]   # same points, same tables
    assert "2023-12-26" in page_texts(tmp_path / "fetched.pdf")[0]    # data date from osm3s
