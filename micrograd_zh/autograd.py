"""函数式求导 (functional gradients)：grad(output, inputs)，即 PyTorch 的 torch.autograd.grad。

和 backward() 用同一个链式法则 (derivatives.gradients)，但把梯度作为结果返回，不改任何节点的 .grad；
create_graph=True 时梯度是计算图，可以一直求下去：

    x = Value(0.5)
    (d1,) = grad(x.sin(), x, create_graph=True)      # cos x
    (d2,) = grad(d1, x, create_graph=True)           # -sin x
    (d3,) = grad(d2, x)                              # -cos x，一个数
"""

from .derivatives import gradients
from .engine import Value, _constant
from .operands import _check_bool, _require_graph

__all__ = ['grad']


def grad(output, inputs, create_graph=False):
    """output 对 inputs 的梯度 (gradients)，是一个元组，与 torch.autograd.grad 相同；不改任何节点的 .grad。

    inputs        一个 Value，或 Value 的列表
    create_graph  True 时每个梯度是一个 Value（一张计算图），可以再对它求导：
                      x = Value(2.0); y = x ** 3
                      (dy,) = grad(y, x, create_graph=True)     # 3x² = 12
                      (d2y,) = grad(dy, x)                      # 6x = 12.0

    output 不依赖的输入，梯度是 0.0（create_graph=True 时是 Value(0.0)），而不是 None：导数本来就是 0，
    对一次函数的导数再求导也就自然得到 0，不必另做判断。（PyTorch 在这里默认报错，allow_unused=True 时给 None。）
    """
    if not isinstance(output, Value):
        kind = type(output).__name__
        hint = ('；要对梯度再求导，第一次求导时写 create_graph=True', '; to differentiate a gradient again, '
                'compute it with create_graph=True') if isinstance(output, float) else ('', '')
        raise TypeError(f"output 必须是 Value，而不是 {kind}{hint[0]} (output must be a Value, got {kind}{hint[1]})")
    if isinstance(inputs, Value):
        inputs = [inputs]
    elif not isinstance(inputs, (list, tuple)):
        kind = type(inputs).__name__
        raise TypeError(f"inputs 必须是 Value 或 Value 的列表，而不是 {kind} (inputs must be a Value or a list of Values, got {kind})")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            kind = type(x).__name__
            raise TypeError(f"inputs[{i}] 必须是 Value，而不是 {kind} (inputs[{i}] must be a Value, got {kind})")
    _check_bool(create_graph)
    _require_graph(output)
    grads = gradients(output, create_graph)
    found = [grads.get(x, 0.0) for x in inputs]
    return tuple(map(_constant, found)) if create_graph else tuple(found)
