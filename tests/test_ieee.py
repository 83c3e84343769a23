"""IEEE 754 的安全算术 (micrograd_zh/ieee.py)：从不抛异常，与 math 一致处相同，越界处给 inf/nan；Value 上就是运算。"""

import math

import pytest

from micrograd_zh import Value
from micrograd_zh.ieee import _cos, _div, _exp, _log, _not_finite, _pow, _sin, _sqrt

VALUES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 5e-324, -1e-310, 1e-200, 1e308, -1e308,
          math.inf, -math.inf, math.nan]
UNARY = {'exp': (_exp, math.exp), 'log': (_log, math.log), 'sin': (_sin, math.sin), 'cos': (_cos, math.cos),
         'sqrt': (_sqrt, math.sqrt)}


def same(a, b):
    return (a != a and b != b) or (a == b and math.copysign(1.0, a) == math.copysign(1.0, b))


def test_the_helpers_never_raise_and_agree_with_math_where_math_has_an_answer():
    for a in VALUES:
        for name, (safe, plain) in UNARY.items():
            got = safe(a)
            try:
                want = plain(a)
            except (ValueError, OverflowError):
                assert got != got or got in (math.inf, -math.inf), (name, a, got)
            else:
                assert same(got, want), (name, a, got, want)
        for b in VALUES:
            _div(a, b)
            _pow(a, b)


@pytest.mark.parametrize('fn, x, want', [
    (_log, 0.0, -math.inf), (_log, -0.0, -math.inf), (_log, -1.0, math.nan), (_sqrt, -1.0, math.nan),
    (_sqrt, -0.0, -0.0), (_sqrt, -math.inf, math.nan), (_sin, math.inf, math.nan), (_cos, -math.inf, math.nan),
    (_exp, 1000.0, math.inf),
])
def test_out_of_domain_gives_inf_or_nan_like_pytorch(fn, x, want):
    assert same(fn(x), want)


def test_division_and_power_by_zero():
    assert _div(1.0, 0.0) == math.inf and _div(1.0, -0.0) == -math.inf and _div(-1.0, 0.0) == -math.inf
    assert _div(0.0, 0.0) != _div(0.0, 0.0)
    assert _pow(0.0, -1.0) == math.inf and _pow(-0.0, -1.0) == -math.inf and _pow(-8.0, 1 / 3) != _pow(-8.0, 1 / 3)
    assert _pow(10.0, 400.0) == math.inf and _pow(-10.0, 401.0) == -math.inf


def test_on_values_each_helper_is_the_op():
    x, y = Value(0.7), Value(1.3)
    for fn, op in ((_exp, 'exp'), (_log, 'log'), (_sin, 'sin'), (_cos, 'cos')):
        assert fn(x)._op == op and fn(x).data == getattr(x, op)().data
    assert _div(x, y)._op == '/' and _div(1.0, y)._op == '/' and _pow(x, y)._op == '**'
    assert _pow(x, 2.0)._op == '**2'


def test_not_finite():
    assert [_not_finite(v) for v in (0.0, -1e308, 5e-324, math.inf, -math.inf, math.nan)] == \
        [False, False, False, True, True, True]
