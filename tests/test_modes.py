"""模式 (micrograd_zh/modes.py)：no_grad 和 detect_anomaly——嵌套、按线程、可重复使用、可重入，以及报错信息。"""

import math
import threading

import pytest

from micrograd_zh import Value, detect_anomaly, dot, is_grad_enabled, no_grad
from micrograd_zh import modes


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
    assert modes.open_count == 0                # the fast path is back on: no mode left open


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


# ---------------------------------------------------------------- reusable and re-entrant mode objects (issue 10, item 9)
@pytest.mark.parametrize('make, probe, inside, outside', [
    (no_grad, lambda: (Value(1.0) * 2)._prev == (), True, False),
    (detect_anomaly, lambda: modes.anomaly_on(), True, False),
], ids=['no_grad', 'detect_anomaly'])
def test_one_mode_object_can_be_reused_and_nested_in_itself(make, probe, inside, outside):
    mode = make()
    for _ in range(3):                          # reused: on main the second `with` raised AttributeError
        with mode:
            assert probe() is inside
        assert probe() is outside
    with mode:
        with mode:                              # re-entrant: the inner exit must not switch the mode off
            assert probe() is inside
        assert probe() is inside
    assert probe() is outside
    assert modes.open_count == 0


def test_a_reused_decorator_and_a_shared_object_in_two_threads():
    ng, seen_here = no_grad(), []

    @ng
    def f(x):
        return x * 2

    assert f(Value(1.0))._prev == () and f(Value(1.0))._prev == ()

    def probe():                                # the other thread uses the same object at the same time
        with ng:
            inside = is_grad_enabled()
        return inside, is_grad_enabled()

    seen = in_other_thread(ng, probe, then=lambda: seen_here.append(is_grad_enabled()))
    assert seen == (False, True) and seen_here == [False] and is_grad_enabled()


def test_no_grad_results_keep_their_op_name_so_backward_can_refuse():
    x = Value(2.0)
    with no_grad():
        y = x.tanh()
    assert y._prev == () and y._op == 'tanh'


# ---------------------------------------------------------------- control characters in messages (issue 10, item 7)
@pytest.mark.parametrize('label, shown', [('a\nb', 'a\\nb'), ('x\x00', 'x\\x00'), ('t\tu\r', 't\\tu\\r'),
                                          ('权重', '权重')])
def test_anomaly_messages_escape_control_characters_in_labels(label, shown):
    x = Value(0.0, label=label)
    message = anomaly_message(lambda: x.log())
    assert '\n' not in message and '\r' not in message and '\x00' not in message
    assert f'{shown}=0.0' in message
