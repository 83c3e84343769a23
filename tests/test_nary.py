"""n 元运算 (micrograd_zh/nary.py)：add_n 和 dot 是一个节点、很多条边；有限差分；错误输入；常数。"""

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_zh import Value, add_n, dot, gradcheck, grad
from micrograd_zh.derivatives import DotName


def finite(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite(-3, 3), min_size=2, max_size=12).filter(lambda l: len(l) % 2 == 1))
def test_dot_and_add_n_match_finite_differences(xs):
    n = len(xs) // 2

    def neuron(v):
        return dot(v[:n], v[n:2 * n], v[-1]).tanh()

    assert gradcheck(neuron, xs)
    assert gradcheck(lambda v: add_n(v) * add_n(v[:1]), xs)


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


def test_without_values_the_result_is_a_constant_leaf():
    for out in (add_n([1, 2.5]), add_n([]), dot([1.0, 2.0], [3.0, 4.0]), dot([2], [3], 1)):
        assert out._prev == () and out._op == ''
        out.backward()                          # a leaf: allowed, like any constant
    assert add_n([1, 2.5]).data == 3.5 and dot([2], [3], 1).data == 7.0


def test_a_dot_of_values_on_both_sides_remembers_how_its_edges_pair():
    w, x, b = [Value(2.0), Value(3.0)], [Value(5.0), Value(7.0)], Value(1.0)
    out = dot(w, x, b)
    assert type(out._op) is DotName and out._op == 'Σ'        # 画图和测试看到的就是 'Σ'
    assert out._prev == (*w, *x, b) and out._local_grads == (5.0, 7.0, 2.0, 3.0, 1.0)
    plain = dot(w, [5.0, 7.0], b)                               # inputs are data: constant local derivatives
    assert type(plain._op) is str and plain._op == 'Σ'


def test_mixed_numbers_and_values_still_give_exact_second_derivatives():
    # one pair has a Value on both sides, the other pair a number: the number becomes a constant leaf
    a, c = Value(1.5), Value(-2.0)
    out = dot([a, 3.0], [a, c], 0.5)                            # a² + 3c + 0.5
    assert out.data == 1.5 * 1.5 - 6.0 + 0.5 and type(out._op) is DotName
    (da, dc) = grad(out, [a, c], create_graph=True)
    assert (da.data, dc.data) == (3.0, 3.0)
    assert grad(da, [a, c]) == (2.0, 0.0)
    with pytest.raises(TypeError, match=r'weights\[1\]'):
        dot([a, 'x'], [a, c])
