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
在 detect_anomaly() 中则相反：第一个产生 inf/nan 的运算立刻抛出 FloatingPointError。

速度 (speed)：热路径 (hot path) 上每个运算只做三件事：算数值、算局部导数、用 _node() 造节点。
图的规模上限和实测数字见 docs/performance.md 与 benchmarks/。
"""

import math
import numbers
import threading
from contextlib import contextmanager
from operator import mul

__all__ = ['Value', 'Parameter', 'no_grad', 'is_grad_enabled', 'detect_anomaly', 'dot', 'add_n',
           'topological_order', 'gradcheck']

_INF = math.inf
_NAN = math.nan


# ---------------------------------------------------------------- 模式 (modes): no_grad, detect_anomaly
class _Modes(threading.local):
    grad_enabled = True     # 每个线程 (thread) 各有一份，新线程默认开启求导、关闭异常检测
    anomaly = False


_modes = _Modes()

# 所有线程里正打开着的模式上下文个数。它为 0 时（训练的常见情形），造节点只需检查这一个全局变量，
# 不必每次去查 threading.local（实测约贵 40 ns/节点）；不为 0 时才查本线程的真实设置。
_open_modes = 0
_open_modes_lock = threading.Lock()


@contextmanager
def _set_mode(name, value):
    global _open_modes
    previous = getattr(_modes, name)
    with _open_modes_lock:
        _open_modes += 1
    setattr(_modes, name, value)
    try:
        yield
    finally:
        setattr(_modes, name, previous)
        with _open_modes_lock:
            _open_modes -= 1


def _set_grad_mode(enabled):
    return _set_mode('grad_enabled', enabled)


def no_grad():
    """在此上下文 (context) 中运算不建立边 (edge)，用于评估 (evaluation)。可嵌套，按线程生效。

    with no_grad():
        pred = model(x)      # pred 没有子节点，不会参与反向传播
    也可以当装饰器 (decorator) 用：@no_grad()
    """
    return _set_grad_mode(False)


def is_grad_enabled():
    """当前线程是否记录计算图 (whether graph recording is on in this thread)。"""
    return _modes.grad_enabled


def detect_anomaly():
    """异常检测 (anomaly detection)：在此上下文中，第一个得到 inf 或 nan 的运算抛出 FloatingPointError。

    前向传播 (forward pass) 检查每个运算的输出和局部导数；backward() 检查传给每个子节点的梯度。
    报错信息写明运算名、输入的数值和 label，便于找到出问题的那一步。可嵌套，按线程生效；
    不在其中时按模块开头的 IEEE 定义域规则给出 inf/nan，不报错。关闭时几乎不花时间。

    with detect_anomaly():
        loss = model(x).log()      # 若某个输入是 0：FloatingPointError，指出是 'log'
        loss.backward()
    """
    return _set_mode('anomaly', True)


def _describe(children, shown=6):
    """输入的简短描述，如 `x=0.0, 2.0`（有 label 的写出 label）；太多时只写前几个。"""
    text = ', '.join(f'{c.label}={c.data!r}' if c.label else repr(c.data) for c in children[:shown])
    if len(children) > shown:
        text += f', …（共 {len(children)} 个 / {len(children)} in all）'
    return text


def _not_finite(x):
    return x - x != 0.0          # inf - inf 和 nan - nan 都是 nan，nan != 0；有限数得 0


def _check_forward(data, children, op, local_grads):
    inputs = _describe(children)
    if _not_finite(data):
        raise FloatingPointError(
            f"detect_anomaly: 运算 {op!r} 的输出是 {data!r}，输入 {inputs} "
            f"(op {op!r} produced {data!r} from inputs {inputs})")
    for i, local in enumerate(local_grads):
        if _not_finite(local):
            raise FloatingPointError(
                f"detect_anomaly: 运算 {op!r} 对第 {i} 个输入的局部导数是 {local!r}，输入 {inputs} "
                f"(op {op!r} has local derivative {local!r} for input {i}; inputs {inputs})")


def _check_backward(node, i, grad):
    inputs = _describe(node._prev)
    raise FloatingPointError(
        f"detect_anomaly: 反向传播时运算 {node._op!r} 传给第 {i} 个输入的梯度是 {grad!r}，输入 {inputs} "
        f"(backward: op {node._op!r} passed gradient {grad!r} to input {i}; inputs {inputs})")


def _apply_modes(data, children, op, local_grads):
    """有模式打开时才调用：按本线程的设置检查数值，或丢掉边 (no_grad)。"""
    if _modes.anomaly:
        _check_forward(data, children, op, local_grads)
    if not _modes.grad_enabled:
        return (), '', ()
    return children, op, local_grads


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
    if type(data) is float:            # 最常见，也最快（numbers.Real 的检查要约 0.5 µs）
        return data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} 必须是实数 (int/float)，而不是 {type(data).__name__} "
                        f"({what} must be a real number, not {type(data).__name__})")
    return float(data)


def _as_value(x, op):
    """运算 op 的另一个操作数 (operand)：Value 原样返回，int/float 变成常数节点，其他交给 _refuse。

    常数 (constant) 是一个叶子节点，与 micrograd 课程里一样会画在图上（x * 2.0 的 2.0）。
    """
    if type(x) is float or type(x) is int:     # 最常见的情形先判断，省去 isinstance
        return _leaf(float(x))
    if isinstance(x, Value):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return _leaf(float(x))
    return _refuse(x, op)


# 学习者常犯的错：这些类型不会是数，直接给出一行中英文的 TypeError。
_NOT_NUMBERS = (str, bytes, list, tuple, dict, set, type(None), bool, complex)


def _refuse(x, op):
    """不能参与运算的操作数：常见的错误类型抛出一行双语 TypeError；其他类型返回 NotImplemented，
    让对方的类型（例如 numpy 数组）有机会处理，最后由 Python 报错。"""
    if isinstance(x, _NOT_NUMBERS):
        name = type(x).__name__
        raise TypeError(f"运算 {op} 的另一边必须是 Value、int 或 float，而不是 {name} "
                        f"(the other operand of {op} must be a Value, int or float, not {name})")
    return NotImplemented


_new = object.__new__


def _leaf(data):
    """造一个叶子节点 (leaf)，与 Value(data) 相同但跳过 __init__ 的检查；data 必须已是 float。"""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ''
    out._prev = out._local_grads = ()
    out._op = ''
    return out


def _node(data, children, op, local_grads):
    """造一个运算的输出节点 (output node of an op)，与 Value(data, '', children, op, local_grads) 相同。

    热路径 (hot path)：跳过 __init__ 的类型检查（运算的结果总是 float），快约 1/4。
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ''
    if _open_modes:                    # 某个线程在 no_grad() 或 detect_anomaly() 中
        children, op, local_grads = _apply_modes(data, children, op, local_grads)
    out._prev = children
    out._op = op
    out._local_grads = local_grads
    return out


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
        if _prev and _open_modes:                 # no_grad(): 不建边；detect_anomaly(): 检查
            _prev, _op, _local_grads = _apply_modes(data, _prev, _op, _local_grads)
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
        return _node(a * b, (self, other), '*', (b, a))

    def __truediv__(self, other):
        """除法 (division)：a / b；∂/∂a = 1/b，∂/∂b = -a/b²。b = 0 时得到 inf 或 nan。"""
        if type(other) is not Value:
            other = _as_value(other, '/')
            if other is NotImplemented:
                return NotImplemented
        a, b = self.data, other.data
        return _node(_div(a, b), (self, other), '/', (_div(1.0, b), _div(-a, b * b)))

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
            return _node(out, (self, other), '**', (da, db))
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return _refuse(other, '**')
        a, b = self.data, float(other)
        da = 0.0 if b == 0.0 else b * _pow(a, b - 1.0)
        return _node(_pow(a, b), (self,), f'**{b:g}', (da,))

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
        out = _exp(self.data)
        return _node(out, (self,), 'exp', (out,))

    def log(self):
        """自然对数 (natural log)：ln x；导数 1/x。x = 0 得 -inf，x < 0 得 nan。"""
        x = self.data
        return _node(_log(x), (self,), 'log', (_div(1.0, x),))

    def tanh(self):
        """双曲正切 (tanh)：t = tanh x；导数 1 - t²。"""
        t = math.tanh(self.data)
        return _node(t, (self,), 'tanh', (1.0 - t * t,))

    def relu(self):
        """线性整流 (ReLU)：max(0, x)；导数 x > 0 时为 1，x ≤ 0 时为 0（与 PyTorch 一致，nan 进 nan 出）。"""
        x = self.data
        return _node(0.0 if x < 0.0 else x, (self,), 'relu', (0.0 if x <= 0.0 else 1.0,))

    def sigmoid(self):
        """S 型函数 (sigmoid)：s = 1/(1+e⁻ˣ)；导数 s(1-s)。|x| 很大时也不会溢出 (numerically stable)。"""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)          # x < 0，e ∈ (0, 1)，不会溢出
            s = e / (1.0 + e)
        return _node(s, (self,), 'sigmoid', (s * (1.0 - s),))

    # ------------------------------------------------------------ 反向传播 (backpropagation)
    def _backward(self):
        """只在这一个节点上做一步链式法则 (one chain-rule step at this node)，即 Karpathy 讲座里的 o._backward()：

            每个子节点 child.grad += 局部导数 ∂self/∂child × self.grad

        不清零、不排序，也不往下走：要按讲座那样逐个节点手动反向传播，先设 o.grad = 1.0，
        再按拓扑序的逆序对每个节点调用 _backward()。backward() 就是对所有节点自动做这件事。
        """
        upstream = self.grad
        for child, local in zip(self._prev, self._local_grads):
            child.grad += local * upstream

    def backward(self):
        """从本节点出发反向传播 (backpropagation)，算出图中每个节点的 grad = ∂self/∂node。

        按拓扑序 (topological order) 的逆序访问节点，每条边做一次链式法则：
            child.grad += 局部导数 × node.grad
        一个节点被多条路径用到时（如 a*a），各条路径的贡献相加。

        梯度累加 (accumulation)：叶子节点 (leaf，没有子节点的 Value，如参数和输入) 的 grad 在多次
        backward() 之间累加，与 PyTorch 相同；需要时先调用 zero_grad() 或把 grad 设为 0。
        中间节点 (intermediate node) 的 grad 在每次 backward() 开始时清零，只保存这一次的结果。

        局部导数在前向传播时就存好了：之后再改某个节点的 .data，backward() 仍用旧的局部导数，
        要用新值请重新做一次前向传播。不递归，10⁶ 层的链也可以。在 detect_anomaly() 中，
        第一个 inf/nan 梯度会抛出 FloatingPointError。
        """
        order = _interior_nodes(self)          # 有子节点的节点，按拓扑序；叶子不必访问
        for node in order:
            node.grad = 0.0
        self.grad += 1.0
        if _open_modes and _modes.anomaly:
            return _backward_checking(order)
        for node in reversed(order):           # 从 self 往叶子走：链式法则 (chain rule)
            upstream = node.grad
            for child, local in zip(node._prev, node._local_grads):
                child.grad += local * upstream


class Parameter(Value):
    """可训练参数 (trainable parameter)：一个 Value，只是由模型创建、由优化器更新，与 PyTorch 的 nn.Parameter 同义。

    nn 的每个权重和偏置都是 Parameter，所以画图时能按事实 (by fact) 认出参数，而不是按名字去猜。
    运算和 Value 完全相同；运算的结果总是普通的 Value。
    """

    __slots__ = ()


def _backward_checking(order):
    """detect_anomaly() 中的 backward()：同一个循环，每条边检查梯度是否有限 (finite)。"""
    for node in reversed(order):
        upstream = node.grad
        for i, (child, local) in enumerate(zip(node._prev, node._local_grads)):
            child.grad += local * upstream
            if _not_finite(child.grad):        # inf/nan 加任何数都还是 inf/nan，所以只查和
                _check_backward(node, i, child.grad)


# ---------------------------------------------------------------- n 元运算 (n-ary ops)
_VALUE_TYPES = (Value, Parameter)      # 快速路径 (fast path) 认得的类型：type(x) in 元组，比 isinstance 快


def add_n(values):
    """n 元求和 (n-ary sum)：Σ vᵢ 作为一个节点，有 n 条边，每条局部导数为 1。数字也可以，但不建边。"""
    values = list(values)
    datas = [v.data for v in values if type(v) in _VALUE_TYPES]
    if len(datas) == len(values):              # 常见情形：全是 Value
        prev, total = values, sum(datas, 0.0)
    else:
        prev, total = [], 0.0
        for i, v in enumerate(values):
            if isinstance(v, Value):
                prev.append(v)
                total += v.data
            else:
                total += _to_float(v, f'values[{i}]')
    return _node(total, tuple(prev), 'Σ', (1.0,) * len(prev))


def dot(weights, inputs, bias=0.0):
    """点积加偏置 (dot product plus bias)：Σ wᵢxᵢ + b 作为一个节点（神经元的预激活 pre-activation）。

    ∂/∂wᵢ = xᵢ，∂/∂xᵢ = wᵢ，∂/∂b = 1。每个 Value 一条边（顺序 w₀…wₙ₋₁, x₀…xₙ₋₁, b）；
    数字 (int/float) 只参与计算，不建边。n 个输入时最多 2n+1 条边，而不是 2n 个二元节点。
    """
    weights, inputs = list(weights), list(inputs)
    n = len(weights)
    if n != len(inputs):
        raise ValueError(f"dot 的两组长度不同：{n} 个权重，{len(inputs)} 个输入 "
                         f"(dot: {n} weights but {len(inputs)} inputs)")
    if isinstance(bias, Value):
        tail, tail_local, total = (bias,), (1.0,), bias.data
    else:
        tail, tail_local, total = (), (), _to_float(bias, 'bias')
    wd = [w.data for w in weights if type(w) in _VALUE_TYPES]
    xd = [x.data for x in inputs if type(x) in _VALUE_TYPES]
    if len(wd) == n and len(xd) == n:          # 常见情形一：全是 Value（隐藏层），边和局部导数一次拼好
        edges, local = (*weights, *inputs, *tail), (*xd, *wd, *tail_local)
        total += sum(map(mul, wd, xd))
    elif len(wd) == n and len([x for x in inputs if type(x) is float]) == n:
        edges, local = (*weights, *tail), (*inputs, *tail_local)   # 情形二：输入是数据，只有权重有边
        total += sum(map(mul, wd, inputs))
    else:                                      # 其余情形：逐个判断，数字只参与计算，不建边
        w_edges, x_edges, w_local, x_local = [], [], [], []
        for i, (w, x) in enumerate(zip(weights, inputs)):
            a = w.data if isinstance(w, Value) else _to_float(w, f'weights[{i}]')
            b = x.data if isinstance(x, Value) else _to_float(x, f'inputs[{i}]')
            total += a * b
            if isinstance(w, Value):
                w_edges.append(w)
                w_local.append(b)
            if isinstance(x, Value):
                x_edges.append(x)
                x_local.append(a)
        edges, local = (*w_edges, *x_edges, *tail), (*w_local, *x_local, *tail_local)
    return _node(total, edges, 'Σ', local)


# ---------------------------------------------------------------- 图的遍历 (graph traversal)
def _interior_nodes(root):
    """root 之下所有有子节点的节点 (interior nodes)，按拓扑序：每个节点排在用到它的节点之前。

    用显式的栈 (explicit stack) 做深度优先搜索 (DFS)，不用递归，所以再深的图也不会 RecursionError。
    栈里只放节点本身：节点第一次弹出时展开，在它上面压一个 None 记号 (marker) 和它的子节点；
    再遇到记号时子节点都已排好，轮到它自己。这样不为每个节点新建元组或迭代器，深链快约 4 倍。
    """
    order, seen, stack = [], set(), [root]
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        if node is None:                       # 记号：它下面那个节点的子节点都已排好
            order.append(pop())
        elif node._prev and node not in seen:
            seen.add(node)
            push(node)
            push(None)
            for child in reversed(node._prev):  # 倒着压栈，第一个子节点先展开：图里 x1 排在 x2 前面
                if child._prev and child not in seen:
                    push(child)
    return order


def topological_order(root):
    """返回 root 所在计算图的拓扑序 (topological order)：每个节点都排在用到它的节点之前，root 在最后。

    包括叶子节点 (leaf)：每个叶子排在第一个用到它的节点之前。不会递归，再深的图也可以。
    """
    order, seen = [], set()
    for node in _interior_nodes(root):
        for child in node._prev:
            if not child._prev and child not in seen:
                seen.add(child)
                order.append(child)
        order.append(node)
    return order or [root]


# ---------------------------------------------------------------- 梯度检验 (gradient check)
def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """用中心有限差分 (central finite differences) 检验 backward() 算出的梯度。

    fn 把一组 Value 映射成一个 Value；inputs 是数字（或 Value，取其 data）。
    对每个输入 i：数值梯度 = (f(xᵢ+eps) - f(xᵢ-eps)) / (2·eps)，
    要求 |解析梯度 - 数值梯度| ≤ atol + rtol·|数值梯度|。
    全部通过返回 True；否则抛出 AssertionError，写明输入序号、解析梯度和数值梯度。
    """
    xs = [x.data if isinstance(x, Value) else _to_float(x, f'inputs[{i}]')
          for i, x in enumerate(inputs)]

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
