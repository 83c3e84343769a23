"""计算图的图片 (micrograd_zh/viz.py)：DOT 文本、渲染器查找、SVG、没有渲染器时的出路。"""

import os
import re
import stat
import sys
import sysconfig
import xml.etree.ElementTree as ET

import pytest

import micrograd_zh
from micrograd_zh import Value, add_n, backward_steps, dot, explain, topological_order
from micrograd_zh import render, viz
from micrograd_zh.viz import RendererNotFoundError, draw_dot, find_renderers, fmt, to_dot

HAVE_RENDERER = bool(find_renderers())
needs_renderer = pytest.mark.skipif(not HAVE_RENDERER, reason='没有 Graphviz 渲染器 (no renderer)')


def lecture_neuron():
    x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')
    w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    n = x1 * w1 + x2 * w2 + b
    n.label = 'n'
    o = n.tanh()
    o.label = 'o'
    o.backward()
    return o


def record(source, label):
    """DOT 里 label 为 label 的记录节点那一行。"""
    lines = [ln for ln in source.splitlines() if f'label="{label} |' in ln]
    assert len(lines) == 1, (label, lines)
    return lines[0]


def test_exported_like_the_lecture():
    assert micrograd_zh.draw_dot is draw_dot
    g = draw_dot(lecture_neuron())
    assert g.source.startswith('digraph')
    assert str(g) == g.source
    assert hasattr(g, '_repr_mimebundle_')


def test_records_show_label_data_grad():
    src = draw_dot(lecture_neuron()).source
    assert 'data 2.0000 | grad -1.5000' in record(src, 'x1')
    assert 'data -3.0000 | grad 1.0000' in record(src, 'w1')
    assert 'data 0.7071 | grad 1.0000' in record(src, 'o')
    assert 'data 0.8814 | grad 0.5000' in record(src, 'n')
    assert 'label="tanh"' in src and 'label="*"' in src and 'label="+"' in src


def edge_labels(source):
    """[(子节点 id, 运算节点 id, 边上的数)]"""
    return re.findall(r'(v\d+) -> (v\d+op) \[id="[^"]*", label="([^"]*)"\]', source)


def test_every_child_edge_carries_its_local_derivative():
    a, b = Value(2.0, label='a'), Value(-3.0, label='b')
    e = a * b
    e.label = 'e'
    L = e.tanh()
    L.label = 'L'
    L.backward()
    src = to_dot(L)
    ids = {m[1]: m[0] for m in re.findall(r'(v\d+) \[id="v\d+", shape=record.*label="(\w+) \|', src)}
    edges = edge_labels(src)
    assert (ids['a'], f"{ids['e']}op", '-3.0000') in edges     # ∂e/∂a = b
    assert (ids['b'], f"{ids['e']}op", '2.0000') in edges      # ∂e/∂b = a
    assert (ids['e'], f"{ids['L']}op", fmt(L._local_grads[0])) in edges     # 1 - tanh²
    assert len(edges) == 3


def test_option_hides_local_derivatives():
    src = to_dot(lecture_neuron(), show_local_grads=False)
    assert edge_labels(src) == []
    assert '局部导数' not in src


def test_reused_node_draws_one_edge_per_use():
    a = Value(3.0, label='a')
    out = a * a
    src = to_dot(out)
    assert len(edge_labels(src)) == 2
    assert all(label == '3.0000' for _, _, label in edge_labels(src))


def test_sigma_node_from_dot_has_2n_plus_1_edges():
    ws = [Value(float(i), label=f'w{i}') for i in range(3)]
    xs = [Value(1.0 + i, label=f'x{i}') for i in range(3)]
    out = dot(ws, xs, Value(0.5, label='b'))
    src = to_dot(out)
    assert src.count('label="Σ"') == 1
    assert len(edge_labels(src)) == 7
    assert 'label="**2"' in to_dot(Value(2.0) ** 2) and 'label="neg"' in to_dot(-Value(2.0))
    assert src.count('label="Σ"') == to_dot(add_n(ws)).count('label="Σ"')


def test_same_graph_gives_the_same_text():
    assert to_dot(lecture_neuron()) == to_dot(lecture_neuron())
    o = lecture_neuron()
    assert draw_dot(o).source == draw_dot(o).source


def test_unlabelled_nodes_get_short_ids():
    out = (Value(1.0) + Value(2.0)) * Value(3.0)
    src = to_dot(out)
    assert re.search(r'label="#4 \| data 9\.0000', src)
    assert re.search(r'label="#0 \| data 1\.0000', src)
    assert re.search(r'label="\{ #0 \| data 1\.0000 \| grad 0\.0000 \}"', to_dot(out, rankdir='TB'))  # 上下排布


def fill(source, label):
    return re.search(r'fillcolor="([^"]+)"', record(source, label)).group(1)


def test_colour_by_role():
    src = to_dot(lecture_neuron())
    c = viz.ROLE_COLORS
    assert fill(src, 'x1') == c['input'] and fill(src, 'n') == c['intermediate']
    assert fill(src, 'w1') == c['input'] and fill(src, 'b') == c['input']      # 名字不算数：只是带 label 的叶子
    assert fill(src, 'o') == c['output']
    assert fill(to_dot(Value(2.0, label='k') * 3), '#1') == c['constant']
    for role in ('输入', '中间值', '输出'):
        assert role in src
    assert '参数' not in src and '常数' not in src                          # 图例只列出现的角色
    w = micrograd_zh.Parameter(-3.0, label='w1')                              # 事实：它是 Parameter
    src = to_dot(w * Value(2.0, label='x1'))
    assert fill(src, 'w1') == c['parameter'] and fill(src, 'x1') == c['input'] and '参数' in src
    x = Value(1.0, label='x')
    src = to_dot((x * Value(2.0, label='w')), params=[x])       # 明确给出参数 (explicit params)
    assert fill(src, 'x') == c['parameter'] and fill(src, 'w') == c['input']


def test_colour_by_gradient_sign_and_size_with_legend():
    src = to_dot(lecture_neuron(), color='grad')
    red, blue, white = fill(src, 'w1'), fill(src, 'x1'), fill(src, 'w2')
    assert white == '#ffffff'
    r, g, b = (int(red[i:i + 2], 16) for i in (1, 3, 5))
    assert r > b                                               # 正梯度偏红
    r, g, b = (int(blue[i:i + 2], 16) for i in (1, 3, 5))
    assert b > r                                               # 负梯度偏蓝
    assert fill(src, 'x1') != fill(src, 'x2')                  # |−1.5| 比 |0.5| 深
    assert '正梯度' in src and '负梯度' in src
    assert 'legend' not in to_dot(lecture_neuron(), legend=False)


def test_chinese_labels_and_record_escaping():
    w = Value(1.0, label='权重 甲')
    v = Value(2.0, label='a|b{c}<d>"&lt;')
    src = to_dot(w * v)
    assert '权重&#32;甲' in src                  # Graphviz 2.43 吞掉中文后的空格（连 `\\ ` 也吞）：用实体
    assert 'a\\|b\\{c\\}\\<d\\>\\"&amp;lt;' in src
    assert 'Noto Sans CJK SC' in src and 'Microsoft YaHei' in src


def chain(n):
    x = Value(1.0, label='x')
    for _ in range(n):
        x = x * 1.0
    return x


def test_max_nodes_keeps_those_nearest_the_output():
    src = to_dot(chain(100), max_nodes=10)
    assert src.count('shape=record') == 10
    assert '共 201 个' in src and 'of 201' in src
    assert 'label="x |' not in src                           # 输入离输出最远，没画
    assert 'style=dashed' in src
    assert to_dot(chain(100), max_nodes=None).count('shape=record') == 201


@pytest.mark.parametrize('kwargs', [{'rankdir': 'XY'}, {'color': 'blue'}, {'max_nodes': 0},
                                    {'max_nodes': 2.5}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match='must'):
        to_dot(Value(1.0), **kwargs)


def test_numbers_format():
    assert fmt(2.0) == '2.0000' and fmt(-0.5) == '-0.5000'
    assert fmt(1e20) == '1.0000e+20' and fmt(1e-7) == '1.0000e-07'
    assert fmt(float('inf')) == 'inf' and fmt(float('nan')) == 'nan'


# ---------------------------------------------------------------- 渲染器 (renderers)
def fake_program(folder, name, script):
    path = folder / name
    path.write_text('#!/bin/sh\n' + script + '\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """PATH、解释器目录和 scripts 目录都换成空的临时目录 (no real renderer visible)."""
    for d in ('path', 'exe', 'scripts'):
        (tmp_path / d).mkdir()
    monkeypatch.setenv('PATH', str(tmp_path / 'path'))
    monkeypatch.setattr(sys, 'executable', str(tmp_path / 'exe' / 'python'))
    monkeypatch.setattr(sysconfig, 'get_path', lambda name, scheme=None: str(tmp_path / 'scripts'))
    return tmp_path


posix_only = pytest.mark.skipif(os.name == 'nt', reason='假程序是 sh 脚本 (fake programs are sh scripts)')


@posix_only
def test_discovery_order_dot_first_then_graphviz_pure(isolated):
    assert find_renderers() == []
    pure = fake_program(isolated / 'exe', 'graphviz-pure', 'cat >/dev/null; echo "<svg>pure</svg>"')
    assert find_renderers() == [('graphviz-pure', pure)]       # 解释器旁边 (next to sys.executable)
    dot_path = fake_program(isolated / 'path', 'dot', 'cat >/dev/null; echo "<svg>dot</svg>"')
    assert find_renderers() == [('dot', dot_path), ('graphviz-pure', pure)]
    assert draw_dot(Value(1.0)).svg().strip() == '<svg>dot</svg>'


@posix_only
def test_graphviz_pure_in_scripts_folder_or_on_path(isolated):
    pure = fake_program(isolated / 'scripts', 'graphviz-pure', 'echo')
    assert find_renderers() == [('graphviz-pure', pure)]
    on_path = fake_program(isolated / 'path', 'graphviz-pure', 'echo')
    assert find_renderers() == [('graphviz-pure', on_path)]


@posix_only
def test_broken_dot_falls_back_and_errors_are_one_line(isolated):
    fake_program(isolated / 'path', 'dot', 'echo "Warning: x" >&2; echo "Format: svg not recognized" >&2; exit 1')
    with pytest.raises(RuntimeError) as info:
        draw_dot(Value(1.0)).svg()
    assert 'svg not recognized' in str(info.value) and '\n' not in str(info.value)
    fake_program(isolated / 'exe', 'graphviz-pure', 'cat >/dev/null; echo "noise" >&2; echo "<svg/>"')
    assert draw_dot(Value(1.0)).svg().strip() == '<svg/>'      # stderr 被截获 (captured)


def test_no_renderer_writes_dot_and_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(render, 'find_renderers', lambda: [])
    g = draw_dot(lecture_neuron())
    with pytest.raises(RendererNotFoundError) as info:
        g.save(tmp_path / 'neuron.svg')
    message = str(info.value)
    assert '\n' not in message
    for hint in ('pip install "micrograd_zh[viz]"', 'apt install graphviz', 'brew install graphviz',
                 'conda install', 'winget install graphviz', '找不到', 'no Graphviz renderer'):
        assert hint in message
    assert (tmp_path / 'neuron.dot').read_text(encoding='utf-8') == g.source
    assert not (tmp_path / 'neuron.svg').exists()
    assert list(g._repr_mimebundle_()) == ['text/plain']


def test_save_dot_needs_no_renderer(monkeypatch, tmp_path):
    monkeypatch.setattr(render, 'find_renderers', lambda: [])
    g = draw_dot(lecture_neuron())
    assert g.save(tmp_path / 'g.dot') == str(tmp_path / 'g.dot')
    assert (tmp_path / 'g.dot').read_text(encoding='utf-8') == g.source
    with pytest.raises(ValueError, match=r"\.jpg") as info:
        g.save(tmp_path / 'g.jpg')
    assert '.png' in str(info.value) and '\n' not in str(info.value)
    with pytest.raises(RendererNotFoundError):                  # PNG 要渲染器：照样写出 g.dot
        g.save(tmp_path / 'g.png')
    assert not (tmp_path / 'g.png').exists()


@needs_renderer
def test_svg_parses_and_contains_the_numbers(tmp_path):
    g = draw_dot(lecture_neuron())
    path = g.save(tmp_path / 'neuron.svg')
    tree = ET.parse(path)
    texts = ' '.join(t.text or '' for t in tree.iter('{http://www.w3.org/2000/svg}text'))
    for number in ('2.0000', '-1.5000', '-3.0000', '0.7071', '0.5000'):
        assert number in texts.replace('&#45;', '-')
    assert g._repr_mimebundle_()['image/svg+xml'] == open(path, encoding='utf-8').read()


@needs_renderer
def test_svg_keeps_chinese_and_the_font_list():
    w = micrograd_zh.Parameter(1.0, label='权重 甲')
    svg = draw_dot(w * Value(2.0, label='a&lt;b')).svg()
    ET.fromstring(svg.encode('utf-8'))
    assert '>权重 甲<' in svg and '参数 (parameter)' in svg and '>a&amp;lt;b<' in svg
    assert 'Noto Sans CJK SC' in svg


@needs_renderer
def test_a_few_hundred_nodes_render():
    xs = [Value(float(i), label=f'x{i}') for i in range(60)]
    ws = [Value(0.1, label=f'w{i}') for i in range(60)]
    hidden = [dot(ws, xs, 0.5).tanh() for _ in range(4)]
    out = add_n(hidden)
    out.backward()
    svg = draw_dot(out).svg()
    assert svg.count('class="node"') >= 120


# ---------------------------------------------------------------- 别的东西 (other objects)
class LectureValue:
    """像讲座里自己写的 Value 那样：_prev 是 set，没有局部导数（这是为测试写的最小版本）。"""

    def __init__(self, data, children=(), op='', label=''):
        self.data, self.grad, self._prev, self._op, self.label = data, 0.0, set(children), op, label

    def __mul__(self, other):
        return LectureValue(self.data * other.data, (self, other), '*')

    def __add__(self, other):
        return LectureValue(self.data + other.data, (self, other), '+')


class BareValue:
    """像 micrograd 的 Value：没有 label。"""

    def __init__(self, data, children=(), op=''):
        self.data, self.grad, self._prev, self._op = data, 0.0, set(children), op


def test_draws_another_engines_values_without_local_derivatives():
    a, b, c = LectureValue(2.0, label='a'), LectureValue(-3.0, label='b'), LectureValue(10.0, label='c')
    d = a * b + c
    d.label, d.grad = 'd', 1.0
    src = draw_dot(d).source
    assert 'data 4.0000 | grad 1.0000' in record(src, 'd') and 'data -3.0000' in record(src, 'b')
    assert src.count('shape=record') == 5 and 'label="*"' in src and 'label="+"' in src
    assert edge_labels(src) == [] and src.count(' -> ') == 4 + 2          # 4 条边，2 条 op → 值
    assert '局部导数未知' in src and '局部导数 ∂out/∂child' not in src
    assert src == draw_dot(d).source                                    # set 里的顺序也固定
    bare = BareValue(3.0, (BareValue(1.0), BareValue(2.0)), '+')
    assert draw_dot(bare).source.count('shape=record') == 3


@pytest.mark.parametrize('thing, shown', [(3.0, 'float 3.0'), ([Value(1.0)], 'list [Value('),
                                          ('a*b', "str 'a*b'"), (None, 'NoneType None')])
def test_wrong_object_is_one_line(thing, shown):
    for fn, who in ((draw_dot, 'draw_dot'), (explain, 'explain'), (to_dot, 'draw_dot')):
        with pytest.raises(TypeError) as info:
            fn(thing)
        message = str(info.value)
        assert '\n' not in message and shown in message and f'{who} 的 root 必须是 Value' in message
    if isinstance(thing, list):
        assert 'draw_dot(values[0])' in message.replace('explain', 'draw_dot')


def test_explain_refuses_another_engines_value_in_one_line(tmp_path):
    d = LectureValue(2.0, label='a') * LectureValue(3.0, label='b')
    for fn in (explain, lambda r: backward_steps(r, tmp_path / 's.html')):
        with pytest.raises(TypeError) as info:
            fn(d)
        assert 'LectureValue' in str(info.value) and 'draw_dot' in str(info.value) and '\n' not in str(info.value)
    assert not (tmp_path / 's.html').exists()
    with pytest.raises(TypeError, match='must be numbers'):
        draw_dot(LectureValue(1.0, (LectureValue('oops'),), 'tanh'))


def test_control_characters_and_odd_labels_are_escaped_everywhere():
    x = Value(2.0, label='a\nb\x00c\x1b[31m')
    y = Value(3.0, label='"q" <b>&amp;')
    out = x * y
    out.label = 'line\u2028break'
    src = to_dot(out)
    assert '\x00' not in src and '\x1b' not in src and '\u2028' not in src
    assert 'a\\\\nb\\\\x00c\\\\x1b[31m' in src                                  # 写成可见的转义
    text = explain(out)
    assert '∂(line\\u2028break)/∂(a\\nb\\x00c\\x1b[31m)' in text and '\x00' not in text
    assert all(line.startswith(('反向', '记号', '(line\\u2028break).grad = 1', '—', '  ')) for line in text.splitlines())


def test_names_shared_by_several_nodes_get_their_number():
    model = micrograd_zh.MLP(2, [2, 1], activation='tanh', seed=0)
    loss = sum((model(x) - 1.0) ** 2 for x in ([1.0, 2.0], [3.0, -1.0]))
    names = viz.node_names(topological_order(loss))
    outs = sorted(name for name in names.values() if re.match(r'L2\.n0(#|$)', name))
    assert len(outs) == 2 and all(re.fullmatch(r'L2\.n0#\d+', name) for name in outs)
    assert 'L1.n0.w0' in names.values()                                  # 参数只出现一次：不加编号
    text = explain(loss)
    assert '  L1.n0.w0.grad += ' in text                                 # 两个样本：两条路径，累加


def test_collapse_neurons_draws_one_box_per_neuron():
    model = micrograd_zh.MLP(2, [3, 1], activation='tanh', seed=1)
    out = model([0.5, -1.0])
    out.backward()
    full, short = to_dot(out), to_dot(out, collapse_neurons=True)
    assert full.count('shape=record') == 13 + 7 and short.count('shape=record') == 13 + 4   # 13 个参数
    assert short.count('label="tanh(Σ)"') == 3 and 'L1.n0.z' not in short and 'L1.n0.z' in full
    hidden = model.layers[0].neurons[0]
    act = out._prev[3]                                                    # L1.n0
    local = act._local_grads[0] * act._prev[0]._local_grads[0]            # ∂tanh/∂Σ × ∂Σ/∂w0
    assert f'label="{fmt(local)}"' in short and act.label == hidden.name == 'L1.n0'
    assert 'tanh(Σ)：一个神经元' in short
