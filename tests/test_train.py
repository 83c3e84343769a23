"""训练循环测试：自动微分的梯度下降与手推梯度走同一条轨迹；历史、小批量、进度显示。"""

import copy
import gc
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
    total, in_modes = count_events(run, fine_files=['optim.py', 'train.py'], in_file='modes.py')
    rng = random.Random(10)                                   # 固定的种子 (fixed seed)：每次都打断在同样的地方
    # 再加上落在 no_grad() 的进入、退出里的每一个时刻：打断在 __exit__ 开始之前，曾把 no_grad() 留在打开的状态
    moments = sorted(set(range(1, 35)) | set(range(total - 12, total + 1)) | set(rng.sample(range(1, total), 150))
                     | set(in_modes))
    assert len(in_modes) >= 3 * 2, in_modes                   # 每轮验证一次 (validation once per epoch)
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
        assert interrupter.fired and is_grad_enabled() and gc.isenabled()   # 没有留下打开的 no_grad() 或关掉的 GC
        state = ([p.data for p in opt.params], copy.deepcopy(opt.state), opt.t)
        assert state == reference.snapshots[opt.t], f'not a complete step when interrupted at event {k} of {total}'
        n = len(history['loss'])
        assert history == {'loss': full['loss'][:n], 'val_loss': full['val_loss'][:n]}
        assert steps_per_epoch * n <= opt.t <= steps_per_epoch * (n + 1)
        lines = out.getvalue().splitlines()
        assert lines[-1].endswith(f'(interrupted after {n} complete epochs; the model is as after its last '
                                  f'complete step)') and 'Traceback' not in out.getvalue()
    assert all(k <= 30 or k > total - 10 for k in escaped), (total, [k for k in escaped if 30 < k <= total - 10])         # 只在最开头和最末尾


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


# ---------------------------------------------------------------- Keras 的写法 (Keras-style fit)
def digits_like(n, seed=0):
    """n 张 4×4 的小图，标签 0–2：类别 k 的图在第 k 行亮。卷积网络很快就能学会。"""
    import random
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        k = i % 3
        X.append([[[(1.0 if r == k else 0.0) + rng.gauss(0.0, 0.1) for _ in range(4)] for r in range(4)]])
        y.append(k)
    return X, y


def small_cnn(seed=0):
    from micrograd_zh import Conv2d, Flatten, Linear, MaxPool2d, Sequential, Tanh
    return Sequential(Conv2d(1, 2, 2, seed=seed), Tanh(), MaxPool2d(2, 1), Flatten(), Linear(8, 3, seed=seed + 1))


def test_keras_style_fit_on_images_with_accuracy_and_validation_split():
    from micrograd_zh.losses import cross_entropy
    from micrograd_zh.train import accuracy
    X, y = digits_like(30)
    model = small_cnn()
    opt = SGD(model.parameters(), lr=0.5, momentum=0.9, nesterov=True)
    hist = fit(model, X, y, cross_entropy, opt, epochs=8, batch_size=8, validation_split=0.2,
               metrics=[accuracy], seed=0, verbose=False)
    assert sorted(hist) == ['accuracy', 'loss', 'val_accuracy', 'val_loss']
    assert all(len(v) == 8 for v in hist.values())
    assert hist['loss'][-1] < hist['loss'][0] / 2 and hist['val_accuracy'][-1] == 1.0
    X_val, y_val = X[24:], y[24:]                    # Keras：最后 20%（打乱之前），int(30 * 0.8) = 24
    assert hist['val_loss'][-1] == pytest.approx(evaluate(model, X_val, y_val, cross_entropy), abs=1e-15)
    assert hist['val_accuracy'][-1] == accuracy([model(x) for x in X_val], y_val)


def test_validation_split_uses_the_last_samples_and_shuffle_false_keeps_the_order():
    X, y = make_line(10, seed=4)
    model = Neuron(1, activation='linear', init='zeros')
    seen = []

    def loss_fn(preds, targets):
        seen.append(list(targets))
        return mse(preds, targets)
    hist = fit(model, X, y, loss_fn, SGD(model.parameters(), lr=0.0), epochs=2, batch_size=3, shuffle=False,
               validation_split=0.25, verbose=False)
    assert seen == [y[0:3], y[3:6], y[6:7], y[7:]] * 2      # int(10 * 0.75) = 7 个训练，3 个验证（每轮末尾）
    assert hist['val_loss'][0] == pytest.approx(sum(t * t for t in y[7:]) / 3)  # 权重是 0，预测全是 0
    shuffled = []
    fit(model, X, y, lambda p, t: shuffled.append(list(t)) or mse(p, t), SGD(model.parameters(), lr=0.0),
        epochs=1, batch_size=3, validation_split=0.25, seed=1, verbose=False)
    assert sorted(v for b in shuffled[:3] for v in b) == sorted(y[:7]) and shuffled[:3] != seen[:3]


def test_accuracy_takes_the_first_largest_score():
    from micrograd_zh import Value
    from micrograd_zh.train import accuracy
    assert accuracy([[0.1, 0.9], [Value(2.0), Value(-1.0)], [0.5, 0.5]], [1, 0, 0]) == 1.0
    assert accuracy([[0.1, 0.9], [0.5, 0.5]], [0, 1]) == 0.0
    with pytest.raises(ValueError, match=r'targets\[1\]: class index must be an int in 0..1, got 2'):
        accuracy([[0.1, 0.9], [0.5, 0.5]], [0, 2])


def test_verbose_2_shows_every_batch_with_running_loss_and_accuracy():
    from micrograd_zh.losses import cross_entropy
    from micrograd_zh.train import accuracy
    X, y = digits_like(30)
    model = small_cnn()
    plain = io.StringIO()
    fit(model, X, y, cross_entropy, SGD(model.parameters(), lr=0.1), epochs=2, batch_size=8,
        validation_split=0.2, metrics=[accuracy], verbose=2, out=plain, desc='T')
    lines = plain.getvalue().splitlines()
    assert [line.split()[1:3] for line in lines] == [['1/2', f'{k}/3'] for k in (1, 2, 3)] + \
                                                    [['2/2', f'{k}/3'] for k in (1, 2, 3)]
    assert all('损失 (loss)' in line and '准确率 (accuracy)' in line for line in lines)
    assert '验证准确率 (val_accuracy)' in lines[2] and '验证' not in lines[1]
    tty = FakeTerminal()
    fit(model, X, y, cross_entropy, SGD(model.parameters(), lr=0.1), epochs=2, batch_size=8,
        validation_split=0.2, verbose=2, out=tty, desc='T')
    assert tty.getvalue().count('\r') == 6 and tty.getvalue().count('\n') == 2


def test_cyclic_gc_is_paused_while_training_and_restored_even_after_an_error():
    import gc
    X, y = make_line(6, seed=5)
    model = Neuron(1, activation='linear', init='zeros')
    states = []

    def loss_fn(preds, targets):
        states.append(gc.isenabled())
        return mse(preds, targets)
    assert gc.isenabled()
    fit(model, X, y, loss_fn, SGD(model.parameters(), lr=0.01), epochs=2, val_data=(X, y), verbose=False)
    assert states == [False, True, False, True] and gc.isenabled()     # 只在每一步里暂停，验证时照常
    with pytest.raises(FloatingPointError):
        fit(model, X, y, lambda p, t: mse(p, t) * float('inf'), SGD(model.parameters(), lr=0.01), verbose=False)
    assert gc.isenabled()
    gc.disable()
    try:
        fit(model, X, y, mse, SGD(model.parameters(), lr=0.01), verbose=False)
        assert not gc.isenabled()                       # 原来关着的，训练完仍关着
    finally:
        gc.enable()


class Knot:
    """自己指向自己的对象：只有循环 GC 收得走它 (only the cyclic GC can free it)。"""
    alive = None

    def __init__(self):
        self.me = self
        Knot.alive.add(self)


def knots_left_after(train, steps):
    import weakref
    gc.collect()
    Knot.alive = weakref.WeakSet()
    train(steps)
    return len(Knot.alive)


@pytest.mark.parametrize('where', ['fit', 'own loop'])
def test_pausing_the_gc_for_each_step_does_not_let_the_users_own_cycles_pile_up(where):
    # 每一步都造一个引用环；GC 只在每步里暂停，退出后照常回收，所以环不会越积越多：3000 步之后
    # 活着的只是两次回收之间的那些（实测 16–565 个，与不暂停时同一个量级）。若像以前那样把整个 fit() 包在
    # 暂停里，3000 个环在训练结束前都还活着（最后一行检验的就是这种情形）。
    from micrograd_zh import paused_gc
    steps = 3000
    X, y = make_line(steps, seed=6)
    model = Neuron(1, activation='tanh', seed=0)
    opt = SGD(model.parameters(), lr=0.01)

    def loss_fn(preds, targets):
        Knot()
        return mse(preds, targets)

    def with_fit(steps):
        fit(model, X, y, loss_fn, opt, epochs=1, batch_size=1, shuffle=False, verbose=False)

    def own_loop(steps):
        for x, t in zip(X, y):
            with paused_gc():
                loss = loss_fn([model(x)], [t])
                opt.zero_grad()
                loss.backward()
                opt.step()

    train = with_fit if where == 'fit' else own_loop
    assert gc.isenabled()
    assert knots_left_after(train, steps) < steps // 3
    assert gc.isenabled()
    gc.disable()
    try:
        assert knots_left_after(train, steps) == steps    # 检验这个测试本身：GC 关着时一个也收不走
    finally:
        gc.enable()
