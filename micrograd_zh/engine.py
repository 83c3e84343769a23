"""标量自动微分引擎 (scalar autograd engine).

每个 `Value` 是计算图 (computation graph) 中的一个节点。运算在前向传播 (forward pass) 时
就算出输出对每个输入的局部导数 (local derivative) ∂out/∂child，存进 `_local_grads`。
反向传播 (backpropagation) 因此只剩一个循环，也就是链式法则 (chain rule) 本身：

    child.grad += 局部导数 × 上游梯度      (local × upstream gradient)

节点不保存闭包 (closure)，所以没有引用环 (reference cycle)：损失 (loss) 离开作用域时，
整张图立刻被引用计数 (reference counting) 释放。

每个运算的导数公式只写一次（derivatives.py）：前向时代入 float，得到边上的数；backward(create_graph=True)
时代入 Value，梯度本身也成了计算图，可以再求导。越界的运算与 PyTorch 的 float64 一样按 IEEE 754 得到
inf 或 nan（ieee.py），如 log(0) = -inf、sqrt(-1) = nan；detect_anomaly() 中则在第一个 inf/nan 处报错（modes.py）。
热路径 (hot path) 上每个运算只做三件事：算数值、算局部导数、用 _node() 造节点（实测见 docs/performance.md）。
"""

import math

from . import derivatives, modes
from .derivatives import masked
from .graph import _interior_nodes, flatten, topological_order
from .ieee import _INF, _cos, _div, _exp, _log, _pow, _sin, _sqrt
from .modes import detect_anomaly, is_grad_enabled, no_grad     # 旧的导入路径照样可用 (old import paths)
from .operands import _check_bool, _check_edges, _check_label, _refuse, _require_graph, _to_float

__all__ = ['Value', 'Parameter', 'no_grad', 'is_grad_enabled', 'detect_anomaly', 'topological_order']


def _as_value(x, op):
    """运算 op 的另一个操作数：Value 原样返回，数变成常数叶子节点（与课程一样画在图上，如 x * 2.0 的 2.0）。"""
    if type(x) is float or type(x) is int:     # 最常见的情形先判断，省去 isinstance
        return _leaf(float(x))
    if isinstance(x, Value):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return _leaf(float(x))
    return _refuse(x, op)


_new = object.__new__


def _leaf(data):
    """造一个叶子节点 (leaf)，与 Value(data) 相同但跳过 __init__ 的检查；data 必须已是 float。"""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._label = ''
    out._prev = out._local_grads = ()
    out._op = ''
    return out


def _node(data, children, op, local_grads):
    """造运算的输出节点，与 Value(data, '', children, op, local_grads) 相同，但跳过 __init__ 的检查（快约 1/4）。"""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._label = ''
    if modes.open_count:               # 某个线程在 no_grad() 或 detect_anomaly() 中
        children, op, local_grads = modes.apply_modes(data, children, op, local_grads)
    out._prev = children
    out._op = op
    out._local_grads = local_grads
    return out


# ---------------------------------------------------------------- Value
class Value:
    """计算图中的一个标量节点 (scalar node)。

    data          数值 (value)，float
    grad          ∂L/∂self，最近一次 backward() 的结果（叶子节点会累加，见 backward）
    label         名字，画图时显示；必须是 str
    _prev         子节点 (children) 元组，保持顺序，允许重复（a*a 有两条边指向 a）
    _op           产生它的运算名，如 '+'、'*'、'tanh'
    _local_grads  对每个子节点的局部导数 ∂self/∂child，前向传播时算好
    只有这几个字段 (__slots__)，不能再加别的属性：加一个 __dict__ 会让每个节点从 216 字节涨到 240 字节
    （Python 3.11，见 docs/performance.md）。要在节点上记东西，用字典 {节点: 值}；参数 (Parameter) 可以有属性。
    """

    __slots__ = ('data', 'grad', '_label', '_prev', '_op', '_local_grads')

    def __init__(self, data, label='', _prev=(), _op='', _local_grads=()):
        if type(data) is not float:
            data = _to_float(data)
        if type(label) is not str:
            _check_label(label)
        if _prev or _local_grads:
            _prev, _local_grads = _check_edges(_prev, _local_grads, Value)
            if modes.open_count:       # no_grad(): 不建边；detect_anomaly(): 检查
                _prev, _op, _local_grads = modes.apply_modes(data, _prev, _op, _local_grads)
        self.data = data
        self.grad = 0.0
        self._label = label
        self._prev = _prev
        self._op = _op
        self._local_grads = _local_grads

    @property
    def label(self):
        """名字 (name)，画图和讲解时显示。必须是 str；赋别的类型（如 e.label = 5）是一行的 TypeError。"""
        return self._label

    @label.setter
    def label(self, text):
        self._label = text if type(text) is str else _check_label(text)

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ''
        return f"Value(data={self.data}, grad={self.grad}{label})"

    def __reduce_ex__(self, protocol):
        """pickle 和 copy.deepcopy：叶子照常；中间节点连同它下面的整张图按拓扑序保存，不递归（graph.flatten）。"""
        return flatten(self) if self._prev else object.__reduce_ex__(self, protocol)

    # ------------------------------------------------------------ 二元运算 (binary ops)
    def __add__(self, other):
        """加法 (addition)：a + b；∂/∂a = 1，∂/∂b = 1。"""
        if type(other) is not Value:
            other = _as_value(other, '+')
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data + other.data, (self, other), '+', (1.0, 1.0))

    def __sub__(self, other):
        """减法 (subtraction)：a - b；∂/∂a = 1，∂/∂b = -1。"""
        if type(other) is not Value:
            other = _as_value(other, '-')
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data - other.data, (self, other), '-', (1.0, -1.0))

    def __mul__(self, other):
        """乘法 (multiplication)：a * b；∂/∂a = b，∂/∂b = a。"""
        if type(other) is not Value:
            other = _as_value(other, '*')
            if other is NotImplemented:
                return NotImplemented
        a, b = self.data, other.data
        out = a * b
        return _node(out, (self, other), '*', derivatives.mul(a, b, out))

    def __truediv__(self, other):
        """除法 (division)：a / b；∂/∂a = 1/b，∂/∂b = -a/b²。b = 0 时得到 inf 或 nan。"""
        if type(other) is not Value:
            other = _as_value(other, '/')
            if other is NotImplemented:
                return NotImplemented
        a, b = self.data, other.data
        out = _div(a, b)
        return _node(out, (self, other), '/', derivatives.div(a, b, out))

    def __pow__(self, other):
        """乘方 (power)：a ** b；∂/∂a = b·aᵇ⁻¹。b 是数字时只有一条边；b 是 Value 时另有 ∂/∂b = aᵇ·ln a。"""
        if isinstance(other, Value):
            a, b = self.data, other.data
            out = _pow(a, b)
            return _node(out, (self, other), '**', derivatives.power_values(a, b, out))
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return _refuse(other, '**')
        a, c = self.data, float(other) + 0.0           # + 0.0：指数 -0.0 与 0.0 相同，运算名都是 '**0'
        out = _pow(a, c)
        return _node(out, (self,), derivatives.power_name(c), derivatives.power(a, out, c))

    def __radd__(self, other):       # other + self，例如 sum([...]) 从 0 开始
        other = _as_value(other, '+')
        return NotImplemented if other is NotImplemented else other + self

    def __rsub__(self, other):       # other - self
        other = _as_value(other, '-')
        return NotImplemented if other is NotImplemented else other - self

    def __rmul__(self, other):       # other * self
        other = _as_value(other, '*')
        return NotImplemented if other is NotImplemented else other * self

    def __rtruediv__(self, other):   # other / self
        other = _as_value(other, '/')
        return NotImplemented if other is NotImplemented else other / self

    def __rpow__(self, other):       # other ** self，例如 2 ** x
        other = _as_value(other, '**')
        return NotImplemented if other is NotImplemented else other ** self

    # ------------------------------------------------------------ 一元运算 (unary ops)
    def __neg__(self):
        """取负 (negation)：-a；∂/∂a = -1。"""
        return _node(-self.data, (self,), 'neg', (-1.0,))

    def exp(self):
        """指数 (exponential)：eˣ；导数就是它自己 eˣ。"""
        x = self.data
        out = _exp(x)
        return _node(out, (self,), 'exp', derivatives.exp(x, out))

    def log(self):
        """自然对数 (natural log)：ln x；导数 1/x。x = 0 得 -inf，x < 0 得 nan。"""
        x = self.data
        out = _log(x)
        return _node(out, (self,), 'log', derivatives.log(x, out))

    def tanh(self):
        """双曲正切 (tanh)：t = tanh x；导数 1 - t²。"""
        x = self.data
        t = math.tanh(x)
        return _node(t, (self,), 'tanh', derivatives.tanh(x, t))

    def sigmoid(self):
        """S 型函数 (sigmoid)：s = 1/(1+e⁻ˣ)；导数 s(1-s)。|x| 很大时也不会溢出 (numerically stable)。"""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)          # x < 0，e ∈ (0, 1)，不会溢出
            s = e / (1.0 + e)
        return _node(s, (self,), 'sigmoid', derivatives.sigmoid(x, s))

    def sin(self):
        """正弦 (sine)：sin x；导数 cos x。x = ±inf 得 nan。"""
        x = self.data
        out = _sin(x)
        return _node(out, (self,), 'sin', derivatives.sin(x, out))

    def cos(self):
        """余弦 (cosine)：cos x；导数 -sin x。x = ±inf 得 nan。"""
        x = self.data
        out = _cos(x)
        return _node(out, (self,), 'cos', derivatives.cos(x, out))

    def sqrt(self):
        """平方根 (square root)：√x；导数 1/(2√x)。x < 0 得 nan，x = 0 处导数是 inf。"""
        x = self.data
        out = _sqrt(x)
        return _node(out, (self,), 'sqrt', derivatives.sqrt(x, out))

    def relu(self):
        """线性整流 (ReLU)：max(0, x)；导数 x > 0 时为 1，x ≤ 0 时为 0（与 PyTorch 一致，nan 进 nan 出）。"""
        x = self.data
        return _node(0.0 if x < 0.0 else x, (self,), 'relu', (0.0 if x <= 0.0 else 1.0,))

    def abs(self):
        """绝对值 (absolute value)：|x|；导数是 x 的符号 ±1，x = 0（以及 nan）处取 0，与 PyTorch 相同。"""
        x = self.data
        return _node(abs(x), (self,), 'abs', (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0,))

    __abs__ = abs                    # 内置的 abs(v) 也是它 (the builtin abs(v) too)

    def detach(self):
        """一个新的叶子节点 (leaf)，数值相同，但与原来的图断开：梯度不会穿过它（同 PyTorch 的 detach）。"""
        return _leaf(self.data)

    # ------------------------------------------------------------ 反向传播 (backpropagation)
    def _backward(self):
        """只在这一个节点上做一步链式法则，即 Karpathy 讲座里的 o._backward()：每个子节点
        child.grad += 局部导数 × self.grad。不清零、不排序、不往下走；backward() 对所有节点自动做这件事。"""
        upstream = self.grad
        if not -_INF < upstream < _INF:        # inf 或 nan：掩码 (mask) 边只传 0，见 _step
            return _step(self, upstream)
        for child, local in zip(self._prev, self._local_grads):
            child.grad += local * upstream

    def backward(self, create_graph=False):
        """反向传播 (backpropagation)：算出图中每个节点的 grad = ∂self/∂node。

        按拓扑序 (topological order) 的逆序访问节点，每条边做一次 child.grad += 局部导数 × node.grad；
        一个节点被多条路径用到时（如 a*a），各条路径的贡献相加。叶子 (leaf) 的 grad 在多次 backward() 之间
        累加（同 PyTorch，需要时先 zero_grad()）；中间节点的 grad 每次先清零。局部导数是前向时存下的：
        之后改 .data 不影响它们。不递归，10⁶ 层的链也可以。create_graph=True 时每个 grad 是一个 Value
        （一张计算图），可以再求导：y.backward(create_graph=True); g = x.grad; x.grad = 0.0; g.backward()。
        """
        _check_bool(create_graph)
        _require_graph(self)
        if create_graph:
            return _store(derivatives.gradients(self, True))
        order = _interior_nodes(self)          # 有子节点的节点，按拓扑序；叶子不必访问
        for node in order:
            node.grad = 0.0
        self.grad += 1.0
        if modes.open_count and modes.anomaly_on():
            for node in reversed(order):
                _step(node, node.grad, check=True)
            return
        low, high = -_INF, _INF
        for node in reversed(order):           # 从 self 往叶子走：链式法则 (chain rule)
            upstream = node.grad
            if upstream:                       # 不是 0。跳过上游为 0 的节点（ReLU 没激活、hinge 已满足）：moons 一步少 19% 的指令
                if low < upstream < high:      # 有限 (finite)：最常见的情形
                    for child, local in zip(node._prev, node._local_grads):
                        child.grad += local * upstream
                else:                          # inf 或 nan：掩码 (mask) 边只传 0，见 _step
                    _step(node, upstream)
            elif not low < sum(node._local_grads) < high:
                _step(node, upstream)          # 上游是 0：每条边加 0，可以跳过；除非有局部导数是 inf/nan（0 × inf = nan）


class Parameter(Value):
    """可训练参数 (trainable parameter)，同 PyTorch 的 nn.Parameter：nn 的权重和偏置都是它，画图时据此认出参数。
    运算和 Value 完全相同，结果是普通的 Value。参数不多，所以可以带自己的属性，如优化器的 p.m、p.v。"""

    __slots__ = ('__dict__',)


def _step(node, upstream, check=False):
    """node 上的一步链式法则，包括掩码 (mask)：掩码边的局部导数按定义是 0（如 x ≤ 0 处的 relu），
    上游梯度是 inf/nan 时也只传 0，与 PyTorch 相同（见 derivatives.masked）。check=True 时检查每个梯度。"""
    for i, (child, local) in enumerate(zip(node._prev, node._local_grads)):
        child.grad += 0.0 if masked(node, i) else local * upstream
        if check:
            modes.check_backward(node, i, child.grad)


def _constant(g):
    """create_graph 得到的梯度若是 float（它不依赖任何输入），就包成常数节点：每个梯度都是 Value，都能再求导。"""
    return _leaf(g) if type(g) is float else g


def _store(grads):
    """backward(create_graph=True)：把梯度 (都是 Value) 写进 .grad；叶子照常累加。"""
    for node, g in grads.items():
        g = _constant(g)
        old = node.grad
        node.grad = g if (node._prev or (type(old) is float and old == 0.0)) else old + g
