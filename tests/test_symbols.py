"""Relief-point symbols: told apart by outline and by mono fill, numbers readable, and placed
without hiding one another or dropping a point."""
from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from papermap.layout.symbols import (MAX_SHIFT, SYMBOL_MM, _EPS, SymbolPlacement, _offsets, _share,
                                     place_symbols, reading_order)
from papermap.render.pdf import BLACK, WHITE, Colour, Document
from papermap.render.symbols import MONO_GROUND, SHAPES, draw_leaders, draw_symbol, number_colour
from papermap.settings import MM
from pdfcheck import render

SIZE = SYMBOL_MM * MM
BOX = 40.0


def _raster(tmp_path: Path, draw, name: str = "s.pdf") -> np.ndarray:
    """One symbol drawn on its own small page, rasterised at 150 dpi in grey."""
    path = tmp_path / name
    doc = Document(path, (BOX, BOX))
    draw(doc)
    doc.end_sheet()
    doc.finish()
    return render(path, 0, dpi=150, grey=True).astype(int)


def _symbol(tmp_path: Path, shape: str, fill: str, number: int | None, mono: bool = True,
            colour: str = "#1f78b4") -> np.ndarray:
    return _raster(tmp_path, lambda c: draw_symbol(c, shape, BOX / 2, BOX / 2, SIZE, colour, fill, number, mono))


def test_every_shape_differs_by_outline(tmp_path):
    silhouettes = {s: _symbol(tmp_path, s, "black", None) < 128 for s in SHAPES}
    for a, b in itertools.combinations(SHAPES, 2):
        union = (silhouettes[a] | silhouettes[b]).sum()
        differ = (silhouettes[a] ^ silhouettes[b]).sum()
        assert differ / union > 0.14, f"{a} and {b} look alike ({differ / union:.2f})"


def test_every_mono_fill_differs(tmp_path):
    for shape in ("square", "triangle", "drop"):
        images = {f: _symbol(tmp_path, shape, f, None) for f in MONO_GROUND}
        inside = images["black"] < 128
        for a, b in itertools.combinations(MONO_GROUND, 2):
            changed = (np.abs(images[a] - images[b]) > 64) & inside
            assert changed.sum() / inside.sum() > 0.08, f"{shape}: {a} and {b} look alike"


@pytest.mark.parametrize("fill", [*MONO_GROUND, "colour"])
@pytest.mark.parametrize("shape", SHAPES)
def test_number_stands_out_on_every_shape_and_fill(tmp_path, shape, fill):
    mono = fill != "colour"
    colour = "#ffff99" if shape == "star" else "#6a3d9a"   # a light fill takes a black number, a dark one white
    plain = _symbol(tmp_path, shape, fill if mono else "white", None, mono, colour)
    numbered = _symbol(tmp_path, shape, fill if mono else "white", 12, mono, colour)
    changed = np.abs(numbered - plain) > 100
    assert changed.sum() >= 25, "the number 12 barely shows"
    ys, xs = np.nonzero(changed)
    centre = numbered.shape[0] / 2
    assert abs(ys.mean() - centre) < 0.45 * SIZE * 150 / 72 and abs(xs.mean() - centre) < 4


def test_number_colour_follows_contrast():
    assert number_colour(Colour.hex("#ffff99")) == BLACK
    assert number_colour(Colour.hex("#1f78b4")) == WHITE


def test_unknown_shape_or_fill_is_refused(tmp_path):
    doc = Document(tmp_path / "x.pdf", (100, 100))
    with pytest.raises(ValueError, match="shape"):
        draw_symbol(doc, "blob", 10, 10, SIZE, "#000000", "black", 1, True)
    with pytest.raises(ValueError, match="mono fill"):
        draw_symbol(doc, "circle", 10, 10, SIZE, "#000000", "stripes", 1, True)


def test_leader_ends_in_a_dot_at_the_true_position(tmp_path):
    placements = place_symbols([(f"k{i}", 20.0, 20.0) for i in range(3)], 10.0, (0, 0, BOX, BOX))
    assert sum(p.displaced for p in placements) == 2
    img = _raster(tmp_path, lambda c: draw_leaders(c, placements))
    px = int(20.0 * 150 / 72)
    assert img[img.shape[0] - px - 2:img.shape[0] - px + 2, px - 2:px + 2].min() < 100
    for p in placements:
        if p.displaced:   # and a line leads there from the symbol
            mx, my = ((p.x + p.true_x) / 2 * 150 / 72, (p.y + p.true_y) / 2 * 150 / 72)
            row, col = img.shape[0] - int(my), int(mx)
            assert img[row - 1:row + 2, col - 1:col + 2].min() < 200


def _check_invariants(items, placements, size, frame, obstacles=()):
    """Every point once, numbers 1..n in placement, nothing overlapping, outside or under furniture."""
    assert sorted(p.key for p in placements) == sorted(k for k, _, _ in items)
    drawn = [p for p in placements if not p.shared]
    assert [p.number for p in drawn] == list(range(1, len(drawn) + 1))
    by_number = {p.number: p for p in drawn}
    for p in placements:
        if p.shared:
            host = by_number[p.number]
            assert (p.x, p.y) == (host.x, host.y) and p.displaced
    xy = np.array([(p.x, p.y) for p in drawn])
    h = size / 2
    x0, y0, x1, y1 = frame
    assert (xy[:, 0] - h >= x0 - 1e-9).all() and (xy[:, 0] + h <= x1 + 1e-9).all()
    assert (xy[:, 1] - h >= y0 - 1e-9).all() and (xy[:, 1] + h <= y1 + 1e-9).all()
    for start in range(0, len(xy), 500):
        block = xy[start:start + 500]
        dx = np.abs(block[:, None, 0] - xy[None, :, 0])
        dy = np.abs(block[:, None, 1] - xy[None, :, 1])
        clash = (dx < size - 1e-6) & (dy < size - 1e-6)
        clash[np.arange(len(block)), np.arange(start, start + len(block))] = False
        assert not clash.any()
    for ox0, oy0, ox1, oy1 in obstacles:
        assert not ((xy[:, 0] - h < ox1 - 1e-6) & (xy[:, 0] + h > ox0 + 1e-6)
                    & (xy[:, 1] - h < oy1 - 1e-6) & (xy[:, 1] + h > oy0 + 1e-6)).any()


def test_numbers_run_in_reading_order():
    frame = (0.0, 0.0, 500.0, 500.0)
    items = [(f"r{r}c{c}", 30.0 + c * 60, 470.0 - r * 60) for r in range(5) for c in range(5)]
    random.Random(7).shuffle(items)
    placements = place_symbols(items, 20.0, frame)
    assert not any(p.displaced for p in placements)
    assert [p.key for p in placements] == [f"r{r}c{c}" for r in range(5) for c in range(5)]
    assert [p.number for p in placements] == list(range(1, 26))
    assert reading_order([("a", 50, 100), ("b", 10, 95)], 20.0, 500) == [1, 0]  # same row: by x


def test_crowded_points_move_apart_with_leaders_and_keep_out_of_obstacles():
    frame = (0.0, 0.0, 300.0, 300.0)
    tab = (100.0, 280.0, 200.0, 300.0)
    rnd = random.Random(3)
    items = [(f"p{i}", rnd.gauss(150, 20), rnd.gauss(150, 20)) for i in range(20)]
    items += [("under-tab", 150.0, 295.0), ("corner", 0.5, 0.5)]
    placements = place_symbols(items, SIZE, frame, [tab])
    _check_invariants(items, placements, SIZE, frame, [tab])
    assert not any(p.shared for p in placements)
    moved = {p.key for p in placements if p.displaced}
    assert "under-tab" in moved and "corner" in moved
    assert placements == place_symbols(items, SIZE, frame, [tab])
    assert placements == place_symbols(list(reversed(items)), SIZE, frame, [tab])


def test_ten_thousand_points_finish_and_share_numbers_without_dropping_any():
    frame = (40.0, 110.0, 560.0, 760.0)
    rnd = random.Random(11)
    items = [(f"p{i}", rnd.uniform(40, 560), rnd.uniform(110, 760)) for i in range(10_000)]
    obstacles = [(250.0, 746.0, 350.0, 760.0), (40.0, 400.0, 54.0, 460.0)]
    placements = place_symbols(items, SIZE, frame, obstacles)
    _check_invariants(items, placements, SIZE, frame, obstacles)
    assert any(p.shared for p in placements)


def _place_by_the_rules(items, size, frame, obstacles):
    """The placement rules done the obvious way: every candidate spot against every placed
    symbol and obstacle, nearest spot first."""
    x0, y0, x1, y1 = frame
    h = size / 2
    placed, waiting = [], []
    for i in reading_order(items, size, y1):
        key, tx, ty = items[i]
        for dx, dy in _offsets(size, MAX_SHIFT * size).tolist():
            x, y = min(max(tx + dx, x0 + h), x1 - h), min(max(ty + dy, y0 + h), y1 - h)
            if any(abs(x - p.x) < size - _EPS and abs(y - p.y) < size - _EPS for p in placed):
                continue
            if any(x - h < o[2] - _EPS and x + h > o[0] + _EPS and y - h < o[3] - _EPS and y + h > o[1] + _EPS
                   for o in obstacles):
                continue
            placed.append(SymbolPlacement(key, len(placed) + 1, x, y, tx, ty))
            break
        else:
            waiting.append((key, tx, ty))
    return _share(placed, waiting)


@pytest.mark.parametrize("seed,n,spread", [(1, 40, 60.0), (2, 250, 200.0), (3, 350, 300.0), (4, 300, 40.0)])
def test_fast_placement_follows_the_rules_exactly(seed, n, spread):
    """place_symbols skips most spot tests with a raster of taken ground; it must place every
    symbol exactly where testing every spot against every symbol would."""
    frame = (20.0, 30.0, 320.0, 430.0)
    rnd = random.Random(seed)
    items = [(f"p{i}", min(max(rnd.gauss(170, spread), 20.0), 320.0), min(max(rnd.gauss(230, spread), 30.0), 430.0))
             for i in range(n)]   # a page's points are inside its frame; the crowd piles up at its edges
    items += [(f"grid{i}", 20.0 + (i % 15) * SIZE / 2, 30.0 + (i // 15) * SIZE) for i in range(60)]
    obstacles = [(100.0, 400.0, 200.0, 430.0), (20.0, 100.0, 40.0, 180.0)]
    assert place_symbols(items, SIZE, frame, obstacles) == _place_by_the_rules(items, SIZE, frame, obstacles)


def test_frame_too_small_or_full_is_an_error():
    with pytest.raises(ValueError):
        place_symbols([("a", 5, 5)], 20.0, (0, 0, 10, 10))
    with pytest.raises(ValueError):
        place_symbols([("a", 50, 50)], 20.0, (0, 0, 100, 100), [(0, 0, 100, 100)])
    assert place_symbols([], 20.0, (0, 0, 100, 100)) == []
