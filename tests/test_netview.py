"""网络图 (micrograd_zh/netview.py)：结构、颜色、数值，以及在无头 Chromium 里一屏放得下。"""

import os
import re
import xml.etree.ElementTree as ET

import pytest

from micrograd_zh import MLP, Value
from micrograd_zh.netview import draw_network
from micrograd_zh.viz import fmt

from browser import needs_chromium, png_pixels, run_chromium

SVG = '{http://www.w3.org/2000/svg}'


def moons_sized(seed=0):
    return MLP(2, [16, 16, 1], init='uniform', seed=seed)


def test_every_neuron_is_a_circle_and_every_weight_a_line():
    model = moons_sized()
    tree = ET.fromstring(draw_network(model, [0.5, -0.2]).source)
    circles, lines = list(tree.iter(SVG + 'circle')), list(tree.iter(SVG + 'line'))
    assert len(circles) == 2 + 16 + 16 + 1
    assert len(lines) == 2 * 16 + 16 * 16 + 16 * 1
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    red = [ln for ln in lines if ln.get('stroke') == '#dc2626']
    assert len(red) == sum(w.data > 0 for w in weights)                  # 红色 = 正权重
    widths = {ln.find(SVG + 'title').text.split(' = ')[0]: float(ln.get('stroke-width')) for ln in lines}
    layer1 = {w.label: abs(w.data) for n in model.layers[0].neurons for w in n.w}
    big, small = max(layer1, key=layer1.get), min(layer1, key=layer1.get)
    assert widths[big] > widths[small]                                   # 越粗 |w| 越大
    assert 'L2.n5.w3' in widths                                          # 名字来自模型


def test_activations_and_gradients_are_those_of_the_sample_and_grads_are_untouched():
    model = MLP(2, [3, 2], activation='tanh', seed=3)
    source = draw_network(model, [0.3, -1.2], of=lambda out: out[0] * out[1]).source
    assert all(p.grad == 0.0 for p in model.parameters())                # 不调用 backward()，不改 .grad
    x0, x1 = Value(0.3), Value(-1.2)
    out = model([x0, x1])
    (out[0] * out[1]).backward()
    texts = re.findall(r'>(x0|x1|L1\.n\d|L2\.n\d) a ([^<]*)</text>\s*<text[^>]*>g ([^<]*)</text>', source)
    shown = {name: (a, g) for name, a, g in texts}
    assert shown['x0'] == (fmt(0.3, 2), fmt(x0.grad, 3)) and shown['x1'][1] == fmt(x1.grad, 3)
    assert shown['L2.n1'] == (fmt(out[1].data, 2), fmt(out[0].data, 3))  # ∂(o0·o1)/∂o1 = o0


def test_wrong_arguments_are_one_line(tmp_path):
    with pytest.raises(TypeError, match='draw_network needs an MLP, got list') as info:
        draw_network([1, 2], [0.0, 0.0])
    assert '\n' not in str(info.value)
    with pytest.raises(ValueError, match='expects 2 inputs, got 3'):
        draw_network(MLP(2, [3, 1], seed=0), [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match='of must return a Value, got float'):
        draw_network(MLP(2, [3, 1], seed=0), [1.0, 2.0], of=lambda out: 1.0)
    with pytest.raises(ValueError, match=r"\.png"):
        draw_network(MLP(2, [3, 1], seed=0), [1.0, 2.0]).save(tmp_path / 'n.png')


@needs_chromium
def test_whole_moons_network_fits_one_screen_in_headless_chromium(tmp_path):
    picture = draw_network(moons_sized(), [0.5, -0.2])
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', picture.source).groups())
    assert width <= 1280 and height <= 800                               # 一屏 (one 1280×800 screen)
    path = picture.save(tmp_path / 'net.svg')
    shot = tmp_path / 'net.png'
    run_chromium(tmp_path, 'file://' + os.path.abspath(path), f'--screenshot={shot}', '--window-size=1280,800')
    rows, bpp = png_pixels(shot)
    pixels = [row[i:i + 3] for row in rows[::2] for i in range(0, len(row), bpp * 2)]
    reddish = sum(1 for r, g, b in pixels if r > 180 and g < 140 and b < 140)
    bluish = sum(1 for r, g, b in pixels if b > 180 and r < 140)
    assert reddish > 200 and bluish > 200                               # 正负权重都看得见
    circles = list(ET.fromstring(picture.source).iter(SVG + 'circle'))
    last = circles[-1]                                                   # 输出神经元：最右边一列
    cx, cy = int(float(last.get('cx'))), int(float(last.get('cy')))
    assert rows[cy][cx * bpp:cx * bpp + 3] != b'\xff\xff\xff'              # 画进了屏幕，没被截掉
