"""中文讲解和网页步进器 (micrograd_zh/stepper.py)；步进器在真的浏览器（无头 Chromium）里测。"""

import json
import os
import re

import pytest

import math

import micrograd_zh
from micrograd_zh import Value, topological_order
from micrograd_zh.reasons import why_local
from micrograd_zh.stepper import backward_steps, backward_trace, explain
from micrograd_zh.viz import find_renderers, fmt

from browser import distinct_colours, needs_chromium, png_pixels, run_chromium

needs_renderer = pytest.mark.skipif(not find_renderers(), reason='没有 Graphviz 渲染器 (no renderer)')


def issue_example():
    """a.grad = e.grad × ∂e/∂a = 1.0000 × (-3.0000) = -3.0000"""
    a, b, c = Value(2.0, label='a'), Value(-3.0, label='b'), Value(10.0, label='c')
    e = a * b
    e.label = 'e'
    L = e + c
    L.label = 'L'
    return L


def test_explain_prints_the_chain_rule_per_edge():
    text = explain(issue_example())
    assert micrograd_zh.explain is explain
    lines = text.splitlines()
    assert 'L.grad = 1.0000（起点 start：∂L/∂L = 1）' in lines
    assert '  a.grad = e.grad × ∂e/∂a = 1.0000 × (-3.0000) = -3.0000' in lines
    assert '      ∂e/∂a = b = -3.0000：乘法，对一个因子的导数是另一个因子' in lines
    assert '  b.grad = e.grad × ∂e/∂b = 1.0000 × 2.0000 = 2.0000' in lines
    assert '  c.grad = L.grad × ∂L/∂c = 1.0000 × 1.0000 = 1.0000' in lines
    assert '      ∂L/∂c = 1：加法，一个加数增加 h，和也增加 h' in lines
    assert '— e = a * b' in lines and '— L = e + c' in lines
    assert len([ln for ln in lines if re.match(r'  \S+\.grad', ln)]) == 4          # 每条边一行 (one per edge)
    assert len([ln for ln in lines if ln.startswith('      ∂')]) == 4               # 每条边一个理由
    assert lines.index('— L = e + c') < lines.index('— e = a * b')                  # 逆拓扑序
    assert repr(text) == str(text)                                                   # REPL 里显示成多行


def test_explain_keeps_upstream_local_and_result_apart():
    """issue 14 第 2 条：旧的讲解写成 ∂L/∂e = ∂L/∂L × ∂L/∂e，局部导数和结果用同一个记号。"""
    text = explain(lecture_neuron())
    n = '(x1*w1 + x2*w2 + b)'
    assert f'{n}.grad = o.grad × ∂o/∂{n} = 1.0000 × 0.5000 = 0.5000' in text       # 结果 = 上游 × 局部
    assert f'∂o/∂{n} = 1 - o² = 1 - 0.7071² = 0.5000：tanh 的导数是 1 - tanh²' in text   # 局部导数为什么是 0.5
    assert 'x1.grad = (x1*w1).grad × ∂(x1*w1)/∂x1 = 0.5000 × (-3.0000) = -1.5000' in text
    assert '∂(x1*w1)/∂x1 = w1 = -3.0000：乘法' in text
    for line in text.splitlines():
        if '.grad' in line and line.startswith('  '):
            result, _, formula = line.strip().partition(' = ')
            # 左边是结果 v.grad，右边的第一个因子是上游梯度 out.grad，第二个是局部导数 ∂out/∂v：三个不同的记号
            assert result.endswith('.grad') and '∂' not in result, line
            if '×' in formula:
                upstream, local = formula.split(' = ')[0].split(' × ')
                assert upstream.endswith('.grad') and local.startswith('∂'), line


def test_explain_sums_over_paths():
    a = Value(3.0, label='a')
    sq = a * a
    sq.label = 'sq'
    out = sq + a
    out.label = 'y'
    text = explain(out)
    assert 'a.grad += y.grad × ∂y/∂a = 1.0000 × 1.0000 = 1.0000（第 1/3 条路径，累计 1.0000）' in text
    assert '（第 3/3 条路径，累计 7.0000）(path 3 of 3, total 7.0000)' in text
    assert a.grad == 0.0                                                    # 不改动 .grad


def _reason(out, k=0):
    """out 的第 k 条边在 explain 里的理由行 (the why-line of edge k)。"""
    order = topological_order(out)
    names = {node: node.label or f'#{i}' for i, node in enumerate(order)}
    return why_local(out, k, names, lambda x: fmt(x, 4))


def _check_reason(text, local):
    """理由行 `公式 = 代入的数 = 结果：理由`：结果就是局部导数，代入的数算出来也是它。"""
    head = text.split('：')[0]
    parts = head.split(' = ')
    assert float(parts[-1]) == pytest.approx(local, abs=6e-5), text
    for part in parts[:-1]:
        expr = part.replace('²', '**2').replace('×', '*').replace('·', '*').replace('^', '**')
        expr = re.sub(r'ln (\(?[-\d.]+\)?)', r'log(\1)', expr)
        if re.fullmatch(r'[-+*/().\d\slog]+', expr):                    # 只有数字的那一段：算出来核对
            assert eval(expr, {'log': math.log}) == pytest.approx(local, rel=1e-3, abs=1e-3), text
            return True
    return False


def test_each_local_derivative_reason_matches_the_stored_number():
    a, b = Value(3.0, label='a'), Value(-2.0, label='b')
    pos, neg = Value(0.8, label='p'), Value(-0.5, label='q')
    cases = [
        (a + b, 0, '加法'), (a - b, 1, '减法'), (a * b, 0, '乘法'), (a * b, 1, '乘法'),
        (a / b, 0, None), (a / b, 1, None), (a ** 2, 0, None), (pos ** 0.5, 0, None),
        (pos ** a, 0, None), (pos ** a, 1, None), (-a, 0, '取负'), (neg.exp(), 0, '它自己'),
        (pos.log(), 0, None), (neg.tanh(), 0, None), (pos.sigmoid(), 0, None),
        (pos.relu(), 0, 'y = x'), (neg.relu(), 0, '常数 0'),
        (micrograd_zh.dot([a, b], [pos, neg], Value(1.0, label='c')), 1, '另一个因子'),
        (micrograd_zh.dot([a, b], [pos, neg], Value(1.0, label='c')), 4, '直接相加'),
        (micrograd_zh.add_n([a, b, pos]), 2, '直接相加'),
    ]
    computed = 0
    for out, k, word in cases:
        text = _reason(out, k)
        computed += _check_reason(text, out._local_grads[k])
        assert word is None or word in text, text
    assert computed >= 9                                  # 有公式的运算都核对了代入的数
    assert _reason(a * b, 0).startswith('b = -2.0000')    # 乘法：另一个因子的名字和数
    assert _reason(neg.tanh()).startswith('1 - #1² = 1 - (-0.4621)² = 0.7864')


def test_trace_matches_backward_exactly():
    x = [Value(v, label=f'x{i}') for i, v in enumerate([0.3, -1.2, 2.5])]
    out = ((x[0] * x[1] + x[2]).tanh() * x[0] - x[1] ** 2 + micrograd_zh.dot(x, x, 1.0).sigmoid()).exp()
    order, steps, grads = backward_trace(out)
    out.backward()
    for node in topological_order(out):
        assert grads[node] == node.grad
    assert len(steps) == sum(1 for n in order if n._prev)


def test_unlabelled_and_compound_names_are_readable():
    text = explain((Value(2.0) * Value(3.0)).tanh())
    assert '#2.grad = #3.grad × ∂#3/∂#2' in text
    x = Value(1.0, label='x')
    y = x * 2
    y.label = 'x * 2'
    z = y.relu()
    z.label = 'z'
    assert '(x * 2).grad = z.grad × ∂z/∂(x * 2)' in explain(z)
    assert '— #1 = -x' in explain(-x) and '— #1 = x**2' in explain(x ** 2)


def lecture_neuron():
    from micrograd_zh.expr import evaluate
    o = evaluate('tanh(x1*w1 + x2*w2 + b)', dict(x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432))
    o.label = 'o'
    return o


@needs_renderer
def test_stepper_page_is_self_contained(tmp_path):
    path = backward_steps(lecture_neuron(), tmp_path / 'steps.html')
    page = open(path, encoding='utf-8').read()
    assert micrograd_zh.backward_steps is backward_steps
    assert page.count('<svg') == 1 and '<script src' not in page and '<link' not in page
    assert not re.search(r'(src|href)="(https?:)?//', page) and 'url(' not in page
    data = json.loads(re.search(r'<script id="steps" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert len(data['steps']) == 1 + 5              # 起点 + 5 个运算节点 (start + 5 op nodes)
    assert data['steps'][0]['text'].startswith('o.grad = 1.0000')
    assert any('x1.grad = (x1*w1).grad × ∂(x1*w1)/∂x1 = 0.5000 × (-3.0000) = -1.5000' in s['text']
               for s in data['steps'])
    assert '上一步' in page and '下一步' in page and '播放' in page


@needs_renderer
def test_labels_cannot_break_out_of_the_script(tmp_path):
    x = Value(1.0, label='</script><script>alert(1)</script>')
    page = open(backward_steps(x * 2, tmp_path / 's.html'), encoding='utf-8').read()
    assert page.count('</script>') == 2                                     # 只有我们自己的两个


# ---------------------------------------------------------------- 真的浏览器 (a real browser)
def page_state(dom):
    step = int(re.search(r'<body[^>]*data-step="(\d+)"', dom).group(1))
    grads = re.findall(r'>grad ([^<]*)</text>', dom)
    return step, grads


@needs_renderer
@needs_chromium
def test_stepper_runs_in_headless_chromium(tmp_path):
    path = backward_steps(lecture_neuron(), tmp_path / 'steps.html')
    url = 'file://' + os.path.abspath(path)

    step, grads = page_state(run_chromium(tmp_path, url, '--dump-dom'))
    assert step == 0
    assert sorted(grads) == ['1.0000'] + ['?'] * 9                         # 只知道 ∂o/∂o

    step, grads = page_state(run_chromium(tmp_path, url + '#step=1', '--dump-dom'))
    assert step == 1 and grads.count('?') == 8 and '0.5000' in grads     # 前进一步：tanh 的输入填上了

    step, grads = page_state(run_chromium(tmp_path, url + '#play', '--dump-dom',
                                          '--virtual-time-budget=30000'))
    assert step == 5 and '?' not in grads and '-1.5000' in grads           # 播放到最后一步

    shots = []
    for k in (0, 5):
        shot = tmp_path / f'step{k}.png'
        run_chromium(tmp_path, f'{url}#step={k}', f'--screenshot={shot}', '--window-size=1200,600')
        assert distinct_colours(shot) > 20                                  # 不是一片空白 (not blank)
        shots.append(png_pixels(shot)[0])
    assert shots[0] != shots[1]                                             # 两步看起来不同


HOSTILE = ['<!--<script>', '</script><script>document.body.setAttribute("data-pwned","1")</script>',
           '<img src=x onerror="document.body.setAttribute(\'data-pwned\',\'2\')">', '"\'`', 'a\x00b\nc\x1b',
           '\u2028', ']]><svg onload="document.body.setAttribute(\'data-pwned\',\'3\')">', '&lt;&#x3c;']


def hostile_graph():
    leaves = [Value(float(i + 1), label=label) for i, label in enumerate(HOSTILE)]
    out = micrograd_zh.add_n([leaf * 2 for leaf in leaves])
    out.label = '<!--<script>'
    return out


@needs_renderer
def test_hostile_labels_stay_data(tmp_path):
    page = open(backward_steps(hostile_graph(), tmp_path / 's.html'), encoding='utf-8').read()
    assert page.count('<script') == 2 and page.count('</script>') == 2     # 只有我们自己的两个
    assert '<!--' not in page.split('<script id="steps"')[1].split('</script>')[0]
    assert '\x00' not in page and '\x1b' not in page
    data = json.loads(re.search(r'<script id="steps" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert any('a\\x00b\\nc\\x1b' in step['text'] for step in data['steps'])   # 读回来是可见的转义


@needs_renderer
@needs_chromium
def test_hostile_labels_page_still_steps_in_chromium_and_nothing_runs(tmp_path):
    path = backward_steps(hostile_graph(), tmp_path / 'steps.html')
    url = 'file://' + os.path.abspath(path)
    steps = 1 + len(HOSTILE) + 1                                      # 起点、8 个 *、1 个 Σ
    for k, budget in ((0, ()), (3, ()), (steps - 1, ())):
        dom = run_chromium(tmp_path, f'{url}#step={k}', '--dump-dom', *budget)
        body = re.search(r'<body[^>]*>', dom).group(0)
        assert 'pwned' not in body                                     # 注入的代码没有运行
        assert page_state(dom)[0] == k                                 # 页面的脚本在运行：走到了第 k 步
    dom = run_chromium(tmp_path, url + '#play', '--dump-dom', '--virtual-time-budget=60000')
    assert page_state(dom)[0] == steps - 1 and 'pwned' not in re.search(r'<body[^>]*>', dom).group(0)
    assert '<img' not in dom
