"""引擎测试 (micrograd_zh/engine.py)：有限差分、重复使用、错误输入、label 与属性、定义域规则、掩码、
极端值、no_grad 的结果、create_graph、detach、图的极限。"""

import gc
import math
import threading
import weakref

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_zh import Parameter, Value, add_n, gradcheck, no_grad, topological_order


def finite(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo=0.2, hi=3.0):
    return st.builds(lambda m, neg: -m if neg else m, finite(lo, hi), st.booleans())


# Each op as a function of a list of Values, with a strategy for inputs away from kinks and poles.
UNARY = {
    'neg': (lambda v: -v[0], finite(-5, 5)),
    'exp': (lambda v: v[0].exp(), finite(-5, 5)),
    'log': (lambda v: v[0].log(), finite(0.1, 10)),
    'tanh': (lambda v: v[0].tanh(), finite(-4, 4)),
    'relu': (lambda v: v[0].relu(), away_from_zero(0.01, 5)),
    'sigmoid': (lambda v: v[0].sigmoid(), finite(-8, 8)),
    'pow2': (lambda v: v[0] ** 2, finite(-4, 4)),
    'pow3': (lambda v: v[0] ** 3, finite(-3, 3)),
    'pow_half': (lambda v: v[0] ** 0.5, finite(0.1, 9)),
    'pow_neg': (lambda v: v[0] ** -1.5, finite(0.2, 5)),
    'radd': (lambda v: 2 + v[0], finite(-5, 5)),
    'rsub': (lambda v: 1 - v[0], finite(-5, 5)),
    'rmul': (lambda v: 3 * v[0], finite(-5, 5)),
    'rtruediv': (lambda v: 2 / v[0], away_from_zero()),
    'rpow': (lambda v: 2 ** v[0], finite(-4, 4)),
    'add_int': (lambda v: v[0] + 1, finite(-5, 5)),
    'sub_float': (lambda v: v[0] - 2.5, finite(-5, 5)),
    'div_float': (lambda v: v[0] / 4.0, finite(-5, 5)),
    'sin': (lambda v: v[0].sin(), finite(-7, 7)),
    'cos': (lambda v: v[0].cos(), finite(-7, 7)),
    'sqrt': (lambda v: v[0].sqrt(), finite(0.05, 9)),
    'abs': (lambda v: v[0].abs(), away_from_zero(0.01, 5)),
    'builtin_abs': (lambda v: abs(v[0]) * 2, away_from_zero(0.01, 5)),
}
BINARY = {
    'add': (lambda v: v[0] + v[1], finite(-5, 5), finite(-5, 5)),
    'sub': (lambda v: v[0] - v[1], finite(-5, 5), finite(-5, 5)),
    'mul': (lambda v: v[0] * v[1], finite(-5, 5), finite(-5, 5)),
    'truediv': (lambda v: v[0] / v[1], finite(-5, 5), away_from_zero()),
    'pow_values': (lambda v: v[0] ** v[1], finite(0.2, 3), finite(-3, 3)),
    'reuse_mul': (lambda v: v[0] * v[0] + v[1] * v[0], finite(-3, 3), finite(-3, 3)),
}


@pytest.mark.parametrize('name', sorted(UNARY))
def test_unary_ops_match_finite_differences(name):
    fn, xs = UNARY[name]

    @settings(max_examples=60, deadline=None)
    @given(xs)
    def check(x):
        assert gradcheck(fn, [x])

    check()


@pytest.mark.parametrize('name', sorted(BINARY))
def test_binary_ops_match_finite_differences(name):
    fn, xs, ys = BINARY[name]

    @settings(max_examples=60, deadline=None)
    @given(xs, ys)
    def check(x, y):
        assert gradcheck(fn, [x, y])

    check()


@settings(max_examples=40, deadline=None)
@given(finite(-2, 2), finite(-2, 2), finite(0.5, 2))
def test_composite_expression_matches_finite_differences(x, y, z):
    def f(v):
        a, b, c = v
        return ((a * b + c).tanh() * c.log() - (b / c).exp() + (a - b).sigmoid() ** 2) / (1 + c)

    assert gradcheck(f, [x, y, z])


def test_lecture_neuron_example():
    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    L = (a * b + 1).tanh()
    L.backward()
    t = math.tanh(2.0 * -3.0 + 1)
    assert L.data == pytest.approx(t)
    assert a.grad == pytest.approx((1 - t * t) * -3.0)
    assert b.grad == pytest.approx((1 - t * t) * 2.0)


def test_micrograd_readme_expression():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)


# ---------------------------------------------------------------- reuse and accumulation
def test_node_used_twice_in_one_op():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_diamond_reuse_sums_all_paths():
    a = Value(2.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_leaf_gradients_accumulate_and_intermediates_do_not():
    a = Value(2.0)
    b = Value(5.0)
    h = a * b
    out = h + a
    out.backward()
    assert (a.grad, b.grad, h.grad, out.grad) == (6.0, 2.0, 1.0, 1.0)
    out.backward()
    # 叶子累加：两次的和；中间节点只保存最近一次的值
    assert (a.grad, b.grad, h.grad, out.grad) == (12.0, 4.0, 1.0, 1.0)
    a.grad = b.grad = 0.0
    out.backward()
    assert (a.grad, b.grad) == (6.0, 2.0)


def test_backward_on_a_leaf():
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_shared_subgraph_between_two_losses():
    a = Value(3.0)
    h = a * 2
    (h + 1).backward()
    (h * h).backward()
    assert a.grad == 2.0 + 2 * 6.0 * 2.0
    assert h.grad == 12.0


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize('bad', [True, False, 'x', None, 1 + 2j, [1.0], (1.0,), {}])
def test_value_rejects_non_real_data(bad):
    with pytest.raises(TypeError) as info:
        Value(bad)
    message = str(info.value)
    assert type(bad).__name__ in message and '实数' in message and 'real number' in message
    assert '\n' not in message


def test_value_accepts_real_numbers():
    from fractions import Fraction
    assert Value(3).data == 3.0 and type(Value(3).data) is float
    assert Value(Fraction(1, 4)).data == 0.25
    np = pytest.importorskip('numpy')
    for x in (np.float32(1.5), np.float64(1.5), np.int64(2)):
        v = Value(x)
        assert type(v.data) is float and v.data == float(x)


@pytest.mark.parametrize('bad', ['x', None, [1], True, 1j])
@pytest.mark.parametrize('op', ['+', '-', '*', '/', '**'])
def test_ops_reject_other_types_on_both_sides(bad, op):
    v = Value(2.0)
    binary = {'+': lambda a, b: a + b, '-': lambda a, b: a - b, '*': lambda a, b: a * b,
              '/': lambda a, b: a / b, '**': lambda a, b: a ** b}[op]
    with pytest.raises(TypeError):
        binary(v, bad)
    with pytest.raises(TypeError):
        binary(bad, v)


def test_repr():
    assert repr(Value(2.0)) == 'Value(data=2.0, grad=0.0)'
    assert repr(Value(-1, label='a')) == "Value(data=-1.0, grad=0.0, label='a')"


def test_nodes_have_slots_and_no_closures():
    v = Value(1.0) * Value(2.0)
    assert not hasattr(v, '__dict__') and type(v).__slots__ == ('data', 'grad', '_label', '_prev', '_op',
                                                                  '_local_grads')
    assert all(type(g) is float for g in v._local_grads)


def test_graph_is_freed_by_reference_counting():
    class Probe:          # Value has no __weakref__ slot; hang a probe on a parameter (it may carry attributes)
        pass

    gc.disable()
    try:
        x = Parameter(1.0, label='x')
        x.probe = Probe()
        ref = weakref.ref(x.probe)
        loss = ((x * 2).tanh() + x) ** 2
        loss.backward()
        del x, loss
        assert ref() is None
    finally:
        gc.enable()


# ---------------------------------------------------------------- labels, attributes, constructor (issues 10.7, 11.4, 11.7)
@pytest.mark.parametrize('bad', [5, b'x', ('a',), None, 1.5, ['w']])
def test_a_label_must_be_a_string_at_construction_and_later(bad):
    with pytest.raises(TypeError, match='label must be a str') as info:
        Value(1.0, label=bad)                   # on main these were accepted, then pictures failed
    assert '\n' not in str(info.value) and type(bad).__name__ in str(info.value)
    e = Value(1.0) * 2
    e.label = 'e'                               # the lecture names results after construction
    with pytest.raises(TypeError, match='label must be a str'):
        e.label = bad
    assert e.label == 'e'                       # a refused assignment changes nothing


def test_micrograds_positional_constructor_is_refused_with_the_way_to_write_it():
    a, b = Value(2.0), Value(3.0)
    with pytest.raises(TypeError) as info:
        Value(5.0, (a, b), '+')                 # micrograd: Value(data, _children, _op)
    message = str(info.value)
    assert '\n' not in message and 'a + b' in message and "_prev=(a, b)" in message
    node = Value(5.0, _prev=(a, b), _op='+', _local_grads=(1.0, 1.0))
    node.backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


def test_hand_made_nodes_need_one_local_derivative_per_edge():
    a = Value(2.0)
    with pytest.raises(ValueError, match='2 children, 0 local derivatives'):
        Value(5.0, _prev=(a, a), _op='+')
    with pytest.raises(TypeError, match=r'_prev\[1\] must be a Value, not float'):
        Value(5.0, _prev=(a, 2.0), _op='+', _local_grads=(1.0, 1.0))


def test_parameters_may_carry_attributes_and_plain_nodes_stay_small():
    p = Parameter(0.5, label='w0')
    p.m, p.v = 0.0, 0.0                         # an AdamW keeping its moments on the parameter (main: AttributeError)
    p.m += 0.1
    assert (p.m, p.v, p.label) == (0.1, 0.0, 'w0')
    v = Value(1.0) * 3
    with pytest.raises(AttributeError):
        v._vis_color = 'red'                    # a node is 6 slots and nothing else: keep such state in a dict
    colors = {v: 'red'}                         # Values hash by identity
    assert colors[v] == 'red' and Value(1.0).label == '' and (v * 2).label == ''


def test_backward_on_a_result_computed_in_no_grad_is_an_error():
    x = Value(2.0)
    with no_grad():
        y = (x * 3).tanh()
    with pytest.raises(RuntimeError, match="computed by 'tanh' inside no_grad"):
        y.backward()                            # on main: silently nothing, x.grad stayed 0.0
    Value(4.0).backward()                       # a leaf is not an error: its grad is 1


# ---------------------------------------------------------------- domain rule: IEEE inf/nan like PyTorch float64
def is_nan(x):
    return x != x


DOMAIN_CASES = [
    # (expression, expected data, expected local grads); None means nan
    ('log(0)', lambda: Value(0.0).log(), -math.inf, (math.inf,)),
    ('log(-1)', lambda: Value(-1.0).log(), None, (-1.0,)),
    ('exp(1000)', lambda: Value(1000.0).exp(), math.inf, (math.inf,)),
    ('exp(-1000)', lambda: Value(-1000.0).exp(), 0.0, (0.0,)),
    ('1/0', lambda: Value(1.0) / Value(0.0), math.inf, (math.inf, -math.inf)),
    ('-1/0', lambda: Value(-1.0) / Value(0.0), -math.inf, (math.inf, math.inf)),
    ('0/0', lambda: Value(0.0) / Value(0.0), None, (math.inf, None)),
    ('1/-0.0', lambda: Value(1.0) / Value(-0.0), -math.inf, (-math.inf, -math.inf)),
    ('0**-1', lambda: Value(0.0) ** -1, math.inf, (-math.inf,)),
    ('-0.0**-1', lambda: Value(-0.0) ** -1, -math.inf, (-math.inf,)),
    ('0**-2', lambda: Value(0.0) ** -2, math.inf, (-math.inf,)),
    ('0**0.5', lambda: Value(0.0) ** 0.5, 0.0, (math.inf,)),
    ('x**0 at 0', lambda: Value(0.0) ** 0, 1.0, (0.0,)),
    ('(-8)**(1/3)', lambda: Value(-8.0) ** (1 / 3), None, (None,)),
    ('10**400', lambda: Value(10.0) ** 400, math.inf, (math.inf,)),
    ('(-10)**401', lambda: Value(-10.0) ** 401, -math.inf, (math.inf,)),
    ('(-2)**Value(2)', lambda: Value(-2.0) ** Value(2.0), 4.0, (-4.0, None)),
    ('0**Value(2)', lambda: Value(0.0) ** Value(2.0), 0.0, (0.0, 0.0)),
    ('0**Value(-1)', lambda: Value(0.0) ** Value(-1.0), math.inf, (-math.inf, -math.inf)),
    ('sigmoid(1000)', lambda: Value(1000.0).sigmoid(), 1.0, (0.0,)),
    ('sigmoid(-1000)', lambda: Value(-1000.0).sigmoid(), 0.0, (0.0,)),
    ('tanh(1000)', lambda: Value(1000.0).tanh(), 1.0, (0.0,)),
    ('relu(0)', lambda: Value(0.0).relu(), 0.0, (0.0,)),
    ('relu(nan)', lambda: Value(math.nan).relu(), None, (1.0,)),
    ('inf-inf', lambda: Value(math.inf) - Value(math.inf), None, (1.0, -1.0)),
    ('sqrt(-1)', lambda: Value(-1.0).sqrt(), None, (None,)),
    ('sqrt(0)', lambda: Value(0.0).sqrt(), 0.0, (math.inf,)),
    ('sqrt(-0.0)', lambda: Value(-0.0).sqrt(), -0.0, (-math.inf,)),
    ('sqrt(inf)', lambda: Value(math.inf).sqrt(), math.inf, (0.0,)),
    ('sin(inf)', lambda: Value(math.inf).sin(), None, (None,)),
    ('cos(-inf)', lambda: Value(-math.inf).cos(), None, (None,)),
    ('abs(0)', lambda: Value(0.0).abs(), 0.0, (0.0,)),
    ('abs(nan)', lambda: Value(math.nan).abs(), None, (0.0,)),
    ('abs(-inf)', lambda: Value(-math.inf).abs(), math.inf, (-1.0,)),
    ('a/b tiny', lambda: Value(1e-200) / Value(1e-200), 1.0, (1e200, -1e200)),
    ('0/b tiny', lambda: Value(0.0) / Value(1e-170), 0.0, (1e170, -0.0)),
]


@pytest.mark.parametrize('name,build,data,local', DOMAIN_CASES, ids=[c[0] for c in DOMAIN_CASES])
def test_domain_rule_gives_ieee_values(name, build, data, local):
    out = build()
    if data is None:
        assert is_nan(out.data)
    else:
        assert out.data == data
    assert len(out._local_grads) == len(local)
    for got, want in zip(out._local_grads, local):
        if want is None:
            assert is_nan(got)
        else:
            assert got == want
    out.backward()            # never raises


# ---------------------------------------------------------------- masks with an inf/nan upstream gradient (issue 10, item 2)
MASKED = [
    # (build(x) -> root, x, expected x.grad) — each root sends inf or nan into a masked edge
    ('relu at -1', lambda x: x.relu() ** 0.5 + x, -1.0, 1.0),            # the minimal case; main: nan
    ('relu at 0', lambda x: x.relu() * math.inf + x, 0.0, 1.0),
    ('relu at -2, nan above', lambda x: x.relu() * math.nan + 2 * x, -2.0, 2.0),
    ('x ** 0', lambda x: (x ** 0) * math.inf + x, 3.0, 1.0),
    ('x ** Value(0)', lambda x: (x ** Value(0.0)) * math.inf + x, 3.0, 1.0),
]


@pytest.mark.parametrize('name, build, at, expected', MASKED, ids=[m[0] for m in MASKED])
def test_masked_edges_pass_zero_even_when_the_upstream_gradient_is_inf_or_nan(name, build, at, expected):
    x = Value(at)
    build(x).backward()
    assert x.grad == expected
    x2 = Value(at)
    root = build(x2)
    for node in reversed(topological_order(root)):      # the lecture's by-hand steps give the same
        if node is root:
            node.grad = 1.0
        node._backward()
    assert x2.grad == expected


def test_a_product_with_zero_still_gives_nan_like_pytorch():
    x, y = Value(0.0), Value(2.0)
    ((x * y) * math.inf).backward()
    assert x.grad == math.inf and y.grad != y.grad      # ∂/∂y = x = 0, times inf: nan in PyTorch too


# ---------------------------------------------------------------- graph limits (documented in docs/performance.md)
def test_a_chain_of_a_million_ops_backprops():
    c = Value(1.0)
    y = x = Value(0.5)
    for _ in range(10 ** 6):
        y = y * c
    y.backward()
    assert x.grad == 1.0 and c.grad == 0.5 * 10 ** 6


def test_a_node_reused_a_hundred_thousand_times():
    x = Value(2.0)
    s = add_n([x] * 10 ** 5)                     # one node, 10^5 edges to the same x
    y = x
    for _ in range(10 ** 5):                     # 10^5 nodes that all use x
        y = y + x
    (s + y).backward()
    assert x.grad == 2 * 10 ** 5 + 1
    assert len(topological_order(y)) == 10 ** 5 + 1


def test_detach_makes_a_new_leaf_that_gradients_do_not_cross():
    x = Value(3.0, label='x')
    d = x.detach()
    assert (d.data, d._prev, d._op, d.label) == (3.0, (), '', '') and d is not x
    (x * d + x).backward()
    assert x.grad == 4.0 and d.grad == 3.0              # d is a constant for x: ∂/∂x (x·d + x) = d + 1


def test_changing_data_after_the_forward_pass_uses_the_recorded_local_derivatives():
    a = Value(2.0)
    b = a * a                                    # local derivatives (2.0, 2.0) are stored now
    a.data = 10.0
    b.backward()
    assert b.data == 4.0 and a.grad == 4.0      # not 20: run the forward pass again to see new data
    a.grad = 0.0
    (a * a).backward()
    assert a.grad == 20.0


def test_separate_graphs_in_several_threads():
    results = {}

    def worker(k):
        x = Value(float(k))
        y = x
        for _ in range(2000):
            y = y * 1.0 + x
        y.backward()
        results[k] = (y.data, x.grad)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: (k * 2001.0, 2001.0) for k in range(4)}


def test_by_hand_backward_node_by_node_gives_the_lecture_numbers():
    """Karpathy 讲座里逐个节点手动反向传播的格子：o.grad = 1，然后 o、n、x1w1x2w2+b、… 依次 _backward()。"""
    x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')
    w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, s, x2w2, x1w1):
        node._backward()
    got = [round(v.grad, 10) for v in (x1, w1, x2, w2, b)]
    assert got == [-1.5, 1.0, 0.5, 0.0, 0.5]
    assert (x1.grad, w1.grad, x2.grad, w2.grad, b.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0, 0.5), abs=1e-12)
    # 同样的图用 backward() 自动做，结果相同
    auto = [Value(v.data) for v in (x1, x2, w1, w2, b)]
    (auto[0] * auto[2] + auto[1] * auto[3] + auto[4]).tanh().backward()
    assert [auto[i].grad for i in (0, 2, 1, 3, 4)] == [v.grad for v in (x1, w1, x2, w2, b)]
    assert not any(v._prev for v in (x1, w1))
    x1._backward()                 # 叶子没有子节点：什么也不做 (a leaf has no children: nothing happens)


# ---------------------------------------------------------------- create_graph
def test_backward_with_create_graph_gives_gradients_that_are_graphs():
    x = Value(0.5, label='x')
    y = x.sin() * x                                     # y' = cos x · x + sin x, y'' = 2 cos x - x sin x
    y.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g._prev
    assert g.data == pytest.approx(math.cos(0.5) * 0.5 + math.sin(0.5), abs=1e-15)
    x.grad = 0.0                                        # take the first derivative out, then differentiate it
    g.backward()
    assert x.grad == pytest.approx(2 * math.cos(0.5) - 0.5 * math.sin(0.5), abs=1e-15)


def test_create_graph_accumulates_into_leaves_like_plain_backward():
    x = Value(2.0)
    x.grad = 1.0
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 5.0     # 1 + 2x
    y = x + 1
    y.backward(create_graph=True)                       # a gradient that depends on nothing: still a Value
    assert isinstance(y.grad, Value) and y.grad.data == 1.0


@pytest.mark.parametrize('bad', [1, 'yes', None, 0.0])
def test_create_graph_must_be_a_bool(bad):
    with pytest.raises(TypeError, match='create_graph must be True or False'):
        (Value(1.0) * 2).backward(create_graph=bad)


def test_plain_backward_stays_floats():
    x = Value(0.3)
    (x.tanh() * x.exp()).backward()
    assert type(x.grad) is float


# ---------------------------------------------------------------- the split into modules
def test_old_import_paths_still_work_and_the_package_has_no_import_cycle():
    import ast
    import pathlib

    import micrograd_zh
    from micrograd_zh.engine import Parameter as P, Value as V, detect_anomaly, is_grad_enabled, no_grad  # noqa
    from micrograd_zh.engine import topological_order as order  # noqa: F401
    assert V is Value and P is Parameter
    assert all(hasattr(micrograd_zh, name) for name in micrograd_zh.__all__)
    package = pathlib.Path(micrograd_zh.__file__).parent
    imports = {}                                # module -> the package modules it imports at load time
    for path in package.glob('*.py'):
        tree = ast.parse(path.read_text(encoding='utf-8'))
        found = set()
        for node in tree.body:                  # top-level statements only: imports inside functions are lazy
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module} if node.module else {alias.name for alias in node.names}
        imports[path.stem] = found - {None}
    done, visiting = set(), []

    def visit(name):                            # depth-first search; a module met again on the path is a cycle
        assert name not in visiting, ' -> '.join(visiting + [name])
        if name in done or name not in imports:
            return
        visiting.append(name)
        for other in imports[name]:
            visit(other)
        visiting.pop()
        done.add(name)

    for name in imports:
        if name != '__init__':
            visit(name)
    assert 'modes' not in imports['ieee'] and 'engine' not in imports['derivatives']


def test_a_node_with_zero_upstream_is_skipped_only_when_that_changes_nothing():
    # backward() 跳过上游梯度为 0 的节点；但局部导数是 inf 或 nan 时 0 × inf = nan 必须照样传下去（同 PyTorch）
    inf = float('inf')
    a, b = Value(2.0), Value(inf)
    ((a * b) * 0.0).backward()
    assert math.isnan(a.grad) and b.grad == 0.0                  # ∂/∂a = b = inf，0 × inf = nan；∂/∂b = a = 2
    x, y = Value(3.0), Value(-1.0)
    (x * y * 0.0 + y).backward()                                 # 有限的局部导数：跳过，结果与逐条边相乘相同
    assert (x.grad, y.grad) == (0.0, 1.0)
    z = Value(-2.0)
    (z.relu() * 0.0 + z.relu() + z).backward()                   # relu 在 x ≤ 0 处的局部导数是 0（掩码）
    assert z.grad == 1.0
