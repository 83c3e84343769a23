"""计算图的图片 (pictures of the computation graph)：Value → DOT 文本 → SVG。

    from micrograd_zh import Value, draw_dot
    L = (Value(2.0, label='a') * Value(-3.0, label='b')).tanh(); L.backward()
    draw_dot(L)              # 在 Jupyter 里直接显示；.source 是 DOT 文本；.save('L.svg') 写文件

每个值节点 (value node) 是一条记录 `label | data | grad`；运算节点 (op node) 是一个椭圆，写着
`+`、`*`、`tanh`、神经元的 `Σ` 等。每条边 child → op 上写着引擎在前向传播时存下的局部导数
(local derivative) ∂out/∂child，所以链式法则可以直接从图上读出来：
    child 的梯度 = Σ（上游梯度 × 边上的数）

生成 DOT 文本只用标准库。把 DOT 画成 SVG 需要一个渲染器 (renderer)，按顺序查找：
    1. PATH 上的 `dot`（系统装的 Graphviz）
    2. `graphviz-pure`（PyPI 包，`pip install "micrograd_zh[viz]"` 会装上）：PATH 上，
       或当前解释器的 scripts 目录里（venv 没激活时也能找到）
都没有时照样写出 .dot 文件，并抛出一行中英文的 RendererNotFoundError，说明怎样安装。
"""

import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections import deque

from .engine import topological_order

__all__ = ['draw_dot', 'Graph', 'to_dot', 'render_svg', 'find_renderers', 'RendererNotFoundError',
           'FONTS', 'node_names']

# 中文字体在前，各平台常见的都列上，最后退回 sans-serif (CJK fonts first, then a generic fallback)
FONTS = ('Arial, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, '
         'WenQuanYi Micro Hei, sans-serif')

ROLE_COLORS = {            # 按角色着色 (colour by role)
    'input': '#dbeafe',
    'parameter': '#dcfce7',
    'constant': '#f3f4f6',
    'intermediate': '#ffffff',
    'output': '#fee2e2',
}
ROLE_NAMES = {
    'input': '输入 (input)',
    'parameter': '参数 (parameter)',
    'constant': '常数 (constant)',
    'intermediate': '中间值 (intermediate)',
    'output': '输出 (output)',
}
_POSITIVE, _NEGATIVE, _NONFINITE = (239, 68, 68), (59, 130, 246), '#facc15'

# 没给 params 时，名字像权重或偏置的叶子算作参数：w、w1、w_2、b、bias、权重… (nn.py 就这样命名)
_PARAM_LABEL = re.compile(r'^(?:w|b|weight|bias|权重|偏置)(?:[\d_].*)?$', re.IGNORECASE)

INSTALL_HINT = ('pip install "micrograd_zh[viz]"（或 pip install graphviz-pure）、apt install graphviz、'
                'brew install graphviz、conda install -c conda-forge graphviz、winget install graphviz')


class RendererNotFoundError(RuntimeError):
    """找不到 Graphviz 渲染器 (no Graphviz renderer found)。"""


# ---------------------------------------------------------------- 文本 (text)
def fmt(x, precision=4):
    """把数字写成图上的样子：一般 4 位小数，太大或太小用科学计数法，inf/nan 原样。"""
    if x != x or x in (math.inf, -math.inf):
        return str(x)
    if x != 0.0 and not 1e-4 <= abs(x) < 1e6:
        return f'{x:.{precision}e}'
    return f'{x:.{precision}f}'


def node_names(order):
    """每个节点的名字：有 label 用 label，否则用它在拓扑序中的编号，如 #3。图、讲解和步进器用同一套名字。"""
    return {node: (node.label or f'#{i}') for i, node in enumerate(order)}


def _record_field(text):
    """记录 (record) 字段的转义：特殊字符加反斜杠，& 写成 &amp;。

    Graphviz 2.43 会吞掉紧跟在中文（非 ASCII 字符）后面的空格，连硬空格 `\\ ` 也一样；
    写成实体 (entity) `&#32;` 才能保住，新版 Graphviz 和 graphviz-pure 也认得它。
    """
    text = re.sub(r'([\\{}|<>"])', r'\\\1', str(text).replace('&', '&amp;'))
    return re.sub(r'(?<=[^\x00-\x7f]) ', '&#32;', text)


def _quoted(text):
    return '"' + str(text).replace('\\', '\\\\').replace('"', '\\"') + '"'


def _html(text):
    return (str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('"', '&quot;'))


# ---------------------------------------------------------------- 颜色 (colour)
def _roles(order, root, params):
    params = None if params is None else {id(p) for p in params}
    roles = {}
    for node in order:
        if node is root:
            role = 'output'
        elif node._prev:
            role = 'intermediate'
        elif params is not None:
            role = 'parameter' if id(node) in params else ('input' if node.label else 'constant')
        elif not node.label:
            role = 'constant'
        else:
            role = 'parameter' if _PARAM_LABEL.match(node.label) else 'input'
        roles[node] = role
    return roles


def _grad_color(g, scale):
    if g != g or g in (math.inf, -math.inf):
        return _NONFINITE
    if g == 0.0 or scale == 0.0:
        return '#ffffff'
    base = _POSITIVE if g > 0 else _NEGATIVE
    t = 0.15 + 0.6 * min(1.0, abs(g) / scale)      # 0.15 … 0.75：越深 |grad| 越大
    r, gg, b = (round(255 + (c - 255) * t) for c in base)
    return f'#{r:02x}{gg:02x}{b:02x}'


def _pad(text):
    return '&#160;' * (1 + sum(1 for ch in text if ord(ch) > 0x2e80) // 3)


def _legend(color, show_local_grads):
    if color == 'role':
        rows = [(ROLE_COLORS[r], ROLE_NAMES[r]) for r in ROLE_COLORS]
    else:
        rows = [(_grad_color(1.0, 1.0), '正梯度 (grad &gt; 0)'),
                (_grad_color(-1.0, 1.0), '负梯度 (grad &lt; 0)'),
                (_grad_color(0.2, 1.0), '颜色越深 |grad| 越大 (darker: larger |grad|)'),
                ('#ffffff', '零 (zero)'),
                (_NONFINITE, 'inf / nan')]
    if show_local_grads:
        rows += [('#ffffff', '边上的数：局部导数 ∂out/∂child'), ('#ffffff', '(edge label: local derivative)')]
    # 末尾补不换行空格 (no-break spaces)：有的渲染器 (graphviz-pure) 把中文量窄了，留点余地
    cells = ''.join(f'<tr><td bgcolor="{c}">{t}{_pad(t)}</td></tr>' for c, t in rows)
    return f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">{cells}</table>>'


# ---------------------------------------------------------------- DOT
def _nearest(root, limit):
    """离输出最近的 limit 个节点（从 root 出发的广度优先搜索 BFS）。"""
    keep, queue = {root}, deque([root])
    while queue and len(keep) < limit:
        for child in queue.popleft()._prev:
            if child not in keep and len(keep) < limit:
                keep.add(child)
                queue.append(child)
    return keep


def to_dot(root, rankdir='LR', show_local_grads=True, color='role', max_nodes=500, params=None,
           legend=True, precision=4, fontname=FONTS, grads=None):
    """把以 root 为输出的计算图写成 DOT 文本。参数见 draw_dot。同一张图总是得到同样的文本。

    grads 可以给出 {节点: 梯度}，代替各节点的 .grad（步进器用它）。
    """
    if rankdir not in ('LR', 'TB', 'RL', 'BT'):
        raise ValueError(f"rankdir 必须是 LR/TB/RL/BT 之一，而不是 {rankdir!r} "
                         f"(rankdir must be one of LR/TB/RL/BT, got {rankdir!r})")
    if color not in ('role', 'grad'):
        raise ValueError(f"color 必须是 'role' 或 'grad'，而不是 {color!r} "
                         f"(color must be 'role' or 'grad', got {color!r})")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 1):
        raise ValueError(f"max_nodes 必须是 ≥ 1 的整数或 None，而不是 {max_nodes!r} "
                         f"(max_nodes must be an int >= 1 or None, got {max_nodes!r})")
    order = topological_order(root)
    names = node_names(order)
    index = {node: i for i, node in enumerate(order)}
    keep = None if max_nodes is None or len(order) <= max_nodes else _nearest(root, max_nodes)
    drawn = order if keep is None else [n for n in order if n in keep]
    roles = _roles(order, root, params)
    grad = (lambda n: n.grad) if grads is None else (lambda n: grads.get(n, 0.0))
    scale = max((abs(grad(n)) for n in drawn if math.isfinite(grad(n))), default=0.0)

    font = _quoted(fontname)
    lines = [
        'digraph G {',
        f'  graph [rankdir={rankdir}, fontname={font}, nodesep=0.25, ranksep=0.4];',
        f'  node [fontname={font}, fontsize=12];',
        f'  edge [fontname={font}, fontsize=10, color="#555555", fontcolor="#1d4ed8"];',
    ]
    if keep is not None:
        note = (f'只画了离输出最近的 {len(drawn)} 个节点，共 {len(order)} 个 '
                f'(drew the {len(drawn)} nodes nearest the output, of {len(order)})')
        lines.append(f'  label={_quoted(note)}; labelloc=t;')
    for node in drawn:
        i = index[node]
        fill = ROLE_COLORS[roles[node]] if color == 'role' else _grad_color(grad(node), scale)
        fields = [_record_field(names[node]), f'data {fmt(node.data, precision)}',
                  f'grad {fmt(grad(node), precision)}']
        lines.append(f'  v{i} [id="v{i}", shape=record, style=filled, fillcolor="{fill}", '
                     f'label="{{ {" | ".join(fields)} }}"];')
        if node._prev:
            missing = any(child not in keep for child in node._prev) if keep is not None else False
            style = ', style=dashed' if missing else ''
            lines.append(f'  v{i}op [id="v{i}op", label={_quoted(node._op)}, shape=ellipse, '
                         f'margin="0.05,0.02", width=0.4, height=0.3{style}];')
            lines.append(f'  v{i}op -> v{i} [id="v{i}out"];')
    for node in drawn:
        i = index[node]
        for k, (child, local) in enumerate(zip(node._prev, node._local_grads)):
            if keep is not None and child not in keep:
                continue
            label = f', label={_quoted(fmt(local, precision))}' if show_local_grads else ''
            lines.append(f'  v{index[child]} -> v{i}op [id="v{i}e{k}"{label}];')
    if legend:
        lines.append(f'  legend [shape=plaintext, margin=0, fontsize=10, '
                     f'label={_legend(color, show_local_grads)}];')
    lines.append('}')
    return '\n'.join(lines) + '\n'


# ---------------------------------------------------------------- 渲染器 (renderers)
def find_renderers():
    """按顺序列出能用的渲染器 [(名字, 路径)]：先 PATH 上的 dot，再 graphviz-pure。"""
    found = []
    dot = shutil.which('dot')
    if dot:
        found.append(('dot', dot))
    exe = 'graphviz-pure.exe' if os.name == 'nt' else 'graphviz-pure'
    places = [shutil.which('graphviz-pure'), os.path.join(os.path.dirname(sys.executable), exe)]
    for scheme in (None, f'{os.name}_user'):
        try:
            places.append(os.path.join(sysconfig.get_path('scripts', scheme) or '', exe))
        except KeyError:                                    # 该平台没有这个方案 (no such scheme)
            pass
    for path in places:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            found.append(('graphviz-pure', path))
            break
    return found


def _for_graphviz_pure(source, fontname):
    """graphviz-pure 只认单个字体名的字宽 (metrics)：先用 Arial 排版，SVG 里再换回字体列表。"""
    return source.replace(_quoted(fontname), '"Arial"')


def render_svg(source, fontname=FONTS):
    """用找到的第一个能用的渲染器把 DOT 文本画成 SVG 文本；stderr 被截获，出错时只给一行。"""
    renderers = find_renderers()
    if not renderers:
        raise RendererNotFoundError(
            f'找不到 Graphviz 渲染器，请安装其一：{INSTALL_HINT} '
            f'(no Graphviz renderer found: install one of the above)')
    error = ''
    for name, path in renderers:
        text = _for_graphviz_pure(source, fontname) if name == 'graphviz-pure' else source
        try:
            done = subprocess.run([path, '-Tsvg'], input=text.encode('utf-8'),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as e:
            error = f'{name}: {type(e).__name__}: {e}'
            continue
        if done.returncode == 0 and done.stdout:
            svg = done.stdout.decode('utf-8', 'replace')
            if name == 'graphviz-pure':
                svg = svg.replace('font-family="Arial"', f'font-family="{_html(fontname)}"')
            return svg
        lines = done.stderr.decode('utf-8', 'replace').strip().splitlines()
        error = f'{name}: ' + (lines[-1] if lines else f'exit code {done.returncode}')
    raise RuntimeError(f'渲染失败 (rendering failed): {error}')


# ---------------------------------------------------------------- Graph
class Graph:
    """draw_dot 的结果：.source 是 DOT 文本，.svg() 画成 SVG，.save(path) 写文件，在 Jupyter 里直接显示。"""

    def __init__(self, source, fontname=FONTS):
        self.source = source
        self.fontname = fontname
        self._svg = None

    def __str__(self):
        return self.source

    def svg(self):
        """SVG 文本（画一次后缓存 cached）。没有渲染器时抛出 RendererNotFoundError。"""
        if self._svg is None:
            self._svg = render_svg(self.source, self.fontname)
        return self._svg

    def save(self, path):
        """写文件：后缀 .dot（或 .gv）写 DOT 文本，否则写 SVG。

        没有渲染器时照样把 DOT 写到同名的 .dot 文件，再抛出一行 RendererNotFoundError。返回写出的路径。
        """
        path = os.fspath(path)
        root, suffix = os.path.splitext(path)
        if suffix.lower() in ('.dot', '.gv'):
            _write(path, self.source)
            return path
        if suffix.lower() not in ('.svg', ''):
            raise ValueError(f'只支持 .svg 和 .dot，而不是 {suffix!r} (only .svg and .dot are supported, '
                             f'got {suffix!r})')
        path = root + '.svg'
        try:
            svg = self.svg()
        except RendererNotFoundError:
            _write(root + '.dot', self.source)
            raise RendererNotFoundError(
                f'找不到 Graphviz 渲染器，已写出 {root}.dot；请安装其一：{INSTALL_HINT} '
                f'(no Graphviz renderer found; wrote {root}.dot instead; install one of the above)') from None
        _write(path, svg)
        return path

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return {'image/svg+xml': self.svg()}
        except (RendererNotFoundError, RuntimeError) as e:
            return {'text/plain': str(e)}


def _write(path, text):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)


def draw_dot(root, rankdir='LR', show_local_grads=True, color='role', max_nodes=500, params=None,
             legend=True, precision=4, fontname=FONTS):
    """画出以 root 为输出的计算图 (draw the computation graph)，用法和 micrograd 课程里一样。

    rankdir           方向：'LR' 从左到右（默认）、'TB' 从上到下、'RL'、'BT'
    show_local_grads  边上写局部导数 ∂out/∂child（默认 True）
    color             'role'：按角色着色（输入、参数、常数、中间值、输出）；
                      'grad'：按梯度着色，红正蓝负，越深 |grad| 越大
    max_nodes         最多画几个值节点（离输出最近的优先），None 不限；默认 500
    params            参数 (parameters) 的列表，如 model.parameters()；不给时，名字像 w1、b 的叶子算参数
    legend            画图例 (legend)
    返回 Graph：.source（DOT 文本）、.save(path)、.svg()，在 Jupyter 中直接显示为 SVG。
    """
    return Graph(to_dot(root, rankdir, show_local_grads, color, max_nodes, params, legend, precision,
                        fontname), fontname)
