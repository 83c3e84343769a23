"""一步一步看反向传播 (the backward pass, step by step)：中文讲解 explain 和网页步进器 backward_steps。

两者都自己按链式法则 (chain rule) 把反向传播重走一遍，不改动任何节点的 .grad：
    for node in 逆拓扑序 (reversed topological order):
        for child, 局部导数 in node 的边:
            child.grad += node.grad × 局部导数 ∂node/∂child
这正是 Value.backward() 的循环，所以得到的数与刚调用过一次 backward() 的 .grad 完全相同。
"""

import html
import json
import os
import re
from collections import namedtuple

from .engine import topological_order
from .reasons import why_local
from .viz import FONTS, as_root, fmt, node_names, render_svg, to_dot

__all__ = ['explain', 'backward_trace', 'backward_steps']

# 一条边上的一次链式法则 (one chain-rule update along one edge)
EdgeStep = namedtuple('EdgeStep', 'parent child local upstream contribution total path paths')


def backward_trace(root):
    """按反向传播的顺序返回 (order, steps, grads)。

    order  拓扑序 (topological order)
    steps  列表，每个元素是 (node, [EdgeStep, ...])：处理 node 时它的每条边做的事
    grads  {节点: ∂root/∂节点}
    """
    root = as_root(root, 'backward_trace', foreign=False)
    order = topological_order(root)
    incoming = {}
    for node in order:
        for child in node._prev:
            incoming[child] = incoming.get(child, 0) + 1
    grads, seen, steps = {root: 1.0}, {}, []
    for node in reversed(order):
        if not node._prev:
            continue
        upstream = grads.get(node, 0.0)
        edges = []
        for child, local in zip(node._prev, node._local_grads):
            contribution = local * upstream
            grads[child] = grads.get(child, 0.0) + contribution
            seen[child] = seen.get(child, 0) + 1
            edges.append(EdgeStep(node, child, local, upstream, contribution, grads[child],
                                  seen[child], incoming[child]))
        steps.append((node, edges))
    return order, steps, grads


class Narration(str):
    """讲解文本：就是 str，只是在 REPL 和 Jupyter 里直接显示成多行文字。"""

    def __repr__(self):
        return str(self)


def _wrap(name):
    """∂L/∂(x1*w1)：不是简单名字时加括号，免得读错。"""
    return name if re.fullmatch(r'[\w#.]+', name) else f'({name})'


def _describe(node, names):
    """节点是怎么算出来的，如 x1 * w1、tanh(n)、Σ(w1, x1, b)、x**2。"""
    kids = [_wrap(names[c]) for c in node._prev]
    if len(kids) == 2 and node._op in ('+', '-', '*', '/', '**'):
        return f'{names[node]} = {kids[0]} {node._op} {kids[1]}'
    if node._op.startswith('**'):
        return f'{names[node]} = {kids[0]}{node._op}'
    if node._op == 'neg':
        return f'{names[node]} = -{kids[0]}'
    return f'{names[node]} = {node._op}({", ".join(kids)})'


def _edge_line(e, k, names, p):
    """一条边的两行：链式法则（子节点.grad = 输出.grad × 局部导数）和这个局部导数为什么是这个数。"""
    child, parent = _wrap(names[e.child]), _wrap(names[e.parent])
    show = lambda x: fmt(x, p)                                    # noqa: E731
    local = show(e.local)
    if local.startswith('-'):
        local = f'({local})'
    formula = f'{parent}.grad × ∂{parent}/∂{child} = {show(e.upstream)} × {local} = {show(e.contribution)}'
    if e.paths == 1:
        line = f'{child}.grad = {formula}'
    else:
        line = (f'{child}.grad += {formula}（第 {e.path}/{e.paths} 条路径，累计 {show(e.total)}）'
                f'(path {e.path} of {e.paths}, total {show(e.total)})')
    wrapped = {node: _wrap(name) for node, name in names.items()}
    return f'{line}\n    ∂{parent}/∂{child} = {why_local(e.parent, k, wrapped, show)}'


def _lines(root, precision, who):
    order, steps, grads = backward_trace(as_root(root, who, foreign=False))
    names = node_names(order)
    root_name = _wrap(names[root])
    start = f'{root_name}.grad = {fmt(1.0, precision)}（起点 start：∂{root_name}/∂{root_name} = 1）'
    per_step = [[_edge_line(e, k, names, precision) for k, e in enumerate(edges)] for _, edges in steps]
    return order, steps, grads, names, start, per_step


def explain(root, precision=4):
    """用中文讲解反向传播：按拓扑序的逆序，每条边两行，如
        x1.grad = (x1*w1).grad × ∂(x1*w1)/∂x1 = 0.5000 × (-3.0000) = -1.5000
            ∂(x1*w1)/∂x1 = w1 = -3.0000：乘积对一个因子的导数是另一个因子（另一个当常数）
    记号 (notation)：v.grad 是 root 对 v 的梯度（上游梯度和结果）；∂out/∂v 只指一个运算的局部导数。
    一个节点经多条路径到达时，各行用 += 累加并写出累计值。返回多行文本（可直接 print）。
    """
    order, steps, grads, names, start, per_step = _lines(root, precision, 'explain')
    root = order[-1]
    root_name = _wrap(names[root])
    out = [f'反向传播 (backward pass)：从 {root_name} 出发，按拓扑序的逆序 (reverse topological order) 处理每个运算，'
           f'每条边做一次链式法则 (chain rule)：子节点.grad += 输出.grad × ∂输出/∂子节点。',
           f'记号 (notation)：v.grad 是 {root_name} 对 v 的梯度（最终结果，各条路径都算上），输出.grad 就是上游梯度 '
           f'(upstream gradient)；∂out/∂v 只看 out = f(v, …) 这一个运算，是它对输入 v 的局部导数 (local derivative)。',
           start]
    for (node, _), lines in zip(steps, per_step):
        out.append('— ' + _describe(node, names))
        out.extend('  ' + line.replace('\n', '\n  ') for line in lines)
    return Narration('\n'.join(out))


def _script_json(data):
    """放进 <script type="application/json"> 的 JSON：< > & 写成 \\u003c 这样的转义，label 里的
    `</script>`、`<!--<script>` 都不会结束或吞掉脚本 (cannot end or swallow the script)；JSON.parse 读回原样。"""
    text = json.dumps(data, ensure_ascii=False)
    for ch in '<>&\u2028\u2029':
        text = text.replace(ch, f'\\u{ord(ch):04x}')
    return text


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>反向传播步进 (backward stepper)</title>
<style>
body { font-family: __FONTS__; margin: 16px; color: #111; }
#controls { margin: 8px 0; display: flex; gap: 8px; align-items: center; }
button { font: inherit; padding: 4px 12px; }
#panel { background: #f8fafc; border: 1px solid #cbd5e1; padding: 8px 12px; min-height: 3em;
         font-family: monospace, __FONTS__; white-space: pre-wrap; }
#graph svg { max-width: 100%; height: auto; }
g.node.current polygon, g.node.current ellipse { stroke: #dc2626; stroke-width: 3; }
g.node.updated polygon { stroke: #16a34a; stroke-width: 2.5; }
g.edge.active path { stroke: #dc2626; stroke-width: 2.5; }
g.edge.active polygon { stroke: #dc2626; fill: #dc2626; }
</style>
</head>
<body>
<h1>反向传播，一步一步 (backward pass, step by step)</h1>
<p>__INTRO__</p>
<div id="controls">
<button id="prev">◀ 上一步 (prev)</button>
<button id="next">下一步 (next) ▶</button>
<button id="play">▶ 播放 (play)</button>
<span id="counter"></span>
</div>
<div id="panel"></div>
<div id="graph">__SVG__</div>
<script id="steps" type="application/json">__STEPS__</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('steps').textContent);
  var steps = data.steps, cur = 0, timer = null;
  function gradText(id) {
    var g = document.getElementById(id);
    if (!g) return null;
    var texts = g.getElementsByTagName('text');
    for (var i = 0; i < texts.length; i++) {
      if (texts[i].textContent.trim().indexOf('grad') === 0) return texts[i];
    }
    return null;
  }
  function mark(id, cls) {
    var el = document.getElementById(id);
    if (el) el.classList.add(cls);
  }
  function show(k) {
    cur = Math.max(0, Math.min(steps.length - 1, k));
    var known = {};
    for (var s = 0; s <= cur; s++) {
      for (var id in steps[s].grads) known[id] = steps[s].grads[id];
    }
    data.nodes.forEach(function (id) {
      var t = gradText(id);
      if (t) t.textContent = 'grad ' + (id in known ? known[id] : '?');
    });
    var old = document.querySelectorAll('.current, .updated, .active');
    for (var i = 0; i < old.length; i++) old[i].classList.remove('current', 'updated', 'active');
    var step = steps[cur];
    mark(step.node, 'current');
    mark(step.node + 'op', 'current');
    step.edges.forEach(function (id) { mark(id, 'active'); });
    Object.keys(step.grads).forEach(function (id) { if (id !== step.node) mark(id, 'updated'); });
    document.getElementById('panel').textContent = step.text;
    document.getElementById('counter').textContent =
      '第 ' + cur + ' / ' + (steps.length - 1) + ' 步 (step ' + cur + ' of ' + (steps.length - 1) + ')';
    document.body.setAttribute('data-step', String(cur));
  }
  function play() {
    if (timer) { clearInterval(timer); timer = null; setPlayLabel(); return; }
    if (cur >= steps.length - 1) show(0);
    timer = setInterval(function () {
      if (cur >= steps.length - 1) { clearInterval(timer); timer = null; setPlayLabel(); return; }
      show(cur + 1);
    }, 1200);
    setPlayLabel();
  }
  function setPlayLabel() {
    document.getElementById('play').textContent = timer ? '❚❚ 暂停 (pause)' : '▶ 播放 (play)';
  }
  document.getElementById('prev').onclick = function () { show(cur - 1); };
  document.getElementById('next').onclick = function () { show(cur + 1); };
  document.getElementById('play').onclick = play;
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowLeft') show(cur - 1);
    if (e.key === 'ArrowRight') show(cur + 1);
  });
  var m = /step=(\\d+)/.exec(location.hash);
  show(m ? parseInt(m[1], 10) : 0);
  if (/play/.test(location.hash)) play();
})();
</script>
</body>
</html>
"""


def backward_steps(root, path, rankdir='LR', max_nodes=200, precision=4):
    """把反向传播写成一个独立的网页 (one self-contained HTML file)：内嵌 SVG 和脚本，不从外部加载任何东西。

    第 0 步只知道 ∂L/∂L = 1；之后每一步处理一个节点：它被高亮，它的边变红，
    子节点的梯度填上，面板里写着这一步的链式法则。按钮：上一步、下一步、播放；键盘 ← →。
    网址后加 #step=3 直接打开第 3 步，加 #play 自动播放。需要渲染器（见 draw_dot）。返回 path。
    """
    order, steps, grads, names, start, per_step = _lines(root, precision, 'backward_steps')
    root = order[-1]
    index = {node: i for i, node in enumerate(order)}
    source = to_dot(root, rankdir=rankdir, max_nodes=max_nodes, precision=precision, grads=grads)
    svg = render_svg(source)
    svg = svg[svg.index('<svg'):]                     # 去掉 XML 声明和 DOCTYPE (drop the XML prolog)

    root_id = f'v{index[root]}'
    records = [{'node': root_id, 'edges': [], 'grads': {root_id: fmt(1.0, precision)}, 'text': start}]
    for (node, edges), lines in zip(steps, per_step):
        i = index[node]
        records.append({
            'node': f'v{i}',
            'edges': [f'v{i}e{k}' for k in range(len(edges))],
            'grads': {f'v{index[e.child]}': fmt(e.total, precision) for e in edges},
            'text': '\n'.join([_describe(node, names)] + lines),
        })
    data = {'nodes': [f'v{i}' for i in range(len(order))], 'steps': records}
    script_json = _script_json(data)
    intro = html.escape('每一步处理一个节点：子节点.grad += 输出.grad × 边上的局部导数 ∂输出/∂子节点。'
                        '(Each step processes one node: child.grad += out.grad × local derivative on the edge.)')
    parts = {'FONTS': FONTS, 'INTRO': intro, 'STEPS': script_json, 'SVG': svg}
    page = re.sub(r'__(FONTS|INTRO|STEPS|SVG)__', lambda m: parts[m.group(1)], _PAGE)   # 一遍替换完
    path = os.fspath(path)
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(page)
    return path
