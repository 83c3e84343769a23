"""梯度检验 (micrograd_zh/gradcheck.py)：对的导数通过，错的导数被抓住，错误输入一行报错。"""

import pytest

from micrograd_zh import Value, gradcheck, no_grad


def test_gradcheck_catches_a_wrong_derivative():
    def wrong_square(v):
        x = v[0]
        return Value(x.data ** 2, '', (x,), 'bad', (1.0,))   # 真导数是 2x，这里故意写成 1

    with pytest.raises(AssertionError, match='输入 0'):
        gradcheck(wrong_square, [3.0])


def test_gradcheck_rejects_non_value_output():
    with pytest.raises(TypeError, match='fn must return a Value'):
        gradcheck(lambda v: 1.0, [1.0])


def test_gradcheck_builds_its_graph_even_inside_no_grad():
    with no_grad():
        assert gradcheck(lambda v: (v[0] * v[1]).tanh(), [0.3, -0.7])
