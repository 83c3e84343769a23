"""训练循环测试：自动微分的梯度下降与手推梯度走同一条轨迹；历史、小批量、进度显示。"""

import copy
import io
import random

import pytest
from interrupts import Interrupter, count_events

from micrograd_zh import MLP, Neuron, Value, is_grad_enabled
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


# ---------------------------------------------------------------- 在更新之前检查梯度 (check gradients before writing)
def sqrt_of_square(preds, targets):
    """sqrt(p²)：p = 0 时损失是 0（有限），但梯度是 ∞ × 0 = nan。"""
    return sum((p * p) ** 0.5 for p in preds)


def test_a_nan_gradient_stops_before_any_update_and_names_the_parameter():
    model = Neuron(1, activation='linear', init='zeros')
    before = model.state_dict()
    with pytest.raises(FloatingPointError) as info:
        fit(model, [[1.0]], [0.0], sqrt_of_square, SGD(model.parameters(), lr=0.1), epochs=2, verbose=False)
    message = str(info.value)
    assert message.startswith('第 1 轮第 1 步：参数 w0 的梯度是 nan，而损失是有限的') and '\n' not in message
    assert '(epoch 1, step 1: the gradient of parameter w0 is nan while the loss is finite' in message
    assert 'lr may be too large' not in message
    assert model.state_dict() == before                       # 一个参数都没改


def test_an_inf_gradient_names_the_parameter_by_position_when_the_model_has_no_names():
    w, b = Value(1.0), Value(0.5)
    model = lambda x: (w + x[0]) ** 0.5 + b                   # 没有 named_parameters 的“模型”
    opt = SGD([b, w], lr=0.0)
    with pytest.raises(FloatingPointError, match=r'epoch 1, step 2: the gradient of parameter params\[1\] is -inf'):
        fit(model, [[3.0], [-1.0]], [2.0, 1.0], mse, opt, batch_size=1, seed=0,     # seed=0：两个样本按原来的顺序
            verbose=False)                                                         # √(1 - 1) 的导数是 ∞
    assert opt.t == 1                                         # 第 1 步做完了，第 2 步没有做


# ---------------------------------------------------------------- Ctrl-C：模型停在最后一次完整的更新之后
class Recording(Adam):
    """参照 (reference)：记下开始时和每一步之后的参数、状态和步数。"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshots = [self.snapshot()]

    def snapshot(self):
        return [p.data for p in self.params], copy.deepcopy(self.state), self.t

    def step(self):
        super().step()
        self.snapshots.append(self.snapshot())


def training(opt_class):
    X, y = make_xor(8, noise=0.2, seed=0)
    model = MLP(2, [4, 1], activation='tanh', seed=0)
    opt = opt_class(model.parameters(), lr=0.05)
    out = io.StringIO()
    run = lambda: fit(model, X, y, mse, opt, epochs=3, batch_size=4, val_data=(X[:3], y[:3]), seed=1, out=out)
    return run, opt, out


def test_ctrl_c_at_random_moments_leaves_the_last_complete_step_and_returns_the_history():
    run, reference, _ = training(Recording)
    full = run()
    steps_per_epoch = 2
    assert reference.t == 3 * steps_per_epoch and len(reference.snapshots) == 7
    run, opt, _ = training(Adam)
    total = count_events(run, fine_files=['optim.py', 'train.py'])
    rng = random.Random(10)                                   # 固定的种子 (fixed seed)：每次都打断在同样的地方
    moments = sorted(set(range(1, 25)) | set(range(total - 12, total + 1)) | set(rng.sample(range(1, total), 150)))
    escaped = []
    for k in moments:
        run, opt, out = training(Adam)
        interrupter = Interrupter(k, fine_files=['optim.py', 'train.py'])
        try:
            history = interrupter.run(run)
        except KeyboardInterrupt:                             # 只可能在进入 fit 的 try 之前或离开它之后
            escaped.append(k)
            state = ([p.data for p in opt.params], copy.deepcopy(opt.state), opt.t)
            assert state in (reference.snapshots[0], reference.snapshots[-1])     # 还没开始或已经训练完
            continue
        assert interrupter.fired and is_grad_enabled()            # 也没有把 no_grad() 留在打开的状态
        state = ([p.data for p in opt.params], copy.deepcopy(opt.state), opt.t)
        assert state == reference.snapshots[opt.t], f'not a complete step when interrupted at event {k} of {total}'
        n = len(history['loss'])
        assert history == {'loss': full['loss'][:n], 'val_loss': full['val_loss'][:n]}
        assert steps_per_epoch * n <= opt.t <= steps_per_epoch * (n + 1)
        lines = out.getvalue().splitlines()
        assert lines[-1].endswith(f'(interrupted after {n} complete epochs; the model is as after its last '
                                  f'complete step)') and 'Traceback' not in out.getvalue()
    assert all(k <= 20 or k > total - 10 for k in escaped), escaped          # 只在最开头和最末尾


def test_ctrl_c_on_a_terminal_ends_the_progress_line_first():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    X, y = make_xor(8, noise=0.2, seed=0)
    model = MLP(2, [4, 1], activation='tanh', seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    tty = Terminal()

    def loss_fn(preds, targets):
        if opt.t == 3:
            raise KeyboardInterrupt
        return mse(preds, targets)
    try:
        history = fit(model, X, y, loss_fn, opt, epochs=3, batch_size=4, seed=0, out=tty, desc='T')
    except KeyboardInterrupt:
        pytest.fail('fit() 让 KeyboardInterrupt 漏了出去 (fit() let KeyboardInterrupt escape)')
    assert len(history['loss']) == 1 and opt.t == 3
    assert tty.getvalue().endswith('\nT 被中断 (KeyboardInterrupt)：完成了 1 轮，模型停在最后一次完整的更新之后 '
                                   '(interrupted after 1 complete epochs; the model is as after its last complete '
                                   'step)\n')
