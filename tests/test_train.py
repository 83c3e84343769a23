"""训练循环测试：自动微分的梯度下降与手推梯度走同一条轨迹；历史、小批量、进度显示。"""

import io

import pytest

from micrograd_zh import MLP, Neuron
from micrograd_zh.data import make_line, make_xor
from micrograd_zh.losses import binary_cross_entropy, mse
from micrograd_zh.optim import SGD, Adam
from micrograd_zh.train import evaluate, fit


def test_line_fit_autograd_matches_hand_derived_gradient():
    """MSE = mean((w·x + b - y)²)：∂/∂w = 2·mean((w·x + b - y)·x)，∂/∂b = 2·mean(w·x + b - y)。"""
    X, y = make_line(200, seed=0)
    model = Neuron(1, activation='linear', init='zeros')
    opt = SGD(model.parameters(), lr=0.01)
    w = b = 0.0
    n = len(X)
    for _ in range(300):
        fit(model, X, y, mse, opt, epochs=1, verbose=False)
        r = [w * x + b - t for x, t in zip(X, y)]
        gw = 2.0 * sum(ri * x for ri, x in zip(r, X)) / n
        gb = 2.0 * sum(r) / n
        w, b = w - 0.01 * gw, b - 0.01 * gb
        assert model.w[0].data == pytest.approx(w, rel=1e-9, abs=1e-9)
        assert model.b.data == pytest.approx(b, rel=1e-9, abs=1e-9)
    assert w == pytest.approx(1.915, abs=0.01) and b == pytest.approx(0.915, abs=0.05)


def test_history_and_validation_loss():
    X, y = make_line(30, seed=1)
    model = Neuron(1, activation='linear', init='zeros')
    hist = fit(model, X, y, mse, SGD(model.parameters(), lr=0.005), epochs=5, val_data=(X[:5], y[:5]),
               verbose=False)
    assert len(hist['loss']) == 5 and len(hist['val_loss']) == 5
    assert hist['loss'][-1] < hist['loss'][0]
    assert hist['val_loss'][-1] == pytest.approx(evaluate(model, X[:5], y[:5], mse))
    assert all(p.grad != 0.0 for p in model.parameters())      # evaluate 不清梯度，也不建图


def test_minibatches_are_seeded_and_cover_every_sample():
    X, y = make_line(50, seed=2)

    def run(seed):
        model = Neuron(1, activation='linear', init='zeros')
        seen = []

        def loss_fn(preds, targets):
            seen.append(len(preds))
            return mse(preds, targets)
        hist = fit(model, X, y, loss_fn, SGD(model.parameters(), lr=0.001, momentum=0.9), epochs=2,
                   batch_size=16, seed=seed, verbose=False)
        return hist['loss'], seen

    loss_a, seen = run(0)
    assert seen == [16, 16, 16, 2] * 2
    assert run(0)[0] == loss_a and run(1)[0] != loss_a


def test_xor_is_learned():
    X, y = make_xor()
    model = MLP(2, [5, 1], activation='sigmoid', seed=0)
    prob = lambda x: model(x).sigmoid()
    fit(prob, X, y, binary_cross_entropy, Adam(model.parameters(), lr=0.1), epochs=300, verbose=False)
    assert [prob(x).data > 0.5 for x in X] == [False, True, True, False]


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_plain_lines_off_terminal_and_one_updating_line_on_it():
    X, y = make_line(10, seed=3)
    model = Neuron(1, activation='linear', init='zeros')
    plain = io.StringIO()
    fit(model, X, y, mse, SGD(model.parameters(), lr=0.001), epochs=40, out=plain, desc='T')
    lines = plain.getvalue().splitlines()
    assert '\r' not in plain.getvalue() and 2 <= len(lines) <= 12
    assert lines[-1].startswith('T 40/40 损失 (loss)')
    tty = FakeTerminal()
    fit(model, X, y, mse, SGD(model.parameters(), lr=0.001), epochs=40, out=tty, desc='T')
    text = tty.getvalue()
    assert text.count('\r') == 40 and text.count('\n') == 1 and '█' in text


@pytest.mark.parametrize('kwargs, match', [
    (dict(X=[1.0, 2.0], y=[1.0]), 'X has 2 samples but y has 1'),
    (dict(X=[], y=[]), 'X must not be empty'),
    (dict(X=[1.0], y=[1.0], batch_size=0), 'batch_size'),
])
def test_bad_arguments(kwargs, match):
    model = Neuron(1)
    args = dict(model=model, loss_fn=mse, optimizer=SGD(model.parameters(), lr=0.1), verbose=False)
    with pytest.raises(ValueError, match=match):
        fit(**args, **kwargs)
