"""引擎收什么 (what the engine accepts)：数、label、开关；不收的给出一行中英双语的错误。

类型不对是 TypeError，取值不对是 ValueError（完整的列表见 docs/errors.md）。这里不依赖 Value 类，
engine、nary、gradcheck 都用它们。
"""

import numbers

# 学习者常犯的错：这些类型不会是数，直接给出一行中英文的 TypeError。
_NOT_NUMBERS = (str, bytes, list, tuple, dict, set, type(None), bool, complex)


def _to_float(data, what='data'):
    """把实数 (real number) 转成 float；其他类型抛出 TypeError。"""
    if type(data) is float:            # 最常见，也最快（numbers.Real 的检查要约 0.5 µs）
        return data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} 必须是实数 (int/float)，而不是 {type(data).__name__} "
                        f"({what} must be a real number, not {type(data).__name__})")
    return float(data)


def _refuse(x, op):
    """不能参与运算的操作数：常见的错误类型抛出一行双语 TypeError；其他类型返回 NotImplemented，
    让对方的类型（例如 numpy 数组）有机会处理，最后由 Python 报错。"""
    if isinstance(x, _NOT_NUMBERS):
        name = type(x).__name__
        raise TypeError(f"运算 {op} 的另一边必须是 Value、int 或 float，而不是 {name} "
                        f"(the other operand of {op} must be a Value, int or float, not {name})")
    return NotImplemented


def _check_label(text):
    """label 必须是字符串 (str)；micrograd 的 Value(data, (a, b), '+') 把子节点放在第二个位置，这里说明怎样改写。"""
    if isinstance(text, str):
        return text
    kind = type(text).__name__
    if isinstance(text, (tuple, list, set)):
        raise TypeError(f"label 必须是字符串 (str)，而不是 {kind}：micrograd 的 Value(data, (a, b), '+') 在这里写成 a + b，"
                        f"或 Value(data, _prev=(a, b), _op='+', _local_grads=(1.0, 1.0)) (label must be a str, got "
                        f"{kind}: micrograd's Value(data, (a, b), '+') is written a + b here, or "
                        f"Value(data, _prev=(a, b), _op='+', _local_grads=(1.0, 1.0)))")
    raise TypeError(f"label 必须是字符串 (str)，而不是 {kind} {text!r:.40} (label must be a str, got {kind} {text!r:.40})")


def _check_edges(prev, local_grads, value_type):
    """手工造节点时（Value(data, _prev=..., _op=..., _local_grads=...)）：子节点都是 Value（value_type），
    每条边一个局部导数。返回 (子节点元组, 局部导数元组)。"""
    prev, local_grads = tuple(prev), tuple(local_grads)
    for i, child in enumerate(prev):
        if not isinstance(child, value_type):
            raise TypeError(f"_prev[{i}] 必须是 Value，而不是 {type(child).__name__} "
                            f"(_prev[{i}] must be a Value, not {type(child).__name__})")
    if len(local_grads) != len(prev):
        raise ValueError(f"_local_grads 必须每条边一个：{len(prev)} 个子节点，{len(local_grads)} 个局部导数 "
                         f"(_local_grads needs one per edge: {len(prev)} children, {len(local_grads)} local derivatives)")
    return prev, tuple(_to_float(g, f'_local_grads[{i}]') for i, g in enumerate(local_grads))


def _check_bool(create_graph):
    if type(create_graph) is not bool:
        kind = type(create_graph).__name__
        raise TypeError(f"create_graph 必须是 True 或 False，而不是 {kind} {create_graph!r:.40} "
                        f"(create_graph must be True or False, got {kind} {create_graph!r:.40})")


def _require_graph(output):
    """no_grad() 里算出的值留着运算名、没有子节点：对它求导是个错误，而不是静静地得到 0（同 PyTorch）。"""
    if output._op and not output._prev:
        raise RuntimeError(f"这个值是在 no_grad() 中由运算 {output._op!r} 算出的，没有计算图，不能反向传播 "
                           f"(this value was computed by {output._op!r} inside no_grad(): it has no graph to backpropagate)")
