"""中文讲解和网页步进器 (micrograd_zh/stepper.py)；步进器在真的浏览器（无头 Chromium）里测。"""

import json
import os
import re

import pytest

import micrograd_zh
from micrograd_zh import Value, topological_order
from micrograd_zh.stepper import backward_steps, backward_trace, explain
from micrograd_zh.viz import find_renderers

from browser import distinct_colours, needs_chromium, png_pixels, run_chromium

needs_renderer = pytest.mark.skipif(not find_renderers(), reason='没有 Graphviz 渲染器 (no renderer)')


def issue_example():
    """∂L/∂a = ∂L/∂e × ∂e/∂a = 1.0000 × -3.0000 = -3.0000"""
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
    assert '∂L/∂L = 1.0000（起点 start）' in lines
    assert '  ∂L/∂a = ∂L/∂e × ∂e/∂a = 1.0000 × -3.0000 = -3.0000' in lines
    assert '  ∂L/∂b = ∂L/∂e × ∂e/∂b = 1.0000 × 2.0000 = 2.0000' in lines
    assert '  ∂L/∂c = ∂L/∂L × ∂L/∂c = 1.0000 × 1.0000 = 1.0000' in lines
    assert '— e = a * b' in lines and '— L = e + c' in lines
    assert len([ln for ln in lines if ln.startswith('  ∂')]) == 4          # 每条边一行 (one per edge)
    assert lines.index('— L = e + c') < lines.index('— e = a * b')         # 逆拓扑序
    assert repr(text) == str(text)                                          # REPL 里显示成多行


def test_explain_sums_over_paths():
    a = Value(3.0, label='a')
    sq = a * a
    sq.label = 'sq'
    out = sq + a
    out.label = 'y'
    text = explain(out)
    assert '∂y/∂a += ∂y/∂y × ∂y/∂a = 1.0000 × 1.0000 = 1.0000（第 1/3 条路径，累计 1.0000）' in text
    assert '（第 3/3 条路径，累计 7.0000）(path 3 of 3, total 7.0000)' in text
    assert a.grad == 0.0                                                    # 不改动 .grad


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
    assert '∂#3/∂#2 = ∂#3/∂#3 × ∂#3/∂#2' in text
    x = Value(1.0, label='x')
    y = x * 2
    y.label = 'x * 2'
    z = y.relu()
    z.label = 'z'
    assert '∂z/∂(x * 2) = ∂z/∂z × ∂z/∂(x * 2)' in explain(z)
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
    assert data['steps'][0]['text'].startswith('∂o/∂o = 1.0000')
    assert any('∂o/∂x1 = ∂o/∂(x1*w1) × ∂(x1*w1)/∂x1 = 0.5000 × -3.0000 = -1.5000' in s['text']
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
