"""与 PyTorch float64 对比：值和梯度都要一致，包括反射运算、Value 指数和定义域边界。"""

import math
import random

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_zh import Value, add_n, dot

torch = pytest.importorskip('torch')


def both(fn, xs):
    """在两个引擎上算同一个 fn，返回 (我们的值, 我们的梯度, torch 的值, torch 的梯度)。"""
    ours = [Value(x) for x in xs]
    out = fn(ours, 'ours')
    out.backward()
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    tout = fn(theirs, 'torch')
    tout.backward()
    tgrads = [0.0 if t.grad is None else t.grad.item() for t in theirs]
    return out.data, [v.grad for v in ours], tout.item(), tgrads


def same(a, b, rel=1e-9, abs_=1e-12):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def assert_same(fn, xs):
    data, grads, tdata, tgrads = both(fn, xs)
    assert same(data, tdata), (xs, data, tdata)
    for i, (g, tg) in enumerate(zip(grads, tgrads)):
        assert same(g, tg), (xs, i, g, tg)


def call(name):
    """x.name() on our Value, torch.name(x) on a tensor."""
    return lambda v, who: getattr(v[0], name)() if who == 'ours' else getattr(torch, name)(v[0])


OPS = {
    'add': (lambda v, who: v[0] + v[1], 2),
    'sub': (lambda v, who: v[0] - v[1], 2),
    'mul': (lambda v, who: v[0] * v[1], 2),
    'truediv': (lambda v, who: v[0] / v[1], 2),
    'pow_values': (lambda v, who: v[0] ** v[1], 2),
    'pow_int': (lambda v, who: v[0] ** 3, 1),
    'pow_float': (lambda v, who: v[0] ** 0.5, 1),
    'pow_neg': (lambda v, who: v[0] ** -2, 1),
    'neg': (lambda v, who: -v[0], 1),
    'radd': (lambda v, who: 1.5 + v[0], 1),
    'rsub': (lambda v, who: 1 - v[0], 1),
    'rmul': (lambda v, who: 2 * v[0], 1),
    'rtruediv': (lambda v, who: 3.0 / v[0], 1),
    'rpow': (lambda v, who: 2 ** v[0], 1),
    'exp': (call('exp'), 1),
    'log': (call('log'), 1),
    'tanh': (call('tanh'), 1),
    'relu': (call('relu'), 1),
    'sigmoid': (call('sigmoid'), 1),
    'sin': (call('sin'), 1),
    'cos': (call('cos'), 1),
    'sqrt': (call('sqrt'), 1),
    'abs': (call('abs'), 1),
}

DOMAIN = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, 1e-3, 40.0, -40.0, 800.0, -800.0,
          math.inf, -math.inf, math.nan]
# 极端值 (extreme values, issue 10 item 3)：很小、次正规数 (subnormal)、很大。
EXTREME = [1e-200, -1e-200, 1e-160, 1e-170, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308,
           1e154, 1e200, -1e300, 1.7976931348623157e308]


@pytest.mark.parametrize('name', sorted(OPS))
def test_op_matches_torch_on_ordinary_inputs(name):
    fn, arity = OPS[name]
    rng = random.Random(name)
    for _ in range(200):
        xs = [rng.uniform(-4, 4) for _ in range(arity)]
        if name in ('log', 'pow_float', 'pow_values', 'sqrt'):
            xs[0] = abs(xs[0]) + 0.05
        assert_same(fn, xs)


@pytest.mark.parametrize('name', sorted(OPS))
def test_op_matches_torch_at_domain_edges(name):
    """定义域规则：每个运算在 0、±inf、nan、很大的数上都与 PyTorch float64 给出相同的 inf/nan。"""
    fn, arity = OPS[name]
    values = DOMAIN + EXTREME
    grids = [[x] for x in values] if arity == 1 else [[x, y] for x in values for y in values]
    for xs in grids:
        if name == 'pow_float' and xs[0] in (0.0, -math.inf) and math.copysign(1.0, xs[0]) < 0:
            # PyTorch 把 x ** 0.5 算成 sqrt(x)：sqrt(-inf) = nan，rsqrt(-0.0) = -inf。
            # 我们遵循 IEEE 754 的 pow：pow(-inf, 0.5) = +inf，pow(-0.0, -0.5) = +inf。
            # PyTorch special-cases x ** 0.5 as sqrt; we follow IEEE pow at -0.0 and -inf.
            out = Value(xs[0]) ** 0.5
            assert (out.data, out._local_grads) == ((0.0, (math.inf,)) if xs[0] == 0 else (math.inf, (0.0,)))
            continue
        assert_same(fn, xs)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_nan=False), min_size=3, max_size=3))
def test_composite_expression_matches_torch(xs):
    def f(v, who):
        a, b, c = v
        if who == 'ours':
            return ((a * b + c).tanh() * (c * c + 1).log() - (b / (c * c + 1)).exp()
                    + (a - b).sigmoid() ** 2 + (a * c).relu() + 2 ** b - 1 / (a * a + 1))
        return (torch.tanh(a * b + c) * torch.log(c * c + 1) - torch.exp(b / (c * c + 1))
                + torch.sigmoid(a - b) ** 2 + torch.relu(a * c) + 2 ** b - 1 / (a * a + 1))

    assert_same(f, xs)


def test_reuse_and_accumulation_match_torch():
    def f(v, who):
        a = v[0]
        b = a + a
        c = b + b
        return c * a + a * a

    assert_same(f, [1.7])


def test_neuron_dot_matches_torch():
    rng = random.Random(0)
    for n in (1, 2, 5, 17):
        xs = [rng.uniform(-2, 2) for _ in range(2 * n + 1)]

        def f(v, who):
            w, x, b = v[:n], v[n:2 * n], v[-1]
            if who == 'ours':
                return dot(w, x, b).tanh() + add_n(x)
            return torch.tanh(sum(wi * xi for wi, xi in zip(w, x)) + b) + sum(x)

        data, grads, tdata, tgrads = both(f, xs)
        assert same(data, tdata, rel=1e-12, abs_=1e-12)
        for g, tg in zip(grads, tgrads):
            assert same(g, tg, rel=1e-12, abs_=1e-12)


def test_deep_random_expression_matches_torch():
    rng = random.Random(7)
    xs = [rng.uniform(-1, 1) for _ in range(6)]
    plan = [(rng.choice('+-*t'), rng.randrange(6)) for _ in range(300)]

    def f(v, who):
        h = v[0]
        for op, i in plan:
            if op == '+':
                h = h + v[i]
            elif op == '-':
                h = h - v[i] * 0.5
            elif op == '*':
                h = h * v[i]
            else:
                h = h.tanh() if who == 'ours' else torch.tanh(h)
        return h

    data, grads, tdata, tgrads = both(f, xs)
    assert same(data, tdata, rel=1e-9)
    for g, tg in zip(grads, tgrads):
        assert same(g, tg, rel=1e-7, abs_=1e-10)


@pytest.mark.parametrize('name', sorted(OPS))
def test_inf_and_nan_upstream_gradients_match_torch(name):
    """掩码 (masks, issue 10 item 2)：上游梯度是 ±inf 或 nan 时，局部导数按定义为 0 的边（x ≤ 0 处的 relu、
    x ** 0、b = 0 时的 a ** b）只传 0，与 PyTorch 相同；其余的边照常相乘（0 × inf = nan，PyTorch 也是）。"""
    fn, arity = OPS[name]
    grids = [[x] for x in DOMAIN] if arity == 1 else [[x, y] for x in DOMAIN for y in DOMAIN]
    for upstream in (math.inf, -math.inf, math.nan):
        def scaled(v, who):
            return fn(v, who) * upstream
        for xs in grids:
            if name == 'pow_float' and xs[0] in (0.0, -math.inf) and math.copysign(1.0, xs[0]) < 0:
                continue                        # PyTorch's x ** 0.5 is sqrt there (see the test above)
            _, grads, _, tgrads = both(scaled, xs)
            for i, (g, tg) in enumerate(zip(grads, tgrads)):
                assert same(g, tg), (name, upstream, xs, i, g, tg)


def test_pow_by_zero_masks_match_torch():
    for x in (2.0, 0.0, -3.0, math.inf, math.nan):
        for upstream in (math.inf, math.nan):
            assert_same(lambda v, who: (v[0] ** 0) * upstream + v[0], [x])
            assert_same(lambda v, who: (v[0] ** v[1]) * upstream + v[0], [x, 0.0])
