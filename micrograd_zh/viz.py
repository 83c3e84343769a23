"""计算图的图片 (pictures of the computation graph)：Value → DOT 文本 → SVG / PNG / PDF。

    from micrograd_zh import Value, draw_dot
    L = (Value(2.0, label='a') * Value(-3.0, label='b')).tanh(); L.backward()
    draw_dot(L)              # 在 Jupyter 里直接显示；.source 是 DOT 文本
    draw_dot(L).save('L.png')            # 按后缀写 .svg / .png / .pdf / .dot
    draw_dot(L, format='png').render('L')   # 与 graphviz 包相同的用法：写出 L 和 L.png

每个值节点 (value node) 是一条记录 `label | data | grad`；运算节点 (op node) 是一个椭圆，写着
`+`、`*`、`tanh`、神经元的 `Σ` 等。每条边 child → op 上写着引擎在前向传播时存下的局部导数
(local derivative) ∂out/∂child，所以链式法则可以直接从图上读出来：
    child 的梯度 = Σ（上游梯度 × 边上的数）

角色 (role) 只按事实判断，不看名字：root 是输出；有子节点的是中间值；叶子 (leaf) 里，给了 params 就看
是否在 params 中，否则看它是不是 Parameter（nn 建的权重和偏置都是）；其余有 label 的叶子是输入，
没有 label 的（如 x * 2 里的 2）是常数。图例只列图上出现的角色。

别的引擎的 Value（micrograd 的，或讲座里自己写的那个，_prev 是 set）也能画：数值、梯度和运算照画，
但它们没有存局部导数，边上不写数。生成 DOT 文本只用标准库；画成图片见 micrograd_zh.render。
"""

import math
import os
import re
from collections import Counter, deque

from . import render as _render
from .engine import Parameter, Value, topological_order
from .render import (FONTS, FORMATS, INSTALL_HINT, RendererNotFoundError, find_renderers, render_svg,
                     _html, _quoted)

__all__ = ['draw_dot', 'Graph', 'to_dot', 'render_svg', 'find_renderers', 'RendererNotFoundError',
           'FONTS', 'node_names', 'printable', 'as_root']

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
ACTIVATION_OPS = ('tanh', 'relu', 'sigmoid')      # collapse_neurons 把 Σ 和这些激活合成一个方框


# ---------------------------------------------------------------- 要画的是什么 (what was passed)
def _show(x, limit=60):
    text = repr(x)
    return text if len(text) <= limit else text[:limit - 1] + '…'


def _is_foreign(x):
    """别的引擎的 Value（micrograd 的、讲座里自己写的）：有 data、grad、_prev、_op 这几个属性。"""
    return all(hasattr(x, a) for a in ('data', 'grad', '_prev', '_op'))


def as_root(root, who, foreign=True):
    """检查 who（'draw_dot'、'explain' …）收到的 root：micrograd_zh 的 Value 原样返回；
    别的引擎的 Value 在 foreign=True 时换成同样形状的 micrograd_zh 图（见 _mirror），否则一行 TypeError。"""
    if isinstance(root, Value):
        return root
    kind = type(root).__name__
    if _is_foreign(root):
        if foreign:
            return _mirror(root, who)
        raise TypeError(
            f'{who} 需要 micrograd_zh 的 Value，而 {kind}（{type(root).__module__}）是别的引擎的，没有存局部导数：'
            f'画图用 draw_dot，讲解请用 micrograd_zh.Value 重新算一遍 '
            f'({who} needs a micrograd_zh Value; this {kind} from another engine stores no local derivatives: '
            f'draw it with draw_dot, or recompute it with micrograd_zh.Value)')
    hint_zh = hint_en = ''
    if isinstance(root, (list, tuple)):
        hint_zh, hint_en = f'；一次一个，如 {who}(values[0])', f'; pass one at a time, e.g. {who}(values[0])'
    raise TypeError(f'{who} 的 root 必须是 Value（计算的结果），而不是 {kind} {_show(root)}{hint_zh} '
                    f"({who}'s root must be a Value, the result of a computation, got {kind} {_show(root)}{hint_en})")


def _children(node):
    prev = node._prev
    if isinstance(prev, (set, frozenset)):             # 讲座的 Value 用 set：按名字排，图每次都一样
        return sorted(prev, key=lambda c: str(getattr(c, 'label', '')))
    return list(prev)


def _mirror(root, who):
    """别的引擎的图 → 同样形状的 micrograd_zh 图：data、grad、label、运算名照抄，局部导数未知 (None)。"""
    mirrors, stack = {}, [root]
    while stack:                                       # 只是收集所有节点（不排序），不递归
        node = stack.pop()
        if id(node) in mirrors:
            continue
        try:
            m = Value(node.data, label=printable(getattr(node, 'label', '') or ''))
            m.grad = float(node.grad)
        except (TypeError, ValueError):
            raise TypeError(f'{who}：{type(node).__name__} 的 data/grad 必须是数，而不是 {_show(node.data)} '
                            f'({who}: data and grad of {type(node).__name__} must be numbers, '
                            f'got {_show(node.data)})') from None
        mirrors[id(node)] = (node, m)
        stack.extend(_children(node))
    for node, m in mirrors.values():
        kids = tuple(mirrors[id(c)][1] for c in _children(node))
        m._prev, m._op, m._local_grads = kids, str(node._op) if kids else '', (None,) * len(kids)
    return mirrors[id(root)][1]


# ---------------------------------------------------------------- 文本 (text)
def fmt(x, precision=4):
    """把数字写成图上的样子：一般 4 位小数，太大或太小用科学计数法，inf/nan 原样；None（未知）写成 ?。"""
    if x is None:
        return '?'
    if x != x or x in (math.inf, -math.inf):
        return str(x)
    if x != 0.0 and not 1e-4 <= abs(x) < 1e6:
        return f'{x:.{precision}e}'
    return f'{x:.{precision}f}'


_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]')


def printable(label):
    """label 里的控制字符 (control characters) 写成转义，如换行写成 \\n、NUL 写成 \\x00：图、讲解和网页里都是一行。"""
    text = label if isinstance(label, str) else str(label)
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def node_names(order):
    """每个节点的名字：有 label 用 label，否则用它在拓扑序中的编号，如 #3；几个节点同名时（如四个样本
    各有一个 L3.n0）加上编号，如 L3.n0#57。控制字符写成转义。图、讲解和步进器用同一套名字。"""
    labels = [printable(node.label) if node.label else '' for node in order]
    shared = {label for label, n in Counter(labels).items() if label and n > 1}
    return {node: (label if label and label not in shared else f'{label}#{i}')
            for i, (node, label) in enumerate(zip(order, labels))}


def _record_field(text):
    """记录 (record) 字段的转义：特殊字符加反斜杠，& 写成 &amp;。

    Graphviz 2.43 会吞掉紧跟在中文（非 ASCII 字符）后面的空格，连硬空格 `\\ ` 也一样；
    写成实体 (entity) `&#32;` 才能保住，新版 Graphviz 和 graphviz-pure 也认得它。
    """
    text = re.sub(r'([\\{}|<>"])', r'\\\1', str(text).replace('&', '&amp;'))
    return re.sub(r'(?<=[^\x00-\x7f]) ', '&#32;', text)


# ---------------------------------------------------------------- 颜色 (colour)
def _roles(order, root, params):
    """每个节点的角色，只按事实：见模块说明。"""
    params = None if params is None else {id(p) for p in params}
    roles = {}
    for node in order:
        if node is root:
            role = 'output'
        elif node._prev:
            role = 'intermediate'
        elif params is not None and id(node) in params or params is None and isinstance(node, Parameter):
            role = 'parameter'
        else:
            role = 'input' if node.label else 'constant'
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


def _grad_kind(g):
    if g != g or g in (math.inf, -math.inf):
        return 'nonfinite'
    return 'zero' if g == 0.0 else ('positive' if g > 0 else 'negative')


def _pad(text):
    return '&#160;' * (1 + sum(1 for ch in text if ord(ch) > 0x2e80) // 3)


def _legend(color, present, edge_note, note=None):
    """图例 (legend)：只列图上出现的角色（或梯度的种类），放在图的下方，不占用列宽。"""
    if color == 'role':
        rows = [(ROLE_COLORS[r], ROLE_NAMES[r]) for r in ROLE_COLORS if r in present]
    else:
        kinds = [('positive', _grad_color(1.0, 1.0), '正梯度 (grad &gt; 0)'),
                 ('negative', _grad_color(-1.0, 1.0), '负梯度 (grad &lt; 0)'),
                 ('zero', '#ffffff', '零 (zero)'),
                 ('nonfinite', _NONFINITE, 'inf / nan')]
        rows = [(c, t) for kind, c, t in kinds if kind in present]
        if present & {'positive', 'negative'}:
            rows.append(('#ffffff', '颜色越深 |grad| 越大 (darker: larger |grad|)'))
    rows += [('#ffffff', line) for line in edge_note]
    if note:
        rows.insert(0, ('#ffffff', _html(note)))
    # 末尾补不换行空格 (no-break spaces)：有的渲染器 (graphviz-pure) 把中文量窄了，留点余地
    cells = ''.join(f'<tr><td bgcolor="{c}">{t}{_pad(t)}</td></tr>' for c, t in rows)
    return f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">{cells}</table>>'


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


def _neurons(order):
    """可以合成一个方框的神经元：{激活节点: 它的 Σ 节点}，要求 Σ 只被这个激活用到（图的结构，不看名字）。"""
    uses = Counter(child for node in order for child in node._prev)
    return {node: node._prev[0] for node in order
            if node._op in ACTIVATION_OPS and len(node._prev) == 1
            and node._prev[0]._op == 'Σ' and uses[node._prev[0]] == 1}


def _check_options(rankdir, color, max_nodes):
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


def to_dot(root, rankdir='LR', show_local_grads=True, color='role', max_nodes=500, params=None,
           legend=True, precision=4, fontname=FONTS, grads=None, collapse_neurons=False):
    """把以 root 为输出的计算图写成 DOT 文本。参数见 draw_dot。同一张图总是得到同样的文本。

    grads 可以给出 {节点: 梯度}，代替各节点的 .grad（步进器用它）。
    """
    root = as_root(root, 'draw_dot')
    _check_options(rankdir, color, max_nodes)
    order = topological_order(root)
    names = node_names(order)
    index = {node: i for i, node in enumerate(order)}
    neurons = _neurons(order) if collapse_neurons else {}
    hidden = set(neurons.values())                   # 合进神经元方框的 Σ 节点不单独画
    keep = None if max_nodes is None or len(order) <= max_nodes else _nearest(root, max_nodes)
    drawn = [n for n in order if (keep is None or n in keep) and n not in hidden]
    roles = _roles(order, root, params)
    grad = (lambda n: n.grad) if grads is None else (lambda n: grads.get(n, 0.0))
    scale = max((abs(grad(n)) for n in drawn if math.isfinite(grad(n))), default=0.0)
    unknown = any(local is None for n in drawn for local in n._local_grads)

    font = _quoted(fontname)
    lines = [
        'digraph G {',
        f'  graph [rankdir={rankdir}, fontname={font}, nodesep=0.15, ranksep=0.25, '
        f'labelloc=b, labeljust=r, fontsize=9];',
        f'  node [fontname={font}, fontsize=11, margin="0.06,0.03", height=0.25];',
        f'  edge [fontname={font}, fontsize=9, color="#555555", fontcolor="#1d4ed8", arrowsize=0.6];',
    ]
    note = None
    if keep is not None:
        note = (f'只画了离输出最近的 {len(drawn)} 个节点，共 {len(order)} 个 '
                f'(drew the {len(drawn)} nodes nearest the output, of {len(order)})')
    vertical = rankdir in ('LR', 'RL')               # 左右排布时记录竖着叠 (stack fields): 图窄很多
    for node in drawn:
        i = index[node]
        fill = ROLE_COLORS[roles[node]] if color == 'role' else _grad_color(grad(node), scale)
        fields = ' | '.join([_record_field(names[node]), f'data {fmt(node.data, precision)}',
                             f'grad {fmt(grad(node), precision)}'])
        label = fields if vertical else f'{{ {fields} }}'
        lines.append(f'  v{i} [id="v{i}", shape=record, style=filled, fillcolor="{fill}", label="{label}"];')
        if node._prev:
            inner = neurons.get(node)
            kids = inner._prev if inner is not None else node._prev
            missing = keep is not None and any(child not in keep for child in kids)
            style = ', style=dashed' if missing else ''
            op = f'{node._op}(Σ)' if inner is not None else node._op
            lines.append(f'  v{i}op [id="v{i}op", label={_quoted(op)}, shape=ellipse, '
                         f'margin="0.03,0.01", width=0.3, height=0.25{style}];')
            lines.append(f'  v{i}op -> v{i} [id="v{i}out"];')
    for node in drawn:
        i = index[node]
        inner = neurons.get(node)
        if inner is None:
            edges = zip(node._prev, node._local_grads)
        else:                                        # 合成的神经元：边上是 ∂act/∂Σ × ∂Σ/∂child
            outer = node._local_grads[0]
            edges = ((c, None if local is None or outer is None else outer * local)
                     for c, local in zip(inner._prev, inner._local_grads))
        for k, (child, local) in enumerate(edges):
            if keep is not None and child not in keep:
                continue
            label = f', label={_quoted(fmt(local, precision))}' if show_local_grads and local is not None else ''
            lines.append(f'  v{index[child]} -> v{i}op [id="v{i}e{k}"{label}];')
    if legend:
        present = ({roles[n] for n in drawn} if color == 'role' else {_grad_kind(grad(n)) for n in drawn})
        edge_note = []
        if unknown:
            edge_note = ['别的引擎的 Value：局部导数未知，边上不写数', '(another engine: local derivatives unknown)']
        elif show_local_grads and any(n._prev for n in drawn):
            edge_note = ['边上的数：局部导数 ∂out/∂child', '(edge label: local derivative)']
        if neurons:
            edge_note += ['tanh(Σ)：一个神经元 Σ wᵢxᵢ + b 再过激活', '(one neuron: activation of its Σ)']
        lines.append(f'  label={_legend(color, present, edge_note, note)};')
    elif note:
        lines.append(f'  label={_quoted(note)};')
    lines.append('}')
    return '\n'.join(lines) + '\n'


# ---------------------------------------------------------------- Graph
class Graph:
    """draw_dot 的结果，用法与 graphviz 包的 Digraph / Source 相同 (the graphviz package's everyday API)：

    .source                 DOT 文本
    .format                 'svg'（默认）、'png' 或 'pdf'：render()、pipe() 和 Jupyter 的显示都用它
    .pipe(format=None)      画好的图片的字节 (bytes)；给 encoding 时返回 str
    .render(filename=None, directory=None, view=False, cleanup=False, format=None, outfile=None)
                            把 DOT 写到 filename（默认 'graph.gv'），图片写到 filename + '.' + format，返回图片路径
    .save(path)             按后缀写 .svg / .png / .pdf / .dot（.gv）；没有后缀时写 .svg
    .view()                 画出来并用系统默认的程序打开
    .to_graphviz()          换成 graphviz 包的 graphviz.Source（装了 graphviz 包时），用它的全部功能
    在 Jupyter 里直接显示（按 format 显示 SVG 或 PNG）。
    """

    def __init__(self, source, fontname=FONTS, format='svg'):
        self.source = source
        self.fontname = fontname
        self.format = _check_format(format)
        self._cache = {}

    def __str__(self):
        return self.source

    def pipe(self, format=None, encoding=None):
        """画好的图片：bytes；给了 encoding（如 'utf-8'，只对 svg 有意义）时返回 str。"""
        fmt = self.format if format is None else _check_format(format)
        if fmt not in self._cache:
            self._cache[fmt] = _render.render(self.source, fmt, self.fontname)
        out = self._cache[fmt]
        return out.decode(encoding) if encoding is not None else out

    def svg(self):
        """SVG 文本（画一次后缓存 cached）。没有渲染器时抛出 RendererNotFoundError。"""
        return self.pipe('svg', encoding='utf-8')

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None, outfile=None):
        """与 graphviz 包的 render 相同：DOT 写到 filename（默认 'graph.gv'），图片写到 filename.format。

        给了 outfile 时图片就写到 outfile（格式看它的后缀），DOT 写到同名的 .gv。
        cleanup=True 画完删掉 DOT 文件；view=True 用系统默认的程序打开图片。返回图片的路径。
        """
        if outfile is not None:
            out = os.path.join(os.fspath(directory or ''), os.fspath(outfile))
            stem, suffix = os.path.splitext(out)
            fmt = format or _format_from_suffix(suffix) or self.format
            source_path = stem + '.gv'
        else:
            source_path = os.path.join(os.fspath(directory or ''), os.fspath(filename or 'graph.gv'))
            fmt = self.format if format is None else format
            out = f'{source_path}.{_check_format(fmt)}'
        if directory:
            os.makedirs(os.fspath(directory), exist_ok=True)
        _write(source_path, self.source.encode('utf-8'))
        _write(out, self.pipe(fmt))
        if cleanup:
            os.remove(source_path)
        if view:
            self.view(out)
        return out

    def save(self, path):
        """按后缀写文件：.svg、.png、.pdf 画成图片，.dot / .gv 写 DOT 文本；没有后缀时写 .svg。

        没有渲染器时照样把 DOT 写到同名的 .dot 文件，再抛出一行 RendererNotFoundError。返回写出的路径。
        """
        path = os.fspath(path)
        root, suffix = os.path.splitext(path)
        if suffix.lower() in ('.dot', '.gv'):
            _write(path, self.source.encode('utf-8'))
            return path
        fmt = _format_from_suffix(suffix) if suffix else 'svg'
        if fmt is None:
            raise ValueError(f'只支持 .svg、.png、.pdf、.dot 和 .gv，而不是 {suffix!r} '
                             f'(only .svg, .png, .pdf, .dot and .gv are supported, got {suffix!r})')
        path = path if suffix else root + '.svg'
        try:
            data = self.pipe(fmt)
        except RendererNotFoundError:
            if _render.find_renderers():             # 有渲染器，只是画不了这种格式（PDF）
                raise
            _write(root + '.dot', self.source.encode('utf-8'))
            raise RendererNotFoundError(
                f'找不到 Graphviz 渲染器，已写出 {root}.dot；请安装其一：{INSTALL_HINT} '
                f'(no Graphviz renderer found; wrote {root}.dot instead; install one of the above)') from None
        _write(path, data)
        return path

    def view(self, path=None):
        """画出来（没给 path 时写到临时文件夹）并用系统默认的程序打开，返回路径。"""
        if path is None:
            import tempfile
            path = os.path.join(tempfile.mkdtemp(prefix='micrograd_zh-'), f'graph.{self.format}')
            _write(path, self.pipe())
        _render.view(path)
        return path

    def to_graphviz(self):
        """换成 graphviz 包的 graphviz.Source（同样的 DOT 和 format）；它要系统的 Graphviz 才能画。"""
        try:
            import graphviz
        except ImportError:
            raise ImportError('to_graphviz() 需要 graphviz 包：pip install graphviz '
                              '(to_graphviz() needs the graphviz package: pip install graphviz)') from None
        return graphviz.Source(self.source, format=self.format)

    def _repr_mimebundle_(self, include=None, exclude=None):
        fmt = 'svg' if self.format == 'pdf' else self.format
        try:
            data = self.pipe(fmt)
        except (RendererNotFoundError, RuntimeError) as e:
            return {'text/plain': str(e)}
        if fmt == 'svg':
            return {'image/svg+xml': data.decode('utf-8')}
        width = int.from_bytes(data[16:20], 'big')                # PNG 是 2 倍图：按一半的宽度显示
        return {'image/png': data}, {'image/png': {'width': max(1, round(width / _render.PNG_SCALE))}}


def _check_format(fmt):
    if fmt not in FORMATS:
        raise ValueError(f"format 必须是 {'、'.join(FORMATS)} 之一，而不是 {fmt!r} "
                         f"(format must be one of {', '.join(FORMATS)}, got {fmt!r})")
    return fmt


def _format_from_suffix(suffix):
    fmt = suffix.lower().lstrip('.')
    return fmt if fmt in FORMATS else None


def _write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def draw_dot(root, format='svg', rankdir='LR', show_local_grads=True, color='role', max_nodes=500, params=None,
             legend=True, precision=4, fontname=FONTS, collapse_neurons=False):
    """画出以 root 为输出的计算图 (draw the computation graph)，用法和 micrograd 课程里一样。

    format            'svg'（默认）、'png' 或 'pdf'，同 micrograd 的 draw_dot(root, format='png')
    rankdir           方向：'LR' 从左到右（默认）、'TB' 从上到下、'RL'、'BT'
    show_local_grads  边上写局部导数 ∂out/∂child（默认 True）
    color             'role'：按角色着色（输入、参数、常数、中间值、输出）；
                      'grad'：按梯度着色，红正蓝负，越深 |grad| 越大
    max_nodes         最多画几个值节点（离输出最近的优先），None 不限；默认 500
    params            参数 (parameters) 的列表，如 model.parameters()；不给时 Parameter（nn 建的权重、偏置）算参数
    legend            在图下方画图例 (legend)，只列出现的角色
    collapse_neurons  把每个神经元的 Σ 和激活 (tanh/relu/sigmoid) 合成一个方框，边上是合起来的局部导数
    返回 Graph：.source、.format、.pipe()、.render()、.save(path)、.view()，在 Jupyter 中直接显示。
    root 也可以是别的引擎（micrograd、讲座里自己写的）的 Value：照画，只是边上没有局部导数。
    """
    return Graph(to_dot(root, rankdir, show_local_grads, color, max_nodes, params, legend, precision,
                        fontname, collapse_neurons=collapse_neurons), fontname, format)
