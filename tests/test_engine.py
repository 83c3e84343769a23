"""引擎测试：有限差分、重复使用、深链、no_grad、错误输入、定义域规则、detect_anomaly、图的极限。"""

import math
import threading

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_zh import Value, add_n, dot, gradcheck, is_grad_enabled, no_grad, topological_order
from micrograd_zh import detect_anomaly
from micrograd_zh import engine


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


@settings(max_examples=60, deadline=None)
@given(st.lists(finite(-3, 3), min_size=2, max_size=12).filter(lambda l: len(l) % 2 == 1))
def test_dot_and_add_n_match_finite_differences(xs):
    n = len(xs) // 2

    def neuron(v):
        return dot(v[:n], v[n:2 * n], v[-1]).tanh()

    assert gradcheck(neuron, xs)
    assert gradcheck(lambda v: add_n(v) * add_n(v[:1]), xs)


@settings(max_examples=40, deadline=None)
@given(finite(-2, 2), finite(-2, 2), finite(0.5, 2))
def test_composite_expression_matches_finite_differences(x, y, z):
    def f(v):
        a, b, c = v
        return ((a * b + c).tanh() * c.log() - (b / c).exp() + (a - b).sigmoid() ** 2) / (1 + c)

    assert gradcheck(f, [x, y, z])


def test_gradcheck_catches_a_wrong_derivative():
    def wrong_square(v):
        x = v[0]
        return Value(x.data ** 2, '', (x,), 'bad', (1.0,))   # 真导数是 2x，这里故意写成 1

    with pytest.raises(AssertionError, match='输入 0'):
        gradcheck(wrong_square, [3.0])


def test_gradcheck_rejects_non_value_output():
    with pytest.raises(TypeError, match='fn must return a Value'):
        gradcheck(lambda v: 1.0, [1.0])


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


def test_sum_builtin_and_add_n():
    xs = [Value(float(i)) for i in range(5)]
    s = sum(xs)
    assert s.data == 10.0
    s.backward()
    assert [x.grad for x in xs] == [1.0] * 5
    t = add_n(xs + [2, 0.5])
    assert t.data == 12.5 and len(t._prev) == 5 and t._op == 'Σ'


def test_dot_is_one_node_with_2n_plus_1_edges():
    w = [Value(1.0), Value(2.0), Value(3.0)]
    x = [Value(4.0), Value(5.0), Value(6.0)]
    b = Value(0.5)
    out = dot(w, x, b)
    assert out.data == 32.5
    assert len(out._prev) == 7
    out.backward()
    assert [v.grad for v in w] == [4.0, 5.0, 6.0]
    assert [v.grad for v in x] == [1.0, 2.0, 3.0]
    assert b.grad == 1.0
    plain = dot(w, [1, 2, 3])          # numbers as inputs: no edges to them
    assert plain.data == 14.0 and len(plain._prev) == 3


def test_dot_rejects_length_mismatch_and_bad_types():
    with pytest.raises(ValueError, match='2 weights but 3 inputs'):
        dot([Value(1.0)] * 2, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match='str'):
        dot([Value(1.0)], ['x'])
    with pytest.raises(TypeError, match='NoneType'):
        dot([Value(1.0)], [1.0], None)


def test_deep_chain_backprops_without_recursion():
    n = 100_000
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    assert len(topological_order(y)) == 1 + 4 * n   # x, then per step: const, *, const, +


def test_topological_order_expands_the_first_child_first():
    # 图里 x1 的分支排在 x2 的前面，与表达式的书写顺序一致 (pictures list branches in the order written)
    x1, w1, x2, w2 = (Value(1.0, label=n) for n in ('x1', 'w1', 'x2', 'w2'))
    a = x1 * w1
    a.label = 'a'
    b = x2 * w2
    b.label = 'b'
    out = a + b
    out.label = 'out'
    assert [n.label for n in topological_order(out)] == ['x1', 'w1', 'a', 'x2', 'w2', 'b', 'out']


def test_topological_order_puts_children_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    pos = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert pos[id(child)] < pos[id(node)]
    assert order[-1] is e and len(order) == 5


# ---------------------------------------------------------------- no_grad
def test_no_grad_builds_no_edges_and_nests():
    a = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        b = a * 3
        with no_grad():
            c = b + 1
        d = c.tanh()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    for v in (b, c, d):
        assert v._prev == () and v._local_grads == ()
    assert c.data == 7.0
    e = a * 3
    assert e._prev == (a, e._prev[1])


def test_no_grad_restores_state_after_exception():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError
    assert is_grad_enabled()


def test_no_grad_as_decorator():
    @no_grad()
    def f(x):
        return x * 2

    assert f(Value(1.0))._prev == ()
    assert is_grad_enabled()


def in_other_thread(context, probe, then=lambda: None):
    """While this thread is inside context, run probe() in a new thread and return its result;
    then() runs here, still inside context, after the probe has finished."""
    result = {}
    inside, done = threading.Event(), threading.Event()

    def worker():
        inside.wait()
        result['value'] = probe()
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    with context:
        inside.set()
        assert done.wait(600), '另一个线程没有做完 (the probe thread did not finish)'   # 不靠时间猜 (no race)
        then()
    t.join()
    return result.get('value')


def test_no_grad_is_per_thread():
    seen = in_other_thread(no_grad(), lambda: {'enabled': is_grad_enabled(),
                                              'edges': len((Value(1.0) * 2)._prev)})
    assert seen == {'enabled': True, 'edges': 2}


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
    assert not hasattr(v, '__dict__')
    with pytest.raises(AttributeError):
        v.something = 1
    assert all(type(g) is float for g in v._local_grads)


def test_graph_is_freed_by_reference_counting():
    import gc
    import weakref

    class Probe:          # Value has no __weakref__ slot; watch a leaf's label object instead
        pass

    gc.disable()
    try:
        probe = Probe()
        ref = weakref.ref(probe)
        x = Value(1.0, label=probe)
        loss = ((x * 2).tanh() + x) ** 2
        loss.backward()
        del probe, x, loss
        assert ref() is None
    finally:
        gc.enable()


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


def test_domain_rule_private_helpers_never_raise():
    values = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e308, -1e308, math.inf, -math.inf, math.nan]
    for a in values:
        engine._exp(a)
        engine._log(a)
        for b in values:
            engine._div(a, b)
            engine._pow(a, b)


# ---------------------------------------------------------------- detect_anomaly
def anomaly_message(fn):
    with pytest.raises(FloatingPointError) as info:
        with detect_anomaly():
            fn()
    message = str(info.value)
    assert '\n' not in message and 'detect_anomaly' in message
    return message


def test_detect_anomaly_names_the_op_its_inputs_and_labels_in_forward():
    x = Value(0.0, label='x')
    message = anomaly_message(lambda: x.log())
    assert "'log'" in message and 'x=0.0' in message and '-inf' in message
    assert '输出' in message and 'produced' in message


def test_detect_anomaly_catches_an_infinite_local_derivative():
    x = Value(0.0, label='x')                   # sqrt(0) = 0 is fine, its derivative is inf
    message = anomaly_message(lambda: x ** 0.5)
    assert "'**0.5'" in message and '局部导数' in message and 'local derivative inf' in message


def test_detect_anomaly_catches_nan_from_binary_op_and_dot():
    a, b = Value(math.inf, label='a'), Value(math.inf, label='b')
    assert "'-'" in anomaly_message(lambda: a - b)
    w = [Value(1e308, label=f'w{i}') for i in range(10)]
    message = anomaly_message(lambda: dot(w, [10.0] * 10))
    assert "'Σ'" in message and 'w0=1e+308' in message and '10 in all' in message


def test_detect_anomaly_catches_a_gradient_overflow_in_backward():
    a = Value(1e-300, label='a')
    b = Value(1e300, label='b')

    def forward_and_backward():
        out = (a * b) * 1e10                    # every value is finite: a*b = 1, out = 1e10
        assert out.data == 1e10
        out.backward()                          # but ∂out/∂a = b · 1e10 = 1e310 = inf

    message = anomaly_message(forward_and_backward)
    assert "'*'" in message and 'gradient inf to input 0' in message and '反向传播' in message
    assert 'a=1e-300, b=1e+300' in message
    a.grad = 0.0
    out = (a * b) * 1e10                        # outside detect_anomaly: inf, no error
    out.backward()
    assert a.grad == math.inf


def test_detect_anomaly_backward_on_a_finite_graph_matches_plain_backward():
    def build():
        x = Value(0.5, label='x')
        return x, ((x * 3).tanh() + x.exp() / (1 + x)) ** 2
    x1, y1 = build()
    y1.backward()
    with detect_anomaly():
        x2, y2 = build()
        y2.backward()
    assert x1.grad == x2.grad and y1.data == y2.data


def test_outside_detect_anomaly_the_ieee_rule_applies():
    with detect_anomaly():
        pass
    out = Value(0.0).log() * Value(2.0)
    assert out.data == -math.inf
    out.backward()                              # no error


def test_detect_anomaly_nests_restores_and_works_under_no_grad():
    with detect_anomaly():
        with detect_anomaly():
            Value(1.0).log()
        with pytest.raises(FloatingPointError):
            Value(0.0).log()                    # still on after the inner block
        with no_grad():
            with pytest.raises(FloatingPointError):
                Value(-1.0).log()
    with pytest.raises(ZeroDivisionError):
        with detect_anomaly():
            1 / 0
    assert Value(0.0).log().data == -math.inf   # off again after an exception
    assert engine._open_modes == 0              # the fast path is back on: no mode left open


def test_detect_anomaly_is_per_thread():
    def still_checking_here():
        with pytest.raises(FloatingPointError):
            Value(0.0).log()

    # the other thread is not in detect_anomaly: log(0) is -inf there
    seen = in_other_thread(detect_anomaly(), lambda: {'data': Value(0.0).log().data}, still_checking_here)
    assert seen == {'data': -math.inf}


def test_detect_anomaly_checks_hand_made_nodes():
    x = Value(1.0)
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match="'custom'"):
            Value(1.0, '', (x,), 'custom', (math.nan,))


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
