"""误区实验室 (misconception lab)：每个错误的版本算出它声称的错数，正确的引擎算出对的数。"""

import math
import re

import pytest

from micrograd_zh import MLP, Value, dot, no_grad, topological_order
from micrograd_zh import lab


def reuse():
    c = lab.reuse_graph()
    b = c._prev[0]
    return b._prev[0], b, c


def two_paths():
    """b 经两条长短不同的路径到达 L：L = b·c，c = b + k，b = a + a。"""
    L = lab.two_paths_graph()
    b, c = L._prev
    a, k = b._prev[0], c._prev[1]
    return a, k, b, c, L


def lecture():
    """讲座里的图（一棵树：每个节点只被用一次）：L = (a·b + c)·f。"""
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    return (a, b, c, f), (a * b + c) * f


def issue_53():
    a, b, d = Value(3.0), Value(2.0), Value(1.0)
    c = a + b
    e = c * d
    return a, b, c, d, e


def micrograd_backward(root):
    lab.backward_in_order(root, list(reversed(topological_order(root))))


# ---------------------------------------------------------------- edges
def test_edges_are_the_engines_local_derivatives_one_per_edge():
    a, b = Value(3.0), Value(-4.0)
    assert lab.edges(a * b) == [(a, -4.0), (b, 3.0)]
    assert lab.edges(a * a) == [(a, 3.0), (a, 3.0)]              # 两条边，各是 a
    t = a.tanh()
    assert lab.edges(t) == [(a, 1.0 - t.data ** 2)]
    assert lab.edges(a / b) == [(a, 1 / -4.0), (b, -3.0 / 16.0)]
    n = dot([a, b], [2.0, 5.0], Value(1.0))
    assert [local for _, local in lab.edges(n)] == [2.0, 5.0, 1.0]
    assert lab.edges(a) == []


def test_edges_leaves_the_node_and_its_children_as_they_were():
    a, b = Value(3.0), Value(-4.0)
    q = a * b
    q.grad, a.grad = 7.0, 0.5
    prev = q._prev
    lab.edges(q)
    assert q._prev is prev and q.grad == 7.0 and (a.grad, b.grad) == (0.5, 0.0)


# ---------------------------------------------------------------- 误区 1：= 代替 +=
def test_gradients_default_is_the_engines_backward():
    (a, b, c, f), L = lecture()
    grads = lab.gradients(L)
    L.backward()                                  # 叶子会累加：gradients 清零过，这里再加一次
    assert all(grads[v] * 2 == v.grad for v in (a, b, c, f))
    assert (grads[a], grads[b], grads[c], grads[f]) == (6.0, -4.0, -2.0, 4.0)


def test_assign_loses_all_but_the_last_edge():
    a, b, c = reuse()
    right, wrong = lab.gradients(c), lab.gradients(c, lab.backward_assign)
    assert (right[b], right[a]) == (2.0, 4.0)
    assert (wrong[b], wrong[a]) == (1.0, 1.0)
    assert lab.first_split(c, right, wrong) is b
    x = Value(3.0)
    y = x + x
    assert (lab.gradients(y)[x], lab.gradients(y, lab.backward_assign)[x]) == (2.0, 1.0)   # 讲座的 b = a + a


def test_assign_is_right_on_a_tree():
    _, L = lecture()
    right = lab.gradients(L)
    assert lab.gradients(L, lab.backward_assign) == right
    assert lab.first_split(L, right, right) is None


# ---------------------------------------------------------------- 误区 2：顺序
def test_wrong_orders_give_the_numbers_the_chapter_quotes():
    a, k, b, c, L = two_paths()
    right = lab.gradients(L)
    assert (right[b], right[a], right[k]) == (13.0, 26.0, 6.0)
    assert [n.data for n in lab.first_reached(L)] == [42.0, 6.0, 3.0, 7.0, 1.0]     # L, b, a, c, k
    early = lab.gradients(L, lambda r: lab.backward_in_order(r, lab.first_reached(r)))
    assert (early[b], early[a]) == (13.0, 14.0)
    assert lab.first_split(L, right, early) is a
    assert lab.gradients(L, lab.backward_recursive)[a] == 40.0
    forward = lab.gradients(L, lambda r: lab.backward_in_order(r, topological_order(r)))
    assert (forward[b], forward[c], forward[a], forward[k]) == (7.0, 6.0, 0.0, 0.0)


def test_reverse_topological_order_in_backward_in_order_matches_backward():
    a, k, b, c, L = two_paths()
    right = lab.gradients(L)
    assert lab.gradients(L, micrograd_backward) == right


def test_any_order_is_right_on_a_tree():
    _, L = lecture()
    right = lab.gradients(L)
    assert lab.gradients(L, lambda r: lab.backward_in_order(r, lab.first_reached(r))) == right
    assert lab.gradients(L, lab.backward_recursive) == right


# ---------------------------------------------------------------- 误区 4：两次 backward
def test_backward_twice_here_and_in_micrograds_loop():
    a, b, c, d, e = issue_53()
    once, twice = lab.gradients(e), lab.gradients(e, times=2)
    mg = lab.gradients(e, micrograd_backward, times=2)
    assert [once[v] for v in (a, b, c, d)] == [1.0, 1.0, 1.0, 5.0]
    assert [twice[v] for v in (a, b, c, d)] == [2.0, 2.0, 1.0, 10.0]       # 中间节点 c 每次清零
    assert [mg[v] for v in (a, b, c, d)] == [3.0, 3.0, 2.0, 10.0]          # karpathy/micrograd#53 的数
    assert lab.first_split(e, once, twice) is d


def test_backward_twice_matches_torch_with_retain_graph():
    torch = pytest.importorskip('torch')
    a, b, c, d, e = issue_53()
    twice = lab.gradients(e, times=2)
    ta, tb, td = (torch.tensor(v.data, dtype=torch.float64, requires_grad=True) for v in (a, b, d))
    te = (ta + tb) * td
    te.backward(retain_graph=True)
    te.backward()
    assert [twice[v] for v in (a, b, d)] == [ta.grad.item(), tb.grad.item(), td.grad.item()]


# ---------------------------------------------------------------- compare 和 draw_panels
def test_compare_marks_the_first_split_of_each_column():
    a, k, b, c, L = two_paths()
    right = lab.gradients(L)
    early = lab.gradients(L, lambda r: lab.backward_in_order(r, lab.first_reached(r)))
    L.label, b.label = 'L', 'b'
    table = lab.compare(L, right=right, early=early)
    lines = str(table).splitlines()
    assert lines[0].split() == ['节点', '(node)', 'right', 'early']
    assert lines[1].split() == ['L', '1.0000', '1.0000']
    arrows = [line for line in lines if '←' in line]
    assert arrows == [line for line in lines if line.split()[1:] == ['26.0000', '14.0000', '←']]
    assert repr(table) == str(table)
    with pytest.raises(ValueError):
        lab.compare(L)


def test_draw_panels_has_one_cluster_per_panel_and_marks_the_split():
    from micrograd_zh.viz import find_renderers
    a, b, c = reuse()
    right, wrong = lab.gradients(c), lab.gradients(c, lab.backward_assign)
    graph = lab.draw_panels(c, b, **{'正确 (+=)': right, '错误 (=)': wrong})
    source = graph.source
    assert source.count('subgraph cluster_') == 2
    assert source.index('错误 (=)') < source.index('正确 (+=)')      # 倒着写，画出来正确的在上
    index = topological_order(c).index(b)
    assert f'p0v{index} [color=' in source and f'p1v{index} [color=' in source
    assert 'grad 4.0000' in source and 'grad 1.0000' in source
    assert not re.search(r'[ "]v\d', source)                        # 每个节点都换了前缀，两份不会串
    assert find_renderers(), '需要渲染器 (graphviz-pure 在 test 依赖里)'
    svg = graph.svg()
    assert svg.count('class="cluster"') == 2


# ---------------------------------------------------------------- 训练里的误区
def test_forgetting_zero_grad_splits_at_step_two():
    good, forgot = lab.fit_line(30), lab.fit_line(30, zero_grad=False)
    assert good[0] == forgot[0]
    assert forgot[1]['w_grad'] == good[0]['w_grad'] + good[1]['w_grad']
    assert round(good[0]['w_grad'], 2) == -22.67 and round(good[1]['w_grad'], 2) == -10.09
    assert round(forgot[1]['w_grad'], 2) == -32.76
    late = [s['loss'] for s in forgot[20:]]
    assert good[-1]['loss'] < 1e-3 and min(late) < 1 and max(late) > 30


def test_flipped_sign_climbs_every_step():
    good, flipped = lab.fit_line(30), lab.fit_line(30, descend=False)
    assert flipped[0]['loss'] == good[0]['loss']
    assert all(s2['loss'] > s1['loss'] for s1, s2 in zip(flipped, flipped[1:]))
    assert [round(s['loss'], 2) for s in flipped[:4]] == [27.67, 66.87, 161.61, 390.59]


def test_zero_init_never_moves_the_hidden_layer():
    model, losses = lab.fit_xor(init='zeros')
    assert all(p.data == 0.0 for p in model.layers[0].parameters())
    assert all(w.data == 0.0 for w in model.layers[1].neurons[0].w)
    assert losses[-1] == 0.25


def test_constant_init_keeps_neurons_identical_and_xavier_learns():
    model, losses = lab.fit_xor(constant=0.5)
    rows = [[w.data for w in n.w] + [n.b.data] for n in model.layers[0].neurons]
    assert all(row == rows[0] for row in rows) and rows[0][0] != 0.5      # 动了，但一起动
    assert min(losses) > 0.15
    _, xavier = lab.fit_xor(init='xavier')
    assert xavier[-1] < 1e-4


def test_graph_size_counts_what_an_evaluation_keeps_alive():
    from micrograd_zh.data import make_moons
    from micrograd_zh.losses import mse
    X, y = make_moons(20, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    plain = mse([model(x) for x in X], y)
    with no_grad():
        guarded = mse([model(x) for x in X], y)
    assert plain.data == guarded.data
    assert lab.graph_size(guarded) == 1
    assert lab.graph_size(plain) == len(topological_order(plain)) == 828
    again = mse([model(x) for x in X], y)
    params = len(model.parameters())
    assert lab.graph_size(plain, again) == 2 * 828 - params          # 参数是共享的，只算一次


def test_the_chapter_shows_the_buggy_line_that_lab_runs():
    import inspect
    from pathlib import Path
    page = (Path(__file__).resolve().parent.parent / 'docs' / 'tutorial' / '12-misconceptions.md').read_text('utf-8')
    line = 'child.grad = local * node.grad'
    assert line in inspect.getsource(lab.backward_assign) and line in page
    assert math.isfinite(lab.fit_line(1)[0]['loss'])
