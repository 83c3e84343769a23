"""梯度检验 (gradient check)：用中心有限差分 (central finite differences) 检验 backward() 算出的梯度。"""

from .engine import Value
from .operands import _to_float
from .modes import enable_grad, no_grad

__all__ = ['gradcheck']


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
    with enable_grad():
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
