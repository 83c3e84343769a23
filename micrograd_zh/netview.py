"""网络图 (network view)：把一个 MLP 画成一列列的圆圈，一眼看清整个网络。

    from micrograd_zh import MLP
    from micrograd_zh.netview import draw_network
    model = MLP(2, [16, 16, 1])
    draw_network(model, [0.5, -0.2])          # Jupyter 里直接显示；.save('net.svg') 写文件

- 每个神经元是一个圆圈，一层一列；最左边一列 L0 是输入 x0、x1 …（名字与 nn 的 L1.n3 一致）。
- 连线是权重 (weight)：红色为正、蓝色为负，越粗越深 |w| 越大（每层按本层最大的 |w| 缩放）。
- 圆圈的颜色是这个样本的激活值 (activation)：红正蓝负；旁边写着激活值 a 和梯度 g = ∂out/∂(神经元的输出)。
  out 默认是网络的输出（多个输出时是它们的和），也可以给 of=lambda out: 损失。
- 鼠标停在圆圈或连线上，会显示名字、数值和梯度（SVG 的 <title>）。
梯度由 stepper.backward_trace 自己算：不调用 backward()，不改动模型参数的 .grad。
这是直接写出的 SVG，只用标准库，不需要 Graphviz。MLP(2, [16, 16, 1]) 约 950 × 700 像素，一屏放得下。
"""

import math
import os
from html import escape

from .engine import Value
from .nn import MLP, _inputs
from .stepper import backward_trace
from .viz import fmt

__all__ = ['draw_network', 'NetworkPicture']

COLUMN, ROW, RADIUS, TOP, LEFT = 270, 36, 11, 86, 60
_RED, _BLUE = (220, 38, 38), (37, 99, 235)


class NetworkPicture:
    """draw_network 的结果：.source 是 SVG 文本，.save(path) 写 .svg，在 Jupyter 里直接显示。"""

    def __init__(self, source):
        self.source = source

    def __str__(self):
        return self.source

    def svg(self):
        return self.source

    def save(self, path):
        """写 SVG 文件（后缀必须是 .svg），返回路径。"""
        path = os.fspath(path)
        suffix = os.path.splitext(path)[1]
        if suffix.lower() != '.svg':
            raise ValueError(f'网络图只能存成 .svg，而不是 {suffix!r} (the network view is saved as .svg, got {suffix!r})')
        with open(path, 'w', encoding='utf-8', newline='\n') as f:
            f.write(self.source)
        return path

    def _repr_svg_(self):
        return self.source


def _color(value, scale):
    """红正蓝负，越深 |value| 越大；0 是白色。"""
    if not math.isfinite(value):
        return '#facc15'
    t = 0.0 if scale == 0 else min(1.0, abs(value) / scale)
    base = _RED if value > 0 else _BLUE
    r, g, b = (round(255 + (c - 255) * t * 0.85) for c in base)
    return f'#{r:02x}{g:02x}{b:02x}'


def _forward(model, x):
    """逐层前向传播，记下每个神经元的输出 Value：[[输入...], [L1 的输出...], ...]。"""
    columns = [[Value(float(v.data if isinstance(v, Value) else v), label=f'x{i}') for i, v in enumerate(x)]]
    for layer in model.layers:
        columns.append([neuron._forward(columns[-1]) for neuron in layer.neurons])
    return columns


def draw_network(model, x, of=None):
    """画出 MLP 的网络图 (network view)，数值取自样本 x。of(输出) → 一个 Value，梯度就是它对各神经元的梯度。"""
    if not isinstance(model, MLP):
        raise TypeError(f'draw_network 需要一个 MLP，而不是 {type(model).__name__} '
                        f'(draw_network needs an MLP, got {type(model).__name__})')
    x = _inputs(x, model.nin, '这个 MLP ', 'MLP')
    columns = _forward(model, x)
    outs = columns[-1]
    target = outs[0] if len(outs) == 1 else sum(outs[1:], outs[0])
    if of is not None:
        target = of(outs[0] if len(outs) == 1 else outs)
        if not isinstance(target, Value):
            raise TypeError(f'of 必须返回一个 Value，而不是 {type(target).__name__} '
                            f'(of must return a Value, got {type(target).__name__})')
    _, _, grads = backward_trace(target)

    tallest = max(len(c) for c in columns)
    width = LEFT + COLUMN * (len(columns) - 1) + 170
    height = TOP + ROW * tallest + 56

    def position(col, k):
        offset = (tallest - len(columns[col])) * ROW / 2
        return LEFT + col * COLUMN, TOP + offset + k * ROW + ROW / 2

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Arial, Helvetica, Noto Sans CJK SC, PingFang SC, '
             f'Microsoft YaHei, sans-serif" font-size="10">',
             '<style>.v{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}</style>',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<text x="{LEFT - 20}" y="22" font-size="14" font-weight="bold">{escape(repr(model))}</text>',
             f'<text x="{LEFT - 20}" y="42" fill="#444">连线 (weights)：<tspan fill="#dc2626">红 = 正</tspan>，'
             f'<tspan fill="#2563eb">蓝 = 负</tspan>，越粗 |w| 越大。圆圈：本样本的激活值 a（颜色）和梯度 '
             f'g = ∂out/∂a。x = [{", ".join(fmt(v.data, 3) for v in columns[0])}]</text>']
    for col in range(len(columns)):                         # 每列的标题 (column titles)
        cx = position(col, 0)[0]
        if col == 0:
            title = 'L0 输入 (input)'
        else:
            title = f'L{col} {model.layers[col - 1].neurons[0].activation} ({len(columns[col])})'
        parts.append(f'<text x="{cx}" y="66" text-anchor="middle" font-weight="bold">{escape(title)}</text>')

    for col, layer in enumerate(model.layers, start=1):     # 先画连线，圆圈盖在上面
        scale = max((abs(w.data) for n in layer.neurons for w in n.w), default=0.0)
        for j, neuron in enumerate(layer.neurons):
            x2, y2 = position(col, j)
            for k, w in enumerate(neuron.w):
                x1, y1 = position(col - 1, k)
                t = 0.0 if scale == 0 else abs(w.data) / scale
                color = '#dc2626' if w.data > 0 else '#2563eb'
                parts.append(f'<line x1="{x1 + RADIUS}" y1="{y1:.1f}" x2="{x2 - RADIUS}" y2="{y2:.1f}" '
                             f'stroke="{color}" stroke-width="{0.3 + 3.2 * t:.2f}" '
                             f'stroke-opacity="{0.15 + 0.7 * t:.2f}"><title>{escape(w.label)} = '
                             f'{fmt(w.data)}</title></line>')

    for col, values in enumerate(columns):
        scale = max((abs(v.data) for v in values if math.isfinite(v.data)), default=0.0)
        for k, v in enumerate(values):
            cx, cy = position(col, k)
            name = v.label if col == 0 else model.layers[col - 1].neurons[k].name
            g = grads.get(v, 0.0)
            tip = f'{name}: a = {fmt(v.data)}, g = {fmt(g)}'
            if col > 0:
                tip += f', b = {fmt(model.layers[col - 1].neurons[k].b.data)}'
            parts.append(f'<g><title>{escape(tip)}</title>'
                         f'<circle cx="{cx}" cy="{cy:.1f}" r="{RADIUS}" fill="{_color(v.data, scale)}" '
                         f'stroke="#333" stroke-width="1"/>'
                         f'<text class="v" x="{cx + RADIUS + 4}" y="{cy - 1:.1f}">{escape(name)} '
                         f'a {fmt(v.data, 2)}</text>'
                         f'<text class="v" x="{cx + RADIUS + 4}" y="{cy + 10:.1f}" fill="#555">g {fmt(g, 3)}'
                         f'</text></g>')
    parts.append('</svg>')
    return NetworkPicture('\n'.join(parts) + '\n')
