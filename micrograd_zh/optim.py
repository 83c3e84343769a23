"""优化器 (optimizers)：SGD（动量 momentum、Nesterov、权重衰减 weight decay）和 Adam。

更新公式与 torch.optim 逐条相同，在 float64 上走出同样的轨迹 (trajectory)。用法也相同：

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(100):
        opt.zero_grad()           # 梯度会累加，先清零
        loss = ...
        loss.backward()
        opt.step()                # 按 p.grad 更新 p.data

学习率 (learning rate) lr 可以是数字，也可以是步数 (step count) 的函数 lr(t)，t = 0, 1, 2, ...
是已经走过的步数。例如 micrograd 的线性衰减 (linear decay)：lr=lambda t: 1.0 - 0.9 * t / 100；
Keras 的按时间衰减 (time-based decay) 是 lr=time_decay(0.05, 1e-6)。
"""

import math

from .checks import as_list, finite, keywords, show
from .engine import Value
from .ieee import _div

__all__ = ['Optimizer', 'SGD', 'Adam', 'time_decay']


def _non_negative(name, x):
    """lr、momentum、eps、weight_decay：≥ 0 的有限实数 (a finite real number >= 0)。"""
    return finite(name, x, lambda v: v >= 0, ' ≥ 0 且有限', '>= 0 and finite')


class Optimizer:
    """优化器的基类 (base class)：保存参数列表、学习率、步数 self.t 和每个参数的状态 self.state。

    一步要么全做，要么不做 (all or nothing)：step() 先只读地算出每个参数的新值和新状态，再一起写入；
    写入的半中间出了异常（例如按了 Ctrl-C 的 KeyboardInterrupt），已经写的会被改回去，参数、状态和
    步数 t 都和这一步之前一样，异常照常抛出。数值按 IEEE 754 算，与 PyTorch 相同：例如 Adam(eps=0)
    遇到为 0 的梯度得到 nan，而不是抛出 ZeroDivisionError。
    """

    def __init__(self, params, lr):
        if hasattr(params, 'parameters') and callable(params.parameters):
            raise TypeError(f"params 必须是参数的列表，而不是模型 {type(params).__name__}：请写 model.parameters() "
                            f"(params must be a list of parameters, not the model {type(params).__name__}: "
                            f"pass model.parameters())")
        self.params = as_list('params', params, ' Value ', 'Values')
        if not self.params:
            raise ValueError("params 不能为空：没有要优化的参数 (params must not be empty: nothing to optimize)")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"params[{i}] 必须是 Value，而不是 {type(p).__name__} "
                                f"(params must be Values, not {type(p).__name__}: params[{i}] is {show(p)})")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError("params 里有重复的参数，它会被更新两次 (params contains the same Value twice; "
                             "it would be updated twice)")
        if not callable(lr):
            _non_negative('lr', lr)
        self.lr = lr
        self.t = 0                                    # 已经走过的步数
        self.state = [None] * len(self.params)        # 每个参数的状态，如动量 (momentum)；由子类决定

    def current_lr(self):
        """这一步用的学习率：lr 是函数时为 lr(t)，返回值也要是 ≥ 0 的有限数。"""
        if not callable(self.lr):
            return float(self.lr)
        t = self.t
        try:
            lr = self.lr(t)
        except TypeError as e:
            raise TypeError(f"lr 是函数时要写成 lr(t)，t 是步数；调用 lr({t}) 出错：{show(str(e), 80)} "
                            f"(a learning-rate schedule must take the step count t; lr({t}) failed: "
                            f"{show(str(e), 80)})") from e
        return _non_negative(f'lr({t})', lr)

    def zero_grad(self):
        """把所有参数的 grad 清零。"""
        for p in self.params:
            p.grad = 0.0

    def step(self):
        """走一步 (one update)：按每个参数的 p.grad 更新 p.data，步数 t 加一。先 backward() 再 step()。

        先算后写 (compute first, then write)：出错时什么都没改；写到一半被打断时全部改回去。
        """
        lr = self.current_lr()
        new = [self._update(p, state, lr) for p, state in zip(self.params, self.state)]    # 只读 (read only)
        old = [p.data for p in self.params], self.state, self.t
        try:
            self._write([data for data, _ in new], [state for _, state in new], self.t + 1)
        except BaseException:                         # 例如 Ctrl-C：改回这一步之前 (roll back)
            self._write(*old)
            raise

    def _write(self, data, state, t):
        for p, x in zip(self.params, data):
            p.data = x
        self.state, self.t = state, t

    def _update(self, p, state, lr):
        """算出一个参数的 (新的 p.data, 新的状态)，不改任何东西；子类实现它。"""
        raise NotImplementedError


class SGD(Optimizer):
    """随机梯度下降 (stochastic gradient descent)，与 torch.optim.SGD（dampening=0）相同：

        g = p.grad + weight_decay·p                       权重衰减 (weight decay)，即 L2
        buf = g（第一步），之后 buf = momentum·buf + g      动量 (momentum)：梯度的累积
        g = g + momentum·buf（nesterov）或 g = buf          Nesterov 先“往前看”一步
        p = p - lr·g
    """

    @keywords
    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = _non_negative('momentum', momentum)
        self.weight_decay = _non_negative('weight_decay', weight_decay)
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True 需要 momentum > 0 (nesterov=True requires momentum > 0)")
        self.nesterov = bool(nesterov)

    def _update(self, p, buf, lr):
        """状态是动量缓存 buf（第一步之前是 None）。"""
        g = p.grad
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        if self.momentum:
            buf = g if buf is None else self.momentum * buf + g
            g = g + self.momentum * buf if self.nesterov else buf
        return p.data - lr * g, buf


class Adam(Optimizer):
    """Adam（自适应矩估计 adaptive moment estimation），与 torch.optim.Adam（amsgrad=False）相同：

        g = p.grad + weight_decay·p
        m = β₁·m + (1-β₁)·g                 一阶矩 (first moment)：梯度的滑动平均
        v = β₂·v + (1-β₂)·g²                二阶矩 (second moment)：梯度平方的滑动平均
        p = p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + eps)     偏差修正 (bias correction)，t 从 1 数起
    每个参数的步长按它自己的梯度大小自动缩放，所以对学习率不太敏感。
    """

    @keywords
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas 必须是两个 [0, 1) 中的数，例如 (0.9, 0.999)，而不是 {show(betas)} "
                             f"(betas must be two numbers in [0, 1), e.g. (0.9, 0.999), got {show(betas)})")
        self.betas = tuple(finite(f'betas[{i}]', b, lambda v: 0.0 <= v < 1.0, '在 [0, 1) 中', 'in [0, 1)')
                           for i, b in enumerate(betas))
        self.eps = _non_negative('eps', eps)
        self.weight_decay = _non_negative('weight_decay', weight_decay)
        self.state = [(0.0, 0.0)] * len(self.params)

    def _update(self, p, state, lr):
        """状态是 (m, v)：一阶矩和二阶矩。"""
        beta1, beta2 = self.betas
        t = self.t + 1
        m, v = state
        g = p.grad
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        m = m + (g - m) * (1.0 - beta1)                  # torch 用 lerp 写同一个式子
        v = v * beta2 + g * g * (1.0 - beta2)
        step_size = lr / (1.0 - beta1 ** t)
        denom = math.sqrt(v) / math.sqrt(1.0 - beta2 ** t) + self.eps
        return p.data - step_size * _div(m, denom), (m, v)      # eps=0 且 v=0 时是 0/0 = nan，与 torch 相同


def time_decay(lr, decay):
    """Keras 的按时间衰减 (time-based decay)：第 t 步的学习率 lr_t = lr / (1 + decay·t)，t = 0, 1, 2, ... 是已走的步数。

    返回一个函数 lr(t)，交给优化器的 lr：Keras 的 SGD(lr=0.05, decay=1e-6, momentum=0.9, nesterov=True) 就是
        SGD(model.parameters(), lr=time_decay(0.05, 1e-6), momentum=0.9, nesterov=True)
    一点不同：Keras 把 lr 乘进动量 (momentum) 里，这里与 PyTorch 一样先累积梯度、再乘当步的 lr；
    lr 不变时两者完全相同，lr 变化很慢时（decay=1e-6 走 150 步，lr 只变 0.015%）几乎相同。
    """
    lr = _non_negative('lr', lr)
    decay = _non_negative('decay', decay)

    def schedule(t):
        return lr / (1.0 + decay * t)
    return schedule
