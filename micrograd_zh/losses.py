"""损失函数 (loss functions)：数值和归约方式 (reduction) 与 PyTorch 的 torch.nn.functional 相同。

预测 (prediction) 可以是 Value 或数字，一个或一列；损失总是一个 Value，可以直接 backward()。
求和用 engine.add_n，整批 (batch) 的和在图里只占一个 'Σ' 节点。

    mse(pred, target)                  均方误差 (mean squared error)       = F.mse_loss
    sse(pred, target)                  平方误差和 (sum of squared errors)  = F.mse_loss(reduction='sum')
    binary_cross_entropy(p, y)         二元交叉熵，p 是概率，y ∈ {0, 1}     = F.binary_cross_entropy
    cross_entropy(logits, target)      softmax 交叉熵，target 是类别序号    = F.cross_entropy
    hinge(scores, labels)              最大间隔 (max-margin)，y ∈ {-1, 1}  = relu(1 - y·s).mean()
    l2_penalty(params, alpha)          L2 正则 (regularization) α·Σp²

micrograd 的 moons 示例的总损失写成一行 (micrograd's moons loss in one line)：
    loss = hinge(scores, labels) + l2_penalty(model.parameters(), 1e-4)
"""

import math
import numbers

from .engine import Value, add_n

__all__ = ['mse', 'sse', 'binary_cross_entropy', 'cross_entropy', 'hinge', 'l2_penalty']


def _values(x, name):
    """一个或一列 Value/数字 → Value 的列表（数字变成常数节点）。"""
    items = [x] if isinstance(x, (Value, numbers.Real)) else list(x)
    if not items:
        raise ValueError(f"{name} 不能为空 ({name} must not be empty)")
    return [v if isinstance(v, Value) else Value(v) for v in items]


def _numbers(x, name):
    items = [x] if isinstance(x, (Value, numbers.Real)) else list(x)
    if not items:
        raise ValueError(f"{name} 不能为空 ({name} must not be empty)")
    return items


def _same_length(a, b, name_a, name_b):
    if len(a) != len(b):
        raise ValueError(f"{name_a} 有 {len(a)} 个，{name_b} 有 {len(b)} 个，个数必须相同 "
                         f"({name_a} has {len(a)} items but {name_b} has {len(b)})")


def _labels(y, allowed, name):
    for t in y:
        if isinstance(t, bool) or not isinstance(t, numbers.Real) or t not in allowed:
            shown = '{' + ', '.join(str(a) for a in allowed) + '}'
            raise ValueError(f"{name} 的取值必须属于 {shown}，而不是 {t!r} "
                             f"({name} must be in {shown}, got {t!r})")
    return [float(t) for t in y]


def _squared_errors(pred, target):
    pred = _values(pred, 'pred')
    target = _numbers(target, 'target')
    _same_length(pred, target, 'pred', 'target')
    return [(p - t) ** 2 for p, t in zip(pred, target)]


def sse(pred, target):
    """平方误差和 (sum of squared errors)：Σ (pᵢ - tᵢ)²。"""
    return add_n(_squared_errors(pred, target))


def mse(pred, target):
    """均方误差 (mean squared error)：Σ (pᵢ - tᵢ)² / n。对 pᵢ 的梯度是 2(pᵢ - tᵢ)/n。"""
    errors = _squared_errors(pred, target)
    return add_n(errors) / len(errors)


def _clamped_log(v):
    """ln v，但不小于 -100：与 PyTorch 的 binary_cross_entropy 相同，p = 0 或 1 时损失是 100 而不是 inf。"""
    out = v.log()
    return out if out.data >= -100.0 else Value(-100.0)


def binary_cross_entropy(p, y):
    """二元交叉熵 (binary cross-entropy)：mean(-[y·ln p + (1-y)·ln(1-p)])。

    p 是概率 (probability)，通常是 score.sigmoid()，取值在 [0, 1]；y 是标签 (label)，0 或 1。
    ln 的结果截断在 -100（同 PyTorch），所以 p = 0 或 1 时损失有限，梯度在截断处为 0。
    """
    p = _values(p, 'p')
    y = _labels(_numbers(y, 'y'), (0, 1), 'y')
    _same_length(p, y, 'p', 'y')
    for v in p:
        if not 0.0 <= v.data <= 1.0:
            raise ValueError(f"p 必须是 [0, 1] 中的概率，而不是 {v.data!r} "
                             f"(p must be a probability in [0, 1], got {v.data!r})")
    terms = [_clamped_log(v) if t == 1.0 else _clamped_log(1.0 - v) for v, t in zip(p, y)]
    return -add_n(terms) / len(terms)


def _cross_entropy_one(logits, target, num):
    logits = _values(logits, 'logits')
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < len(logits):
        raise ValueError(f"第 {num} 个样本的类别必须是 0..{len(logits) - 1} 中的整数，而不是 {target!r} "
                         f"(sample {num}: class index must be an int in 0..{len(logits) - 1}, got {target!r})")
    # log-sum-exp：先减去最大值 m（一个常数，不影响梯度），exp 就不会溢出 (overflow)。
    m = max(v.data for v in logits)
    lse = add_n([(v - m).exp() for v in logits]).log() + m
    return lse - logits[target]


def cross_entropy(logits, target):
    """softmax 交叉熵 (softmax cross-entropy)：-ln softmax(logits)[target] = logsumexp(logits) - logits[target]。

    单个样本：logits 是 C 个 Value（或数字），target 是类别序号 (class index) 0..C-1。
    一批样本：logits 是 N 个这样的列表，target 是 N 个序号；返回平均值 (mean)。
    对 logitsᵢ 的梯度是 softmaxᵢ - [i == target]。用 log-sum-exp 计算，logit 很大也不会溢出。
    """
    if isinstance(target, numbers.Real):
        return _cross_entropy_one(logits, target, 0)
    logits, target = list(logits), list(target)
    if not target:
        raise ValueError("target 不能为空 (target must not be empty)")
    _same_length(logits, target, 'logits', 'target')
    losses = [_cross_entropy_one(row, t, i) for i, (row, t) in enumerate(zip(logits, target))]
    return add_n(losses) / len(losses)


def hinge(scores, labels):
    """合页损失 (hinge loss)，即最大间隔 (max-margin) 损失：mean(relu(1 - yᵢ·sᵢ))，yᵢ ∈ {-1, 1}。

    分数 (score) 与标签同号且 |s| ≥ 1 时这一项为 0，不再推动它；micrograd 的 moons 示例用的就是它。
    """
    scores = _values(scores, 'scores')
    labels = _labels(_numbers(labels, 'labels'), (-1, 1), 'labels')
    _same_length(scores, labels, 'scores', 'labels')
    return add_n([(1.0 - t * s).relu() for s, t in zip(scores, labels)]) / len(scores)


def l2_penalty(params, alpha=1e-4):
    """L2 正则项 (L2 regularization)：α·Σ p²，把权重往 0 拉。对 p 的梯度是 2αp。

    与优化器的 weight_decay=λ 对比：这里 α·Σp² 的梯度 2αp 等于 weight_decay=2α。
    """
    params = list(params)
    if not params:
        raise ValueError("params 不能为空 (params must not be empty)")
    return alpha * add_n([p * p for p in params])
