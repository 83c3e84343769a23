"""每个运算的局部导数 (local derivative)，只写一次 (stated once)。

一个公式两种用法：
- 前向传播 (forward pass) 时用 float 调用它，得到存在边上的数 _local_grads（backward() 和图上用的就是它们）；
- backward(create_graph=True) 时用 Value 调用同一个函数（子节点和节点本身），得到局部导数的计算图，
  梯度于是也成了计算图，可以再求导：二阶、三阶导数 (higher-order derivatives)。

所以公式里只用对 float 和 Value 都成立的运算：+ - * /、比较数值，以及 ieee 里的 _div、_pow、_log、_sin、_cos
（对 Value 它们就是对应的运算）。每个函数的参数是运算的输入和输出 out，返回对每个输入的局部导数。

局部导数是常数的运算不需要函数：+、-、neg、Σ（求和）的导数是 ±1，relu 和 abs 的导数是 0、±1 这样的
分段常数 (piecewise constant)；存下的数本身就是它们的"图"（常数的导数是 0）。

文件最后是链式法则的字典版 gradients()：grad() 和 backward(create_graph=True) 用它，不改 .grad。
"""

from contextlib import nullcontext

from . import modes
from .graph import _interior_nodes
from .ieee import _cos, _div, _log, _pow, _sin


def mul(a, b, out):
    """∂(a·b)/∂a = b，∂(a·b)/∂b = a。"""
    return b, a


def div(a, b, out):
    """∂(a/b)/∂a = 1/b，∂(a/b)/∂b = -a/b²，写成 -(a/b)/b：a、b 很小或很大时不会先上溢或下溢 (overflow)。"""
    return _div(1.0, b), _div(-out, b)


def power(a, out, c):
    """a 的常数次幂 aᶜ：∂/∂a = c·aᶜ⁻¹。c = 0 时结果恒为 1，导数是掩码 (mask) 0。"""
    return (0.0 if c == 0.0 else c * _pow(a, c - 1.0),)


_POWER_NAMES = {}


def power_name(c):
    """x ** c 的运算名，如 '**2'、'**0.5'。名字精确记着 c（求高阶导数时要用）；常用的指数记下来，不必每次格式化。"""
    name = _POWER_NAMES.get(c)
    if name is None:
        name = f'**{c:g}'
        if float(name[2:]) != c:
            name = f'**{c!r}'
        if len(_POWER_NAMES) < 256:
            _POWER_NAMES[c] = name
    return name


def power_values(a, b, out):
    """a ** b，两边都是 Value：∂/∂a = b·aᵇ⁻¹（b = 0 时是掩码 0），∂/∂b = aᵇ·ln a（a = 0 且 b ≥ 0 时取 0，同 PyTorch）。"""
    an, bn = (a, b) if type(a) is float else (a.data, b.data)      # 掩码按数值判断 (masks look at numbers)
    da = 0.0 if bn == 0.0 else b * _pow(a, b - 1.0)
    db = 0.0 if (an == 0.0 and bn >= 0.0) else out * _log(a)
    return da, db


def exp(x, out):
    """(eˣ)' = eˣ，就是输出本身。"""
    return (out,)


def log(x, out):
    """(ln x)' = 1/x。"""
    return (_div(1.0, x),)


def tanh(x, out):
    """(tanh x)' = 1 - tanh²x = 1 - out²。"""
    return (1.0 - out * out,)


def sigmoid(x, out):
    """σ'(x) = σ(x)(1 - σ(x)) = out·(1 - out)。"""
    return (out * (1.0 - out),)


def sin(x, out):
    """(sin x)' = cos x。"""
    return (_cos(x),)


def cos(x, out):
    """(cos x)' = -sin x。"""
    return (-_sin(x),)


def sqrt(x, out):
    """(√x)' = 1/(2√x) = 0.5/out（x = 0 时是 inf，与 PyTorch 相同）。"""
    return (_div(0.5, out),)


def dot(w, x, tail):
    """Σ wᵢxᵢ + b：∂/∂wᵢ = xᵢ，∂/∂xᵢ = wᵢ，∂/∂b = 1（tail 是偏置那条边的局部导数，没有偏置时为空）。"""
    return (*x, *w, *tail)


class DotName(str):
    """dot() 的运算名：就是 'Σ'，只是记着边的排列是 (w₀…wₙ₋₁, x₀…xₙ₋₁, b)，建导数的图时据此配对 wᵢ 和 xᵢ。"""

    __slots__ = ()


RULES = {'*': mul, '/': div, '**': power_values, 'exp': exp, 'log': log, 'tanh': tanh, 'sigmoid': sigmoid,
         'sin': sin, 'cos': cos, 'sqrt': sqrt}
CONSTANT = frozenset({'+', '-', 'neg', 'Σ', 'relu', 'abs'})    # 局部导数是常数的运算


def as_graph(node):
    """node 的局部导数，写成计算图 (Value)：把上面的公式用在它的子节点和它自己身上。"""
    op, kids = node._op, node._prev
    if type(op) is DotName:
        n = len(kids) // 2
        return dot(kids[:n], kids[n:2 * n], node._local_grads[2 * n:])
    rule = RULES.get(op)
    if rule is not None:
        return rule(*kids, node)
    if op in CONSTANT:
        return node._local_grads
    if op.startswith('**'):                        # 常数次幂：运算名 '**c' 精确记着 c
        return power(kids[0], node, float(op[2:]))
    raise ValueError(f"运算 {op!r} 没有已知的导数公式，create_graph 不能对它再求导 "
                     f"(op {op!r} has no known derivative formula: create_graph cannot differentiate through it)")


def masked(node, i):
    """node 的第 i 条边是不是掩码 (mask)：局部导数按定义就是 0，而不是算出来恰好为 0。

    上游梯度 (upstream gradient) 是 inf 或 nan 时，掩码边只传 0，与 PyTorch 相同（否则 0 × inf = nan）。
    掩码有三处：x ≤ 0 处的 relu、x ** 0、以及 a ** b 在 b = 0 时对 a 的边。其余的 0（如 a * b 在 b = 0 时）
    照常相乘，PyTorch 在那里也得 nan。
    """
    op = node._op
    if op == 'relu':
        return node._local_grads[i] == 0.0         # relu 的局部导数只有 x ≤ 0 时是 0
    if op == '**0':
        return True
    return op == '**' and i == 0 and node._prev[1].data == 0.0


# ---------------------------------------------------------------- 链式法则 (the chain rule) over a dict
def _times(local, upstream):
    """local × upstream；一边恰好是数 1.0（或 -1.0）时不建乘法节点：值完全相同，梯度的图更干净。"""
    if type(upstream) is float:
        if upstream == 1.0 or type(local) is float:
            return local if upstream == 1.0 else local * upstream
    elif type(local) is float and local in (1.0, -1.0):
        return upstream if local == 1.0 else -upstream
    return local * upstream


def _plus(total, g):
    """total + g；一边恰好是数 0.0、另一边是 Value 时不建加法节点。"""
    if type(total) is float and total == 0.0 and type(g) is not float:
        return g
    if type(g) is float and g == 0.0 and type(total) is not float:
        return total
    return total + g


def gradients(root, create_graph):
    """{节点: ∂root/∂节点}，与 backward() 同一个链式法则，但不碰 .grad。

    create_graph=True 时局部导数取自 derivatives.as_graph（Value），梯度就是可以再求导的计算图；
    外面是 no_grad() 也照样建图（同 PyTorch）。
    """
    anomaly = modes.anomaly_on()
    grads = {root: 1.0}
    with modes.enable_grad() if create_graph else nullcontext():
        for node in reversed(_interior_nodes(root)):
            upstream = grads[node]
            local_grads = as_graph(node) if create_graph else node._local_grads
            for i, (child, local) in enumerate(zip(node._prev, local_grads)):
                g = _plus(grads.get(child, 0.0), 0.0 if masked(node, i) else _times(local, upstream))
                if anomaly:
                    modes.check_backward(node, i, g)
                grads[child] = g
    return grads
