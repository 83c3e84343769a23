"""标量自动微分引擎 (scalar autograd engine).

每个 `Value` 是计算图 (computation graph) 中的一个节点。运算在前向传播 (forward pass) 时
就算出输出对每个输入的局部导数 (local derivative) ∂out/∂child，存进 `_local_grads`。
反向传播 (backpropagation) 因此只剩一个循环，也就是链式法则 (chain rule) 本身：

    child.grad += 局部导数 × 上游梯度      (local × upstream gradient)

节点不保存闭包 (closure)，所以没有引用环 (reference cycle)：损失 (loss) 离开作用域时，
整张图立刻被引用计数 (reference counting) 释放。

每个运算的导数公式只写一次，在 derivatives.py：前向时用 float 算出边上的数；backward(create_graph=True)
时用 Value 算，梯度本身也成了计算图，可以再求导（二阶、三阶导数）。

定义域规则 (domain rule)：与 PyTorch 的 float64 相同，越界的数学运算按 IEEE 754 给出 inf 或 nan
（ieee.py），而不是抛出异常。例如 log(0) = -inf，log(-1) = nan，1/0 = inf，0 ** -1 = inf，
(-8) ** (1/3) = nan，exp(1000) = inf，sqrt(-1) = nan，sin(inf) = nan。局部导数同样遵循此规则。
在 detect_anomaly() 中则相反：第一个产生 inf/nan 的运算立刻抛出 FloatingPointError（modes.py）。

速度 (speed)：热路径 (hot path) 上每个运算只做三件事：算数值、算局部导数、用 _node() 造节点。
图的规模上限和实测数字见 docs/performance.md 与 benchmarks/。
"""

import math
import numbers

from . import derivatives, modes
from .derivatives import masked
from .graph import _interior_nodes, flatten, topological_order
from .ieee import _INF, _cos, _div, _exp, _log, _pow, _sin, _sqrt
from .modes import detect_anomaly, is_grad_enabled, no_grad     # 旧的导入路径照样可用 (old import paths)

__all__ = ['Value', 'Parameter', 'no_grad', 'is_grad_enabled', 'detect_anomaly', 'topological_order']


def _to_float(data, what='data'):
    """把实数 (real number) 转成 float；其他类型抛出 TypeError。"""
    if type(data) is float:            # 最常见，也最快（numbers.Real 的检查要约 0.5 µs）
        return data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} 必须是实数 (int/float)，而不是 {type(data).__name__} "
                        f"({what} must be a real number, not {type(data).__name__})")
    return float(data)


def _check_label(text):
    """label 必须是字符串；micrograd 的 Value(data, (a, b), '+') 把子节点放在第二个位置，这里给出写法。"""
    if isinstance(text, str):
        return text
    kind = type(text).__name__
    if isinstance(text, (tuple, list, set)):
        raise TypeError(f"label 必须是字符串 (str)，而不是 {kind}：micrograd 的 Value(data, (a, b), '+') 在这里写成 a + b，"
                        f"或 Value(data, _prev=(a, b), _op='+', _local_grads=(1.0, 1.0)) (label must be a str, got "
                        f"{kind}: micrograd's Value(data, (a, b), '+') is written a + b here, or "
                        f"Value(data, _prev=(a, b), _op='+', _local_grads=(1.0, 1.0)))")
    raise TypeError(f"label 必须是字符串 (str)，而不是 {kind} {text!r:.40} (label must be a str, got {kind} {text!r:.40})")


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
    if modes.open_count:               # 某个线程在 no_grad() 或 detect_anomaly() 中
        children, op, local_grads = modes.apply_modes(data, children, op, local_grads)
    out._prev = children
    out._op = op
    out._local_grads = local_grads
    return out


_POWER_NAMES = {}


def _power_name(c):
    """x ** c 的运算名，如 '**2'、'**0.5'。名字精确记着 c（求高阶导数时要用）；常用的指数记下来，不必每次格式化。"""
    name = _POWER_NAMES.get(c)
    if name is None:
        name = f'**{c:g}'
        if float(name[2:]) != c:
            name = f'**{c!r}'
        if len(_POWER_NAMES) < 256:
            _POWER_NAMES[c] = name
    return name


# ---------------------------------------------------------------- Value
class Value:
    """计算图中的一个标量节点 (scalar node)。

    data          数值 (value)，float
    grad          ∂L/∂self，最近一次 backward() 的结果（叶子节点会累加，见 backward）
    label         名字，画图时显示；必须是 str
    _prev         子节点 (children) 元组，保持顺序，允许重复（a*a 有两条边指向 a）
    _op           产生它的运算名，如 '+'、'*'、'tanh'
    _local_grads  对每个子节点的局部导数 ∂self/∂child，前向传播时算好

    也可以给节点加自己的属性（如优化器的 p.m，画图工具的 v.color）：它们和 label 一样存在 __dict__ 里，
    只在第一次设置时才分配，没有属性的节点不多占内存。
    """

    __slots__ = ('data', 'grad', '_prev', '_op', '_local_grads', '__dict__')
    _label = ''                         # 没有 label 的节点读到的默认值（不为它新建 __dict__）

    def __init__(self, data, label='', _prev=(), _op='', _local_grads=()):
        if type(data) is not float:
            data = _to_float(data)
        if type(label) is not str:
            _check_label(label)
        if _prev or _local_grads:
            _prev, _local_grads = _check_edges(_prev, _local_grads)
            if modes.open_count:       # no_grad(): 不建边；detect_anomaly(): 检查
                _prev, _op, _local_grads = modes.apply_modes(data, _prev, _op, _local_grads)
        self.data = data
        self.grad = 0.0
        if label:
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
        self._label = _check_label(text)

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
        """乘方 (power)：a ** b。

        b 是数字时是一元运算，只有一条边：∂/∂a = b·a^(b-1)。
        b 是 Value 时有两条边，另加 ∂/∂b = a^b·ln a（a = 0 且 b ≥ 0 时取 0，与 PyTorch 一致）。
        """
        if isinstance(other, Value):
            a, b = self.data, other.data
            out = _pow(a, b)
            return _node(out, (self, other), '**', derivatives.power_values(a, b, out))
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return _refuse(other, '**')
        a, c = self.data, float(other) + 0.0           # + 0.0：指数 -0.0 与 0.0 相同，运算名都是 '**0'
        out = _pow(a, c)
        return _node(out, (self,), _power_name(c), derivatives.power(a, out, c))

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

    def detach(self):
        """一个新的叶子节点 (leaf)，数值相同，但与原来的图断开：梯度不会穿过它（同 PyTorch 的 detach）。"""
        return _leaf(self.data)

    # ------------------------------------------------------------ 反向传播 (backpropagation)
    def _backward(self):
        """只在这一个节点上做一步链式法则 (one chain-rule step at this node)，即 Karpathy 讲座里的 o._backward()：

            每个子节点 child.grad += 局部导数 ∂self/∂child × self.grad

        不清零、不排序，也不往下走：要按讲座那样逐个节点手动反向传播，先设 o.grad = 1.0，
        再按拓扑序的逆序对每个节点调用 _backward()。backward() 就是对所有节点自动做这件事。
        """
        _step(self, self.grad)

    def backward(self, create_graph=False):
        """从本节点出发反向传播 (backpropagation)，算出图中每个节点的 grad = ∂self/∂node。

        按拓扑序 (topological order) 的逆序访问节点，每条边做一次链式法则：
            child.grad += 局部导数 × node.grad
        一个节点被多条路径用到时（如 a*a），各条路径的贡献相加。

        梯度累加 (accumulation)：叶子节点 (leaf，没有子节点的 Value，如参数和输入) 的 grad 在多次
        backward() 之间累加，与 PyTorch 相同；需要时先调用 zero_grad() 或把 grad 设为 0。
        中间节点 (intermediate node) 的 grad 在每次 backward() 开始时清零，只保存这一次的结果。

        create_graph=True（PyTorch 的名字）：每个 grad 是一个 Value，它自己也是一张计算图，可以再求导，
        例如 y.backward(create_graph=True); gx = x.grad; x.grad = 0.0; gx.backward() 之后 x.grad 是 y 的二阶导数。
        只要梯度、不想改 .grad 时用 grad(y, [x])。

        局部导数在前向传播时就存好了：之后再改某个节点的 .data，backward() 仍用旧的局部导数，
        要用新值请重新做一次前向传播。不递归，10⁶ 层的链也可以。在 detect_anomaly() 中，
        第一个 inf/nan 梯度会抛出 FloatingPointError。
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
            if low < upstream < high:          # 有限 (finite)：最常见的情形
                for child, local in zip(node._prev, node._local_grads):
                    child.grad += local * upstream
            else:                              # inf 或 nan：掩码 (mask) 边只传 0，见 _step
                _step(node, upstream)


class Parameter(Value):
    """可训练参数 (trainable parameter)：一个 Value，只是由模型创建、由优化器更新，与 PyTorch 的 nn.Parameter 同义。

    nn 的每个权重和偏置都是 Parameter，所以画图时能按事实 (by fact) 认出参数，而不是按名字去猜。
    运算和 Value 完全相同；运算的结果总是普通的 Value。
    """

    __slots__ = ()


def _check_edges(prev, local_grads):
    """手工造节点时（Value(data, _prev=..., _op=..., _local_grads=...)）：子节点都是 Value，每条边一个局部导数。"""
    prev, local_grads = tuple(prev), tuple(local_grads)
    for i, child in enumerate(prev):
        if not isinstance(child, Value):
            raise TypeError(f"_prev[{i}] 必须是 Value，而不是 {type(child).__name__} "
                            f"(_prev[{i}] must be a Value, not {type(child).__name__})")
    if len(local_grads) != len(prev):
        raise ValueError(f"_local_grads 必须每条边一个：{len(prev)} 个子节点，{len(local_grads)} 个局部导数 "
                         f"(_local_grads needs one per edge: {len(prev)} children, {len(local_grads)} local derivatives)")
    return prev, tuple(_to_float(g, f'_local_grads[{i}]') for i, g in enumerate(local_grads))


def _step(node, upstream, check=False):
    """node 上的一步链式法则，包括掩码 (mask)：掩码边的局部导数按定义是 0（如 x ≤ 0 处的 relu），
    上游梯度是 inf/nan 时也只传 0，与 PyTorch 相同（见 derivatives.masked）。check=True 时检查每个梯度。"""
    for i, (child, local) in enumerate(zip(node._prev, node._local_grads)):
        child.grad += 0.0 if masked(node, i) else local * upstream
        if check:
            modes.check_backward(node, i, child.grad)


# ---------------------------------------------------------------- 梯度作为计算图 (gradients as graphs)
def _check_bool(create_graph):
    if type(create_graph) is not bool:
        raise TypeError(f"create_graph 必须是 True 或 False，而不是 {type(create_graph).__name__} {create_graph!r:.40} "
                        f"(create_graph must be True or False, got {type(create_graph).__name__} {create_graph!r:.40})")


def _require_graph(output):
    """no_grad() 里算出的值留着运算名、没有子节点：对它求导是个错误，不是静静地得到 0（同 PyTorch）。"""
    if output._op and not output._prev:
        raise RuntimeError(f"这个值是在 no_grad() 中由运算 {output._op!r} 算出的，没有计算图，不能反向传播 "
                           f"(this value was computed by {output._op!r} inside no_grad(): it has no graph to backpropagate)")


def _constant(g):
    """create_graph 得到的梯度若是 float（它不依赖任何输入），就包成常数节点：每个梯度都是 Value，都能再求导。"""
    return _leaf(g) if type(g) is float else g


def _store(grads):
    """backward(create_graph=True)：把梯度 (都是 Value) 写进 .grad；叶子照常累加。"""
    for node, g in grads.items():
        g = _constant(g)
        old = node.grad
        node.grad = g if (node._prev or (type(old) is float and old == 0.0)) else old + g
