"""优化器测试：与 torch.optim 在 float64 上走出同样的轨迹；学习率可以是函数；参数检查。"""

import copy
import math

import pytest
from interrupts import Interrupter, count_events

from micrograd_zh import Value
from micrograd_zh.optim import SGD, Adam, time_decay

START = [1.5, -0.7, 0.3, 2.0]


def objective(p):
    """一个非凸 (non-convex) 的函数，Value 和 torch 张量都能算。"""
    a, b, c, d = p
    return (a - 1) ** 2 + 3 * (b + 0.5) ** 2 + (a * b - c) ** 2 + 0.1 * d ** 4 + (c * d).tanh()


def trajectory_ours(make_opt, steps=20):
    params = [Value(x) for x in START]
    opt = make_opt(params)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        objective(params).backward()
        opt.step()
        path.append([p.data for p in params])
    return path


def trajectory_torch(make_opt, steps=20, schedule=None):
    torch = pytest.importorskip('torch')
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    opt = make_opt(torch.optim, params)
    scheduler = torch.optim.lr_scheduler.LambdaLR(opt, schedule) if schedule else None
    path = []
    for _ in range(steps):
        opt.zero_grad()
        objective(params).backward()
        opt.step()
        if scheduler:
            scheduler.step()
        path.append([p.item() for p in params])
    return path


def assert_same_path(ours, theirs):
    for step, (a, b) in enumerate(zip(ours, theirs)):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12), step


CASES = {
    'sgd': (lambda p: SGD(p, lr=0.05), lambda o, p: o.SGD(p, lr=0.05)),
    'momentum': (lambda p: SGD(p, lr=0.03, momentum=0.9), lambda o, p: o.SGD(p, lr=0.03, momentum=0.9)),
    'nesterov': (lambda p: SGD(p, lr=0.03, momentum=0.8, nesterov=True),
                 lambda o, p: o.SGD(p, lr=0.03, momentum=0.8, nesterov=True)),
    'sgd_wd': (lambda p: SGD(p, lr=0.03, momentum=0.5, weight_decay=0.1),
               lambda o, p: o.SGD(p, lr=0.03, momentum=0.5, weight_decay=0.1)),
    'adam': (lambda p: Adam(p, lr=0.05), lambda o, p: o.Adam(p, lr=0.05)),
    'adam_all': (lambda p: Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
                 lambda o, p: o.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_same_trajectory_as_torch(name):
    ours, theirs = CASES[name]
    path = trajectory_ours(ours)
    assert path[-1] != START                                    # 确实在动
    assert_same_path(path, trajectory_torch(theirs))


@pytest.mark.parametrize('cls', ['SGD', 'Adam'])
def test_lr_schedule_matches_torch_lambda_lr(cls):
    decay = lambda t: 1.0 - 0.9 * t / 20                        # micrograd 的线性衰减
    ours = trajectory_ours(lambda p: {'SGD': SGD, 'Adam': Adam}[cls](p, lr=lambda t: 0.05 * decay(t)))
    theirs = trajectory_torch(lambda o, p: getattr(o, cls)(p, lr=0.05), schedule=decay)
    assert_same_path(ours, theirs)


def test_time_decay_is_keras_formula_and_matches_torch_lambda_lr():
    schedule = time_decay(0.05, 1e-6)
    assert schedule(0) == 0.05 and schedule(1000) == 0.05 / (1 + 1e-6 * 1000)
    decay = 0.1                                                 # 大一些，20 步里学习率降到 1/3
    ours = trajectory_ours(lambda p: SGD(p, lr=time_decay(0.03, decay), momentum=0.9, nesterov=True))
    theirs = trajectory_torch(lambda o, p: o.SGD(p, lr=0.03, momentum=0.9, nesterov=True),
                              schedule=lambda t: 1.0 / (1.0 + decay * t))
    assert_same_path(ours, theirs)


def keras_sgd_path(lr, decay, momentum, steps=20):
    """Keras 2 的 SGD（nesterov）逐条写出：v = m·v - lr_t·g；p = p + m·v - lr_t·g，lr_t = lr/(1 + decay·t)。"""
    params = [Value(x) for x in START]
    velocity = [0.0] * len(params)
    path = []
    for t in range(steps):
        for p in params:
            p.grad = 0.0
        objective(params).backward()
        lr_t = lr / (1.0 + decay * t)
        for i, p in enumerate(params):
            velocity[i] = momentum * velocity[i] - lr_t * p.grad
            p.data += momentum * velocity[i] - lr_t * p.grad
        path.append([p.data for p in params])
    return path


def test_keras_sgd_with_decay_is_the_same_walk_up_to_rounding_or_tiny_decay():
    """docstring 里的说法：lr 不变时与 Keras 相同；decay=1e-6 时差别微不足道；decay 大时才看得出来。"""
    def gap(decay):
        ours = trajectory_ours(lambda p: SGD(p, lr=time_decay(0.03, decay), momentum=0.9, nesterov=True))
        return max(abs(a - b) for x, y in zip(ours, keras_sgd_path(0.03, decay, 0.9)) for a, b in zip(x, y))
    assert gap(0.0) < 1e-12 and gap(1e-6) < 1e-5 and gap(0.1) > 0.1          # 实测 2e-16、3e-6、0.22


def test_sgd_step_by_hand_and_zero_grad():
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.5)
    p.grad = 2.0
    opt.step()
    assert p.data == pytest.approx(0.8)               # buf = 2
    opt.step()                                        # 梯度没清零，仍是 2：buf = 0.5·2 + 2 = 3
    assert p.data == pytest.approx(0.5)
    opt.zero_grad()
    assert p.grad == 0.0 and opt.t == 2


def test_accepts_a_generator_of_parameters():
    ps = [Value(1.0), Value(2.0)]
    assert len(Adam(p for p in ps).params) == 2


@pytest.mark.parametrize('call, match', [
    (lambda: SGD([Value(1.0)], lr=-1), r'lr must be >= 0 and finite, got -1'),
    (lambda: Adam([Value(1.0)], lr=-0.1), r'lr must be >= 0'),
    (lambda: SGD([], lr=0.1), 'params must not be empty'),
    (lambda: Adam(iter([])), 'params must not be empty'),
    (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), r'betas\[1\] must be in \[0, 1\)'),
    (lambda: Adam([Value(1.0)], betas=(-0.1, 0.9)), 'betas'),
    (lambda: Adam([Value(1.0)], betas=(0.9,)), 'betas'),
    (lambda: Adam([Value(1.0)], eps=-1e-8), 'eps'),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=-0.5), 'momentum'),
    (lambda: SGD([Value(1.0)], lr=0.1, weight_decay=-1), 'weight_decay'),
    (lambda: SGD([Value(1.0)], lr=0.1, nesterov=True), 'nesterov'),
    (lambda: time_decay(0.05, -1e-6), 'decay must be >= 0'),
    (lambda: time_decay(-0.05, 1e-6), 'lr must be >= 0'),
])
def test_bad_arguments_are_one_line_bilingual_value_errors(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    message = str(info.value)
    assert '\n' not in message and any('\u4e00' <= ch <= '\u9fff' for ch in message)


def test_non_value_params_and_negative_scheduled_lr():
    with pytest.raises(TypeError, match='params must be Values, not float'):
        SGD([1.0], lr=0.1)
    opt = SGD([Value(1.0)], lr=lambda t: 0.1 - t)
    opt.step()
    with pytest.raises(ValueError, match=r'lr\(1\) must be >= 0'):
        opt.step()


# ---------------------------------------------------------------- 一步要么全做，要么不做 (all or nothing)
def make_problem(kind):
    """五个参数，已经走过一步（状态不是零），梯度已经算好，等着下一步。"""
    params = [Value(x) for x in (1.5, -0.7, 0.3, 2.0, 0.0)]
    opt = {'sgd': lambda: SGD(params, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
           'adam': lambda: Adam(params, lr=0.1, weight_decay=0.01)}[kind]()
    grads = [0.5, -1.0, 2.0, 0.0, 3.0]
    for p, g in zip(params, grads):
        p.grad = g
    opt.step()
    for p, g in zip(params, grads):
        p.grad = -g / 2 + 0.25
    return params, opt


def snapshot(params, opt):
    return [p.data for p in params], copy.deepcopy(opt.state), opt.t


@pytest.mark.parametrize('kind', ['sgd', 'adam'])
def test_a_step_that_fails_half_way_changes_nothing(kind):
    params, opt = make_problem(kind)
    params[3].grad = 'oops'                                   # 第 4 个参数的梯度坏了
    before = snapshot(params, opt)
    with pytest.raises(TypeError):
        opt.step()
    assert snapshot(params, opt) == before                    # 前 3 个参数也没动，步数也没变


@pytest.mark.parametrize('kind', ['sgd', 'adam'])
def test_ctrl_c_at_every_moment_of_a_step_leaves_it_undone_or_done(kind):
    """在 step() 的每一条字节码之间按 Ctrl-C：参数、状态和步数要么都是这一步之前的，要么都是之后的。"""
    params, opt = make_problem(kind)
    before = snapshot(params, opt)
    opt.step()
    after = snapshot(params, opt)
    assert after != before
    params, opt = make_problem(kind)
    total = count_events(opt.step, fine_files=['optim.py'])
    assert total > 50                                         # 打断点够密 (dense enough)
    seen = []
    for k in range(1, total + 1):
        params, opt = make_problem(kind)
        interrupter = Interrupter(k, fine_files=['optim.py'])
        with pytest.raises(KeyboardInterrupt):
            interrupter.run(opt.step)
        state = snapshot(params, opt)
        assert state in (before, after), f'half-applied step when interrupted at event {k} of {total}'
        seen.append(state == after)
    assert seen.count(False) > total // 2                     # 几乎都改回去了 (almost all rolled back)


def test_adam_with_eps_0_and_a_zero_gradient_gives_nan_like_torch():
    """eps=0、梯度为 0：m/√v 是 0/0 = nan；梯度小到 g² 下溢 (underflow) 为 0 时是 m/0 = inf。都与 torch 相同，不抛异常。"""
    start, grads = [1.0, 2.0, -1.0, 0.5], [0.5, 0.0, -2.0, 1e-200]
    params = [Value(x) for x in start]
    opt = Adam(params, lr=0.1, eps=0)
    for p, g in zip(params, grads):
        p.grad = g
    opt.step()
    ours = [p.data for p in params]
    assert opt.t == 1 and math.isnan(ours[1]) and ours[3] == -math.inf
    torch = pytest.importorskip('torch')
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    topt = torch.optim.Adam(tensors, lr=0.1, eps=0)
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g, dtype=torch.float64)
    topt.step()
    theirs = [t.item() for t in tensors]
    assert [x if x == x else 'nan' for x in ours] == [x if x == x else 'nan' for x in theirs]
