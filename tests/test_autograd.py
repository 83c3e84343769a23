"""grad() (micrograd_zh/autograd.py)：像 torch.autograd.grad 一样返回梯度，不碰 .grad；create_graph 开与关；
够不着输出的输入；错误输入。"""

import math

import pytest

from micrograd_zh import Value, detect_anomaly, grad, no_grad, topological_order


def graph():
    x, y, unused = Value(0.3, label='x'), Value(-1.2, label='y'), Value(5.0, label='unused')
    h = x * y
    out = (h.tanh() + h * x).sin()
    return x, y, unused, out


def test_grad_returns_what_backward_would_store_and_touches_no_grad():
    x, y, unused, out = graph()
    before = [(n, n.grad) for n in topological_order(out)] + [(unused, unused.grad)]
    gx, gy = grad(out, [x, y])
    assert all(n.grad == g for n, g in before)          # .grad untouched everywhere
    out.backward()
    assert (gx, gy) == (x.grad, y.grad)                 # the same chain rule: bit for bit


def test_an_input_the_output_does_not_depend_on_gets_zero():
    x, y, unused, out = graph()
    assert grad(out, [unused, x])[0] == 0.0
    (g,) = grad(out, unused, create_graph=True)
    assert isinstance(g, Value) and g.data == 0.0 and g._prev == ()
    # 所以一次函数的二阶导数自然是 0，不必特别处理 (so the second derivative of a linear function is simply 0)
    (d1,) = grad(3.0 * x + 1.0, x, create_graph=True)
    assert d1.data == 3.0 and grad(d1, x) == (0.0,)


def test_create_graph_on_and_off():
    x, y, _, out = graph()
    plain = grad(out, [x, y])
    graphs = grad(out, [x, y], create_graph=True)
    assert all(type(g) is float for g in plain) and type(plain) is tuple
    assert all(isinstance(g, Value) for g in graphs)
    assert [g.data for g in graphs] == list(plain)
    assert grad(graphs[0], [x, y]) == grad(grad(out, [x, y], create_graph=True)[0], [x, y])


def test_single_value_duplicates_and_the_output_itself():
    x, y, _, out = graph()
    (gx,) = grad(out, x)
    assert grad(out, [x, x]) == (gx, gx)
    assert grad(out, out) == (1.0,) and grad(x, [x, y]) == (1.0, 0.0)


def test_create_graph_builds_the_gradient_graph_even_inside_no_grad():
    x = Value(1.5)
    y = x ** 3
    with no_grad():
        (g,) = grad(y, x, create_graph=True)            # like PyTorch: create_graph wins
        assert g._prev
        (h,) = grad(g, x)
    assert h == pytest.approx(9.0)                      # 6x


def test_grad_under_detect_anomaly_names_the_edge():
    x = Value(0.0, label='x')
    y = x.sqrt()                                        # finite output, infinite local derivative
    with pytest.raises(FloatingPointError, match="'sqrt' passed gradient inf to input 0"):
        with detect_anomaly():
            grad(y, x)


@pytest.mark.parametrize('call, error, words', [
    (lambda x: grad(3.0, [x]), TypeError, 'compute it with create_graph=True'),
    (lambda x: grad([x], [x]), TypeError, 'output must be a Value, got list'),
    (lambda x: grad(x * 2, 'x'), TypeError, 'inputs must be a Value or a list of Values, got str'),
    (lambda x: grad(x * 2, [x, 2.0]), TypeError, r'inputs\[1\] must be a Value, got float'),
    (lambda x: grad(x * 2, x, create_graph='yes'), TypeError, 'create_graph must be True or False'),
])
def test_bad_calls_get_one_line(call, error, words):
    with pytest.raises(error, match=words) as info:
        call(Value(1.0))
    assert '\n' not in str(info.value)


def test_a_gradient_built_without_create_graph_cannot_be_differentiated_again():
    x = Value(2.0)
    (g,) = grad(x ** 2, x)
    with pytest.raises(TypeError, match='to differentiate a gradient again, compute it with create_graph=True'):
        grad(g, x)


def test_the_output_of_no_grad_has_no_graph():
    x = Value(2.0)
    with no_grad():
        y = x.exp()
    with pytest.raises(RuntimeError, match="computed by 'exp' inside no_grad"):
        grad(y, x)
    assert math.isclose(grad(x.exp(), x)[0], math.exp(2.0))
