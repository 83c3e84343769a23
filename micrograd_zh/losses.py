"""损失函数 (loss functions)：数值和归约方式 (reduction) 与 PyTorch 的 torch.nn.functional 相同。

预测 (prediction) 可以是 Value 或数字，一个或一列；损失总是一个 Value，可以直接 backward()。
求和用 nary.add_n，整批 (batch) 的和在图里只占一个 'Σ' 节点。

    mse(pred, target)                  均方误差 (mean squared error)       = F.mse_loss
    sse(pred, target)                  平方误差和 (sum of squared errors)  = F.mse_loss(reduction='sum')
    binary_cross_entropy(p, y)         二元交叉熵，p 是概率，y ∈ {0, 1}     = F.binary_cross_entropy
    cross_entropy(logits, target)      softmax 交叉熵，target 是类别序号    = F.cross_entropy
    hinge(scores, labels)              最大间隔 (max-margin)，y ∈ {-1, 1}  = relu(1 - y·s).mean()
    l2_penalty(params, alpha)          L2 正则 (regularization) α·Σp²

micrograd 的 moons 示例的总损失写成一行 (micrograd's moons loss in one line)：
    loss = hinge(scores, labels) + l2_penalty(model.parameters(), 1e-4)
"""

import numbers

from .checks import as_list, is_real, numbers_in, real, show
from .engine import Value
from .nary import add_n

__all__ = ['mse', 'sse', 'binary_cross_entropy', 'cross_entropy', 'hinge', 'l2_penalty']


def _values(x, name):
    """一个或一列 Value/数字 → Value 的列表（数字变成常数节点）。"""
    return [v if isinstance(v, Value) else Value(v) for v in numbers_in(name, x)]


def _same_length(a, b, name_a, name_b):
    if len(a) != len(b):
        raise ValueError(f"{name_a} 有 {len(a)} 个，{name_b} 有 {len(b)} 个，个数必须相同 "
                         f"({name_a} has {len(a)} items but {name_b} has {len(b)})")


def _labels(y, allowed, name, hint_zh='', hint_en=''):
    for i, t in enumerate(y):
        if isinstance(t, Value):
            t = t.data
        if not is_real(t) or t not in allowed:
            shown = '{' + ', '.join(str(a) for a in allowed) + '}'
            raise ValueError(f"{name}[{i}] 必须属于 {shown}，而不是 {show(t)}{hint_zh} "
                             f"({name}[{i}] must be in {shown}, got {show(t)}{hint_en})")
    return [float(t.data if isinstance(t, Value) else t) for t in y]


def _squared_errors(pred, target):
    pred = _values(pred, 'pred')
    target = numbers_in('target', target)
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
    y = _labels(numbers_in('y', y), (0, 1), 'y')
    _same_length(p, y, 'p', 'y')
    for i, v in enumerate(p):
        if not 0.0 <= v.data <= 1.0:
            raise ValueError(f"p[{i}] 必须是 [0, 1] 中的概率，而不是 {v.data!r}；分数先过 sigmoid() "
                             f"(p[{i}] must be a probability in [0, 1], got {v.data!r}; apply sigmoid() to scores)")
    terms = [_clamped_log(v) if t == 1.0 else _clamped_log(1.0 - v) for v, t in zip(p, y)]
    return -add_n(terms) / len(terms)


def class_index(target, classes, name):
    """类别序号 (class index)：0..classes-1 中的整数；否则一行的 ValueError。cross_entropy 和 train.accuracy 共用。"""
    if isinstance(target, bool) or not isinstance(target, numbers.Integral) or not 0 <= target < classes:
        raise ValueError(f"{name} 是类别序号，必须是 0..{classes - 1} 中的整数，而不是 {show(target)} "
                         f"({name}: class index must be an int in 0..{classes - 1}, got {show(target)})")
    return int(target)


def _cross_entropy_one(logits, target, lname, tname):
    logits = _values(logits, lname)
    target = class_index(target, len(logits), tname)
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
    if is_real(target) or isinstance(target, bool):
        return _cross_entropy_one(logits, target, 'logits', 'target')
    target = as_list('target', target, '类别序号 (class index) ', 'class indices')
    logits = as_list('logits', logits, ' logit 列表', 'logit lists')
    if not target:
        raise ValueError("target 不能为空 (target must not be empty)")
    _same_length(logits, target, 'logits', 'target')
    for i, row in enumerate(logits):
        if isinstance(row, Value) or is_real(row):
            raise TypeError(f"target 是一列时 logits[{i}] 必须是一个样本的 logit 列表，而不是 {show(row)} "
                            f"(with a list of targets, logits[{i}] must be one sample's list of logits, got {show(row)})")
    sizes = sorted({len(numbers_in(f"logits[{i}]", row)) for i, row in enumerate(logits)})
    if len(sizes) > 1:
        raise ValueError(f"logits 的每一行必须一样长，而不是 {sizes} 这几种长度 "
                         f"(every row of logits must have the same length, got lengths {sizes})")
    losses = [_cross_entropy_one(row, t, f'logits[{i}]', f'target[{i}]')
              for i, (row, t) in enumerate(zip(logits, target))]
    return add_n(losses) / len(losses)


def hinge(scores, labels):
    """合页损失 (hinge loss)，即最大间隔 (max-margin) 损失：mean(relu(1 - yᵢ·sᵢ))，yᵢ ∈ {-1, 1}。

    分数 (score) 与标签同号且 |s| ≥ 1 时这一项为 0，不再推动它；micrograd 的 moons 示例用的就是它。
    """
    scores = _values(scores, 'scores')
    labels = _labels(numbers_in('labels', labels), (-1, 1), 'labels',
                     '；0/1 标签先换成 [2 * t - 1 for t in y]', '; turn 0/1 labels into [2 * t - 1 for t in y]')
    _same_length(scores, labels, 'scores', 'labels')
    return add_n([(1.0 - t * s).relu() for s, t in zip(scores, labels)]) / len(scores)


def l2_penalty(params, alpha=1e-4):
    """L2 正则项 (L2 regularization)：α·Σ p²，把权重往 0 拉。对 p 的梯度是 2αp。

    与优化器的 weight_decay=λ 对比：这里 α·Σp² 的梯度 2αp 等于 weight_decay=2α。
    """
    params = as_list('params', params, ' Value ', 'Values')
    if not params:
        raise ValueError("params 不能为空 (params must not be empty)")
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"params[{i}] 必须是 Value，而不是 {type(p).__name__} "
                            f"(params[{i}] must be a Value, got {type(p).__name__})")
    alpha = real('alpha', alpha, lambda v: v >= 0, ' ≥ 0', '>= 0')
    return alpha * add_n([p * p for p in params])
