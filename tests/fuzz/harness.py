"""Mutation fuzzing of every reader and the config: the inputs a careless user or an attacker gives.

Seeds are the project's own fixtures. Each case mutates one seed (bytes flipped, inserted, cut,
repeated; hostile tokens spliced in such as 1e400, NUL, 5,000 '[' or 5,000 digits; JSON values
swapped for values of another type; TOML values replaced; KMZ members re-zipped) and hands it to
the reader. A case ends in one of three ways: read (possibly with per-row problems), a clean
``PapermapError`` (the one-line error a user sees), or anything else, which is a bug.

``tests/test_hardening_fuzz.py`` runs a few hundred cases in ``make test``; ``make fuzz`` runs
``python tests/fuzz/run.py`` with 10,000 per reader.
"""
from __future__ import annotations

import io
import json
import random
import re
import signal
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SLOW_S = 10.0   # a case slower than this fails the run
HANG_S = 60.0   # a case still running after this is stopped (SIGALRM) and counted as slow

TOKENS = [b"1e400", b"-1e400", b"NaN", b"Infinity", b"\x00", b'"', b"'", b"[", b"{", b"<", b">", b"&", b",",
          b"\n", b"\r", b"\t", b"null", b"true", b"[]", b"{}", b'""', b"-0", b"9" * 400, b"9" * 5000,
          b"[" * 5000, b"{\"a\":" * 3000, b"<Folder>" * 3000, b" " * 40000, b"(" * 3000, b"<a" * 5000,
          b"<!--" * 3000, b"{{" * 5000, b"[[" * 5000, b"\xef\xbb\xbf", b"\xff\xfe", b"\x81\x40", b"\xe3\x81",
          b'encoding="utf-16"', b'encoding="x-unknown"', b'encoding="cp932"', b"<!ENTITY a \"b\">",
          b"lat=\"1e400\"", b"12:00-18:00", b"\xe9\x96\x89\xe9\x8e\x96", b"a" * 70000, b"\\", b"=", b"#"]
JSON_VALUES = [None, True, False, 0, -1, 1e308, 10**400, "", "x" * 1000, "1e400", [], {}, [1], [[1, 2]],
               {"type": "Point"}, [None, None], ["a", "b"], {"a": [1, {"b": None}]}]
TOML_VALUES = ['"x"', "true", "false", "0", "-1", "1e400", "inf", "nan", "[]", '["a", 1]', "{}", '"' + "x" * 5000 + '"',
               '"http://\\njavascript:alert(1)"', "[[[[[[[[[[1]]]]]]]]]]", '{ a = { b = 1 } }', "10000", "2.5",
               '"A4"', '"water.csv"', '"../../etc/passwd"', "1979-05-27T07:32:00Z"]


@dataclass
class Outcome:
    cases: int = 0
    read: int = 0
    clean: int = 0
    uncaught: int = 0
    slow: int = 0
    slowest: float = 0.0
    total: float = 0.0
    failures: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # signature -> (input, traceback)


@dataclass
class Reader:
    name: str
    suffix: str
    seeds: list[bytes]
    run: Callable[[Path], object]
    structured: Callable[[bytes, random.Random], bytes] | None = None


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Hang(f"still running after {HANG_S:.0f} s")


# --- mutations --------------------------------------------------------------------------------

def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to four random byte-level edits."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # flip bytes
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op == 1:  # insert random bytes
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 2 and buf:  # delete a slice
            del buf[pos:pos + rng.randint(1, max(1, len(buf) // 8))]
        elif op == 3 and buf:  # repeat a slice
            start = rng.randrange(len(buf))
            piece = bytes(buf[start:start + rng.randint(1, 200)])
            buf[start:start] = piece * rng.randint(2, 200)
        elif op == 4:  # splice a hostile token
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 5 and buf:  # replace a token-sized span with a hostile token
            buf[pos:pos + rng.randint(1, 12)] = rng.choice(TOKENS)
        elif op == 6:  # truncate
            del buf[pos:]
    return bytes(buf)


def mutate_json(data: bytes, rng: random.Random) -> bytes:
    """Replace a few values anywhere in the document by values of other types, or nest one deeply."""
    try:
        doc = json.loads(data)
    except ValueError:
        return mutate_bytes(data, rng)
    nodes: list[tuple[object, object]] = []  # (container, key)

    def walk(value: object) -> None:
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for k, child in items:
            nodes.append((value, k))
            walk(child)

    walk(doc)
    for _ in range(rng.randint(1, 3)):
        if not nodes:
            break
        container, key = rng.choice(nodes)
        if rng.random() < 0.1:
            deep: object = 1
            for _ in range(rng.choice((100, 2000))):
                deep = [deep]
            container[key] = deep  # type: ignore[index]
        else:
            container[key] = rng.choice(JSON_VALUES)  # type: ignore[index]
    try:
        return json.dumps(doc, ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        return mutate_bytes(data, rng)


_TOML_VALUE = re.compile(rb"^(\s*[\w\"-]+\s*=\s*)(.*)$", re.M)


def mutate_toml(data: bytes, rng: random.Random) -> bytes:
    """Replace the value of a few ``key = value`` lines, add an unknown key, or repeat a table."""
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        m = _TOML_VALUE.match(lines[i])
        op = rng.randrange(4)
        if m and op < 2:
            lines[i] = m.group(1) + rng.choice(TOML_VALUES).encode()
        elif op == 2:
            lines.insert(i, rng.choice([b"unknown = 1", b"[[sources]]", b"[[category]]", b'path = "x.csv"',
                                        b'url = "http://127.0.0.1:9/x.csv"', b"[sources.category_map]"]))
        else:
            lines = [mutate_bytes(b"\n".join(lines), rng)]
    return b"\n".join(lines)


XML_VALUES = [b"", b"0", b"-1", b"1e400", b"-1e400", b"NaN", b"inf", b"91", b"-181", b"9" * 30, b"1,2,3",
              b"139.7,35.6", b"a", b"x" * 5000, b"&amp;", b"\xef\xbf\xbd", b"node", b"way", b"relation",
              b"-9223372036854775809", b"1.5", b"yes", b"no", b"closed", b"<![CDATA[x]]>"]
_XML_VALUE = re.compile(rb'"[^"<>]*"|>[^<>]+<')


def mutate_xml(data: bytes, rng: random.Random) -> bytes:
    """Replace a few attribute values or element texts with hostile values; the XML stays well formed
    often enough to reach the reader's own checks."""
    spans = [m.span() for m in _XML_VALUE.finditer(data)]
    buf = data
    for _ in range(rng.randint(1, 4)):
        if not spans:
            break
        start, end = rng.choice(spans)
        value = rng.choice(XML_VALUES)
        new = b'"' + value + b'"' if buf[start:start + 1] == b'"' else b">" + value + b"<"
        buf = buf[:start] + new + buf[end:]
        spans = [m.span() for m in _XML_VALUE.finditer(buf)]
    if rng.random() < 0.2:  # and some nesting
        cut = rng.randrange(len(buf))
        depth = rng.choice((70, 3000))
        buf = buf[:cut] + b"<Folder><name>f</name>" * depth + b"</Folder>" * depth + buf[cut:]
    return buf


def mutate_kmz(data: bytes, rng: random.Random) -> bytes:
    """Re-zip a mutated doc.kml, sometimes with a lying size or an odd compression; else raw bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            kml = z.read("doc.kml")
    except (zipfile.BadZipFile, KeyError):
        return mutate_bytes(data, rng)
    out = io.BytesIO()
    method = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
    with zipfile.ZipFile(out, "w", method) as z:
        z.writestr(rng.choice(["doc.kml", "a.kml", "doc.txt"]), mutate_bytes(kml, rng) if rng.random() < .7 else kml)
    blob = out.getvalue()
    return mutate_bytes(blob, rng) if rng.random() < 0.5 else blob


# --- the readers and their seeds ----------------------------------------------------------------

def _fixture(rel: str) -> bytes:
    return (FIXTURES / rel).read_bytes()


def _kmz(kml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", kml)
    return out.getvalue()


def _pbf(xml: bytes, folder: Path) -> bytes:
    import osmium

    src, dst = folder / "seed.osm", folder / "seed.osm.pbf"
    src.write_bytes(xml)
    dst.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(dst)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            writer.add(obj)
    return dst.read_bytes()


def _pbf_of(xml: bytes, rng: random.Random, folder: Path) -> bytes:
    """A PBF written by libosmium from a mutated OSM XML (so the blobs are valid and the data is not);
    the mutated XML's bytes themselves when libosmium cannot write it."""
    mutated = mutate_xml(xml, rng)
    try:
        return _pbf(mutated, folder)
    except Exception:  # noqa: BLE001 - libosmium refusing the XML: fuzz the PBF reader with the bytes
        return mutate_bytes(mutated, rng)


def readers(folder: Path) -> list[Reader]:
    """Every reader with its seeds; ``folder`` holds files the seeds are made from."""
    from papermap.config import check_output, load_config
    from papermap.model.categories import load_categories
    from papermap.sources.osm import overpass_json_to_xml, read_osm
    from papermap.sources.points import osm_poi_keys, read_points

    categories = load_categories()
    poi_keys = osm_poi_keys(categories)
    osm_xml, _ = overpass_json_to_xml(FIXTURES / "overpass" / "small.json")

    def points(path: Path) -> object:
        return read_points(path, categories)

    def osm(path: Path) -> object:
        return read_osm(path, poi_keys=poi_keys)

    def config(path: Path) -> object:
        cfg = load_config(path, {})
        check_output(cfg, path.with_suffix(".pdf"))
        return cfg

    csv_utf8 = [_fixture(f"points/{n}") for n in ("monaco_relief.csv", "ten_rows_three_bad.csv", "warnings.csv")]
    kml = [_fixture(f"points/{n}") for n in ("nested_folders.kml", "billion_laughs.kml", "xxe_local_file.kml")]
    config_seed = (b'osm = "x.osm.pbf"\ntitle = "t"\nbbox = [7.41, 43.72, 7.44, 43.75]\npaper = "A4"\n'
                   b'orientation = "portrait"\nscale = 10000\noverlap_mm = 10\nstyle = "colour"\nmono = false\n'
                   b'lang = ["ja", "en"]\npoints = ["a.csv"]\nosm_points = true\n'
                   b'qr_url = "https://example.org/#{south},{west}"\njobs = 0\ncache_dir = "cache"\noffline = true\n'
                   b'[[sources]]\npath = "b.csv"\ncategory_map = { "x" = "water" }\n'
                   b'[[sources]]\nurl = "https://example.org/c.csv"\n')
    return [
        Reader("csv_utf8", ".csv", csv_utf8, points),
        Reader("csv_cp932", ".csv", [_fixture("points/sjis_japanese_headers.csv")], points),
        Reader("geojson", ".geojson", [_fixture("points/html_description.geojson"),
                                       _fixture("points/umap_layer.geojson")], points, mutate_json),
        Reader("umap", ".umap", [_fixture("points/layers.umap")], points, mutate_json),
        Reader("kml", ".kml", kml, points, mutate_xml),
        Reader("kmz", ".kmz", [_kmz(kml[0])], points, mutate_kmz),
        Reader("osm_xml", ".osm", [osm_xml], osm, mutate_xml),
        Reader("overpass_json", ".json", [_fixture("overpass/small.json")], osm, mutate_json),
        Reader("pbf", ".osm.pbf", [_pbf(osm_xml, folder)], osm, lambda _, rng: _pbf_of(osm_xml, rng, folder)),
        Reader("config", ".toml", [config_seed], config, mutate_toml),
        Reader("categories", ".toml", [(REPO / "styles" / "categories.toml").read_bytes(),
                                       _fixture("categories_small.toml")], load_categories, mutate_toml),
    ]


def case_input(reader: Reader, rng: random.Random) -> bytes:
    seed = rng.choice(reader.seeds)
    if reader.structured is not None and rng.random() < 0.5:
        return reader.structured(seed, rng)
    return mutate_bytes(seed, rng)


def run_case(reader: Reader, data: bytes, folder: Path, outcome: Outcome) -> None:
    """Feed one input to the reader and count how it ended."""
    from papermap.errors import PapermapError

    path = folder / f"case{reader.suffix}"
    path.write_bytes(data)
    start = time.perf_counter()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_S)
    try:
        reader.run(path)
        outcome.read += 1
    except PapermapError as exc:
        assert "\n" not in str(exc) or reader.name == "config", f"a multi-line error: {exc!r}"
        outcome.clean += 1
    except _Hang:
        outcome.slow += 1
        outcome.failures.setdefault(f"hang over {HANG_S:.0f} s", (data, "hang"))
    except Exception as exc:  # noqa: BLE001 - counting every uncaught exception is the point
        outcome.uncaught += 1
        frames = traceback.extract_tb(exc.__traceback__)
        last = frames[-1] if frames else None
        sig = f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}" if last else type(exc).__name__
        outcome.failures.setdefault(sig, (data, traceback.format_exc()))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    spent = time.perf_counter() - start
    outcome.cases += 1
    outcome.total += spent
    outcome.slowest = max(outcome.slowest, spent)
    if spent > SLOW_S:
        outcome.slow += 1
        outcome.failures.setdefault(f"slow case {spent:.1f} s", (data, "slow"))


def fuzz(reader: Reader, cases: int, seed: int, folder: Path) -> Outcome:
    rng = random.Random(f"{seed}:{reader.name}")
    outcome = Outcome()
    for _ in range(cases):
        run_case(reader, case_input(reader, rng), folder, outcome)
    return outcome


def fuzz_all(cases: int, seed: int = 0, only: set[str] | None = None,
             report: Callable[[str, Outcome], None] | None = None) -> dict[str, Outcome]:
    with tempfile.TemporaryDirectory(prefix="papermap-fuzz-") as tmp:
        folder = Path(tmp)
        results = {}
        for reader in readers(folder):
            if only and reader.name not in only:
                continue
            results[reader.name] = fuzz(reader, cases, seed, folder)
            if report:
                report(reader.name, results[reader.name])
        return results
