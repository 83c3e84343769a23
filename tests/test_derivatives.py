"""导数公式只写一次 (micrograd_zh/derivatives.py)：同一个公式给出边上的数和导数的图；高阶导数等于一阶导数的
中心有限差分；掩码 (mask)；create_graph 不认识的运算明确报错。"""

import math
import random

import pytest

from micrograd_zh import Value, dot, grad
from micrograd_zh.derivatives import as_graph, masked, power_name
from random_graphs import build, inputs, plan


def first_derivatives(steps, xs):
    leaves = [Value(x) for x in xs]
    out, kinks = build(steps, leaves)
    out.backward()
    return [v.grad for v in leaves], kinks, out


def higher_derivatives(steps, xs):
    """Our gradient, Hessian and third-derivative tensor, each level by grad(create_graph=True) of the one before."""
    leaves = [Value(x) for x in xs]
    out, _ = build(steps, leaves)
    g = grad(out, leaves, create_graph=True)
    h = [grad(gi, leaves, create_graph=True) for gi in g]
    t = [[grad(hij, leaves) for hij in row] for row in h]
    return [gi.data for gi in g], [[hij.data for hij in row] for row in h], t


def shifted(xs, *moves):
    ys = list(xs)
    for k, d in moves:
        ys[k] += d
    return ys


def usable(steps, xs, h):
    """Smooth enough for finite differences here: every relu/abs argument is far from its kink, values moderate."""
    _, kinks, out = first_derivatives(steps, xs)
    return all(abs(k.data) > 100 * h for k in kinks) and abs(out.data) < 1e6


def test_second_and_third_derivatives_equal_central_differences_of_first_derivatives():
    checked = 0
    for seed in range(40):
        steps, xs = plan(seed), inputs(seed)
        if not usable(steps, xs, 1e-3):
            continue
        checked += 1
        g, hess, third = higher_derivatives(steps, xs)
        n = len(xs)
        scale = 1.0 + max(map(abs, g)) + max(abs(v) for row in hess for v in row)
        h2 = 1e-5                               # Hessian: one central difference of the gradient
        for j in range(n):
            plus = first_derivatives(steps, shifted(xs, (j, h2)))[0]
            minus = first_derivatives(steps, shifted(xs, (j, -h2)))[0]
            for i in range(n):
                numeric = (plus[i] - minus[i]) / (2 * h2)
                assert abs(hess[i][j] - numeric) <= 1e-6 * scale, (seed, i, j, hess[i][j], numeric)
        h3 = 1e-4                               # third derivatives: a mixed central difference of the gradient
        for j in range(n):
            for k in range(n):
                corners = [first_derivatives(steps, shifted(xs, (j, sj * h3), (k, sk * h3)))[0]
                           for sj, sk in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
                for i in range(n):
                    numeric = (corners[0][i] - corners[1][i] - corners[2][i] + corners[3][i]) / (4 * h3 * h3)
                    assert abs(third[i][j][k] - numeric) <= 1e-4 * scale, (seed, i, j, k, third[i][j][k], numeric)
    assert checked >= 25                        # most seeds are smooth enough; the test is not vacuous


# Each op with a derivative formula, and inputs inside its domain.
RULE_CASES = {
    '*': lambda a, b: a * b,
    '/': lambda a, b: a / b,
    '**': lambda a, b: abs_(a) ** b,
    '**c': lambda a, b: abs_(a) ** (b.data * 3.0),
    'exp': lambda a, b: a.exp(),
    'log': lambda a, b: abs_(a).log(),
    'tanh': lambda a, b: a.tanh(),
    'sigmoid': lambda a, b: a.sigmoid(),
    'sin': lambda a, b: a.sin(),
    'cos': lambda a, b: a.cos(),
    'sqrt': lambda a, b: abs_(a).sqrt(),
    'dot': lambda a, b: dot([a, b], [b, a], a),
}


def abs_(v):
    return v * v + 0.1


@pytest.mark.parametrize('name', sorted(RULE_CASES))
def test_each_formula_gives_the_same_numbers_as_floats_and_as_a_graph(name):
    """前向时存下的数和 create_graph 用的图出自同一个公式，所以一位不差 (bit for bit)。"""
    rng = random.Random(name)
    for _ in range(100):
        a, b = Value(rng.uniform(-3, 3)), Value(rng.uniform(-3, 3))
        node = RULE_CASES[name](a, b)
        as_numbers = [g if type(g) is float else g.data for g in as_graph(node)]
        assert as_numbers == list(node._local_grads) or all(
            x == y or (x != x and y != y) for x, y in zip(as_numbers, node._local_grads))


def test_constant_derivatives_are_the_stored_numbers():
    x = Value(-2.0)
    for node in (x + 1, x - 1, -x, x.relu(), x.abs()):
        assert as_graph(node) is node._local_grads


def test_create_graph_refuses_an_op_it_has_no_formula_for():
    x = Value(3.0)
    y = Value(9.0, _prev=(x,), _op='square', _local_grads=(6.0,))      # a hand-made node
    assert grad(y, x) == (6.0,)                                         # first derivatives are fine
    with pytest.raises(ValueError, match="op 'square' has no known derivative formula"):
        grad(y, x, create_graph=True)


@pytest.mark.parametrize('c, name', [(2.0, '**2'), (0.5, '**0.5'), (-1.5, '**-1.5'), (1 / 3, '**0.3333333333333333'),
                                     (1e100, '**1e+100'), (0.0, '**0'), (math.inf, '**inf')])
def test_power_names_are_short_and_give_back_the_exponent_exactly(c, name):
    assert power_name(c) == name and float(name[2:]) == c
    x = Value(1.7)
    assert (x ** c)._op == name


def test_x_to_the_third_has_derivatives_3x2_6x_6_0():
    x = Value(2.0)
    (d1,) = grad(x ** 3, x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x, create_graph=True)
    (d4,) = grad(d3, x)
    assert (d1.data, d2.data, d3.data, d4) == (12.0, 12.0, 6.0, 0.0)


def test_which_edges_are_masks():
    x = Value(-1.0)
    assert masked(x.relu(), 0) and not masked(Value(2.0).relu(), 0)
    assert masked(x ** 0, 0) and not masked(Value(0.0) ** 2, 0)      # 2·0 = 0 is computed, not a mask
    p = x ** Value(0.0)
    assert masked(p, 0) and not masked(p, 1)
    assert not masked(Value(0.0) * Value(2.0), 1)
