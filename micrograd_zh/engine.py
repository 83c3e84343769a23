"""标量自动微分引擎 (scalar autograd engine).

每个 `Value` 是计算图 (computation graph) 中的一个节点。运算在前向传播 (forward pass) 时
就算出输出对每个输入的局部导数 (local derivative) ∂out/∂child，存进 `_local_grads`。
反向传播 (backpropagation) 因此只剩一个循环，也就是链式法则 (chain rule) 本身：

    child.grad += 局部导数 × 上游梯度      (local × upstream gradient)

节点不保存闭包 (closure)，所以没有引用环 (reference cycle)：损失 (loss) 离开作用域时，
整张图立刻被引用计数 (reference counting) 释放。

定义域规则 (domain rule)：与 PyTorch 的 float64 相同，越界的数学运算按 IEEE 754 给出
inf 或 nan，而不是抛出异常。例如 log(0) = -inf，log(-1) = nan，1/0 = inf，
0 ** -1 = inf，(-8) ** (1/3) = nan，exp(1000) = inf。局部导数同样遵循此规则。
"""

import math
import numbers
import threading
from contextlib import contextmanager

__all__ = ['Value', 'no_grad', 'is_grad_enabled', 'dot', 'add_n',
           'topological_order', 'gradcheck']

_INF = math.inf
_NAN = math.nan


# ---------------------------------------------------------------- 求导开关 (grad mode)
class _GradMode(threading.local):
    enabled = True          # 每个线程 (thread) 各有一份，新线程默认开启


_grad_mode = _GradMode()


@contextmanager
def _set_grad_mode(enabled):
    previous = _grad_mode.enabled
    _grad_mode.enabled = enabled
    try:
        yield
    finally:
        _grad_mode.enabled = previous


def no_grad():
    """在此上下文 (context) 中运算不建立边 (edge)，用于评估 (evaluation)。可嵌套，按线程生效。

    with no_grad():
        pred = model(x)      # pred 没有子节点，不会参与反向传播
    也可以当装饰器 (decorator) 用：@no_grad()
    """
    return _set_grad_mode(False)


def is_grad_enabled():
    """当前线程是否记录计算图 (whether graph recording is on in this thread)。"""
    return _grad_mode.enabled


# ---------------------------------------------------------------- IEEE 754 的安全算术 (safe arithmetic)
# Python 的 float 在除以零、溢出 (overflow) 和定义域错误时抛异常；PyTorch 给出 inf/nan。
# 下面三个函数把 Python 的行为改成 IEEE 754 的行为。

def _div(a, b):
    try:
        return a / b
    except ZeroDivisionError:                      # b 是 ±0
        if a == 0.0 or a != a:                     # 0/0 和 nan/0 是 nan
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def _pow(a, b):
    try:
        return math.pow(a, b)
    except ValueError:                             # 0 的负数次幂，或负数的非整数次幂
        if a == 0.0:
            odd = b.is_integer() and b % 2 == 1
            return math.copysign(_INF, a) if odd else _INF
        return _NAN
    except OverflowError:
        odd = b.is_integer() and b % 2 == 1
        return -_INF if (a < 0.0 and odd) else _INF


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _log(x):
    if x > 0.0 or x != x:                          # 正数、inf 和 nan
        return math.log(x)
    return -_INF if x == 0.0 else _NAN


def _to_float(data, what='data'):
    """把实数 (real number) 转成 float；其他类型抛出 TypeError。"""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} 必须是实数 (int/float)，而不是 {type(data).__name__} "
                        f"({what} must be a real number, not {type(data).__name__})")
    return float(data)


def _as_value(x):
    """运算的另一个操作数 (operand)：Value 原样返回，int/float 变成常数节点，其他返回 NotImplemented。"""
    if isinstance(x, Value):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return Value(float(x))
    return NotImplemented


# ---------------------------------------------------------------- Value
class Value:
    """计算图中的一个标量节点 (scalar node)。

    data          数值 (value)，float
    grad          ∂L/∂self，最近一次 backward() 的结果（叶子节点会累加，见 backward）
    label         名字，画图时显示
    _prev         子节点 (children) 元组，保持顺序，允许重复（a*a 有两条边指向 a）
    _op           产生它的运算名，如 '+'、'*'、'tanh'
    _local_grads  对每个子节点的局部导数 ∂self/∂child，前向传播时算好
    """

    __slots__ = ('data', 'grad', 'label', '_prev', '_op', '_local_grads')

    def __init__(self, data, label='', _prev=(), _op='', _local_grads=()):
        if type(data) is not float:
            data = _to_float(data)
        if _prev and not _grad_mode.enabled:      # no_grad(): 不建边
            _prev = _local_grads = ()
            _op = ''
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = _prev
        self._op = _op
        self._local_grads = _local_grads

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ''
        return f"Value(data={self.data}, grad={self.grad}{label})"

    # ------------------------------------------------------------ 二元运算 (binary ops)
    def __add__(self, other):
        """加法 (addition)：a + b；∂/∂a = 1，∂/∂b = 1。"""
        other = _as_value(other)
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data + other.data, '', (self, other), '+', (1.0, 1.0))

    def __sub__(self, other):
        """减法 (subtraction)：a - b；∂/∂a = 1，∂/∂b = -1。"""
        other = _as_value(other)
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data - other.data, '', (self, other), '-', (1.0, -1.0))

    def __mul__(self, other):
        """乘法 (multiplication)：a * b；∂/∂a = b，∂/∂b = a。"""
        other = _as_value(other)
        if other is NotImplemented:
            return NotImplemented
        a, b = self.data, other.data
        return Value(a * b, '', (self, other), '*', (b, a))

    def __truediv__(self, other):
        """除法 (division)：a / b；∂/∂a = 1/b，∂/∂b = -a/b²。b = 0 时得到 inf 或 nan。"""
        other = _as_value(other)
        if other is NotImplemented:
            return NotImplemented
        a, b = self.data, other.data
        return Value(_div(a, b), '', (self, other), '/', (_div(1.0, b), _div(-a, b * b)))

    def __pow__(self, other):
        """乘方 (power)：a ** b。

        b 是数字时是一元运算，只有一条边：∂/∂a = b·a^(b-1)。
        b 是 Value 时有两条边，另加 ∂/∂b = a^b·ln a（a = 0 且 b ≥ 0 时取 0，与 PyTorch 一致）。
        """
        if isinstance(other, Value):
            a, b = self.data, other.data
            out = _pow(a, b)
            da = 0.0 if b == 0.0 else b * _pow(a, b - 1.0)
            db = 0.0 if (a == 0.0 and b >= 0.0) else out * _log(a)
            return Value(out, '', (self, other), '**', (da, db))
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return NotImplemented
        a, b = self.data, float(other)
        da = 0.0 if b == 0.0 else b * _pow(a, b - 1.0)
        return Value(_pow(a, b), '', (self,), f'**{b:g}', (da,))

    def __radd__(self, other):       # other + self，例如 sum([...]) 从 0 开始
        other = _as_value(other)
        return NotImplemented if other is NotImplemented else other + self

    def __rsub__(self, other):       # other - self
        other = _as_value(other)
        return NotImplemented if other is NotImplemented else other - self

    def __rmul__(self, other):       # other * self
        other = _as_value(other)
        return NotImplemented if other is NotImplemented else other * self

    def __rtruediv__(self, other):   # other / self
        other = _as_value(other)
        return NotImplemented if other is NotImplemented else other / self

    def __rpow__(self, other):       # other ** self，例如 2 ** x
        other = _as_value(other)
        return NotImplemented if other is NotImplemented else other ** self

    # ------------------------------------------------------------ 一元运算 (unary ops)
    def __neg__(self):
        """取负 (negation)：-a；∂/∂a = -1。"""
        return Value(-self.data, '', (self,), 'neg', (-1.0,))

    def exp(self):
        """指数 (exponential)：eˣ；导数就是它自己 eˣ。"""
        out = _exp(self.data)
        return Value(out, '', (self,), 'exp', (out,))

    def log(self):
        """自然对数 (natural log)：ln x；导数 1/x。x = 0 得 -inf，x < 0 得 nan。"""
        x = self.data
        return Value(_log(x), '', (self,), 'log', (_div(1.0, x),))

    def tanh(self):
        """双曲正切 (tanh)：t = tanh x；导数 1 - t²。"""
        t = math.tanh(self.data)
        return Value(t, '', (self,), 'tanh', (1.0 - t * t,))

    def relu(self):
        """线性整流 (ReLU)：max(0, x)；导数 x > 0 时为 1，x ≤ 0 时为 0（与 PyTorch 一致，nan 进 nan 出）。"""
        x = self.data
        return Value(0.0 if x < 0.0 else x, '', (self,), 'relu', (0.0 if x <= 0.0 else 1.0,))

    def sigmoid(self):
        """S 型函数 (sigmoid)：s = 1/(1+e⁻ˣ)；导数 s(1-s)。|x| 很大时也不会溢出 (numerically stable)。"""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)          # x < 0，e ∈ (0, 1)，不会溢出
            s = e / (1.0 + e)
        return Value(s, '', (self,), 'sigmoid', (s * (1.0 - s),))

    # ------------------------------------------------------------ 反向传播 (backpropagation)
    def backward(self):
        """从本节点出发反向传播 (backpropagation)，算出图中每个节点的 grad = ∂self/∂node。

        按拓扑序 (topological order) 的逆序访问节点，每条边做一次链式法则：
            child.grad += 局部导数 × node.grad
        一个节点被多条路径用到时（如 a*a），各条路径的贡献相加。

        梯度累加 (accumulation)：叶子节点 (leaf，没有子节点的 Value，如参数和输入) 的 grad 在多次
        backward() 之间累加，与 PyTorch 相同；需要时先调用 zero_grad() 或把 grad 设为 0。
        中间节点 (intermediate node) 的 grad 在每次 backward() 开始时清零，只保存这一次的结果。
        """
        order = topological_order(self)
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            upstream = node.grad
            for child, local in zip(node._prev, node._local_grads):
                child.grad += local * upstream


# ---------------------------------------------------------------- n 元运算 (n-ary ops)
def add_n(values):
    """n 元求和 (n-ary sum)：Σ vᵢ 作为一个节点，有 n 条边，每条局部导数为 1。数字也可以，但不建边。"""
    prev, total = [], 0.0
    for v in values:
        if isinstance(v, Value):
            prev.append(v)
            total += v.data
        else:
            total += _to_float(v, 'add_n 的元素 (element)')
    return Value(total, '', tuple(prev), 'Σ', (1.0,) * len(prev))


def dot(weights, inputs, bias=0.0):
    """点积加偏置 (dot product plus bias)：Σ wᵢxᵢ + b 作为一个节点（神经元的预激活 pre-activation）。

    ∂/∂wᵢ = xᵢ，∂/∂xᵢ = wᵢ，∂/∂b = 1。每个 Value 一条边；数字 (int/float) 只参与计算，不建边。
    n 个输入时最多 2n+1 条边，而不是 2n 个二元节点。
    """
    weights, inputs = list(weights), list(inputs)
    if len(weights) != len(inputs):
        raise ValueError(f"dot 的两组长度不同：{len(weights)} 个权重，{len(inputs)} 个输入 "
                         f"(dot: {len(weights)} weights but {len(inputs)} inputs)")
    prev, local, total = [], [], 0.0
    for w, x in zip(weights, inputs):
        wd = w.data if isinstance(w, Value) else _to_float(w, 'dot 的权重 (weight)')
        xd = x.data if isinstance(x, Value) else _to_float(x, 'dot 的输入 (input)')
        total += wd * xd
        if isinstance(w, Value):
            prev.append(w)
            local.append(xd)
        if isinstance(x, Value):
            prev.append(x)
            local.append(wd)
    if isinstance(bias, Value):
        prev.append(bias)
        local.append(1.0)
        total += bias.data
    else:
        total += _to_float(bias, 'dot 的偏置 (bias)')
    return Value(total, '', tuple(prev), 'Σ', tuple(local))


# ---------------------------------------------------------------- 图的遍历 (graph traversal)
def topological_order(root):
    """返回 root 所在计算图的拓扑序 (topological order)：每个节点都排在用到它的节点之前，root 在最后。

    用显式的栈 (explicit stack) 做深度优先搜索 (DFS)，不用递归，所以再深的图也不会 RecursionError。
    """
    order, seen = [], {root}
    stack = [(root, iter(root._prev))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(child._prev)))
                break
        else:                        # 所有子节点都已排好：轮到它自己
            stack.pop()
            order.append(node)
    return order


# ---------------------------------------------------------------- 梯度检验 (gradient check)
def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """用中心有限差分 (central finite differences) 检验 backward() 算出的梯度。

    fn 把一组 Value 映射成一个 Value；inputs 是数字（或 Value，取其 data）。
    对每个输入 i：数值梯度 = (f(xᵢ+eps) - f(xᵢ-eps)) / (2·eps)，
    要求 |解析梯度 - 数值梯度| ≤ atol + rtol·|数值梯度|。
    全部通过返回 True；否则抛出 AssertionError，写明输入序号、解析梯度和数值梯度。
    """
    xs = [x.data if isinstance(x, Value) else _to_float(x, 'gradcheck 的输入 (input)')
          for x in inputs]

    def evaluate(values):
        out = fn(values)
        if not isinstance(out, Value):
            raise TypeError(f"fn 必须返回 Value，而不是 {type(out).__name__} "
                            f"(fn must return a Value, not {type(out).__name__})")
        return out

    leaves = [Value(x) for x in xs]
    with _set_grad_mode(True):
        evaluate(leaves).backward()
    with no_grad():
        for i, x in enumerate(xs):
            plus = evaluate([Value(x + eps) if j == i else Value(v) for j, v in enumerate(xs)])
            minus = evaluate([Value(x - eps) if j == i else Value(v) for j, v in enumerate(xs)])
            numeric = (plus.data - minus.data) / (2.0 * eps)
            analytic = leaves[i].grad
            if not abs(analytic - numeric) <= atol + rtol * abs(numeric):
                raise AssertionError(
                    f"输入 {i} 的梯度不符：解析 (analytic) {analytic!r}，数值 (numeric) {numeric!r} "
                    f"(gradient mismatch at input {i}: analytic {analytic!r}, numeric {numeric!r})")
    return True
