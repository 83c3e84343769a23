"""训练循环 (training loop)：fit() 把“前向、损失、反向、更新”重复若干轮 (epoch)，记下损失曲线。

每一步 (step) 就是梯度下降 (gradient descent) 的四行：
    optimizer.zero_grad()                         # 1. 梯度清零（梯度会累加）
    loss = loss_fn([model(x) for x in xb], yb)    # 2. 前向传播 (forward)，算损失
    loss.backward()                               # 3. 反向传播 (backward)，算梯度
    optimizer.step()                              # 4. 沿负梯度更新参数
"""

import math
import random
import sys

from .checks import positive_int, show
from .data import check_data
from .engine import Value, no_grad

__all__ = ['fit', 'evaluate']


def evaluate(model, X, y, loss_fn):
    """在 no_grad() 下算整个数据集上的损失 (loss)，返回 float；不建计算图，也不改梯度。"""
    X, y = check_data(X, y)
    with no_grad():
        return _loss(loss_fn, [model(x) for x in X], y).data


def _loss(loss_fn, preds, targets):
    loss = loss_fn(preds, targets)
    if not isinstance(loss, Value):
        raise TypeError(f"loss_fn 必须返回一个 Value（例如 losses.mse(preds, targets)），而不是 {type(loss).__name__} "
                        f"(loss_fn must return a Value, e.g. losses.mse(preds, targets), got {type(loss).__name__})")
    return loss


def _check_callable(name, f, example):
    if not callable(f):
        raise TypeError(f"{name} 必须是可以调用的 (callable)，例如 {example}，而不是 {type(f).__name__} {show(f)} "
                        f"({name} must be callable, e.g. {example}, got {type(f).__name__} {show(f)})")


def _batches(n, batch_size, rng):
    order = list(range(n))
    if batch_size < n:
        rng.shuffle(order)                        # 小批量 (minibatch)：每轮重新打乱
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


class _Progress:
    """终端 (terminal) 上是一行不断刷新的进度条 (progress bar)；输出到文件或管道时每隔一段打印一行。"""

    def __init__(self, total, desc, out):
        self.total, self.desc, self.out = total, desc, out
        self.tty = hasattr(out, 'isatty') and out.isatty()
        self.every = max(1, total // 10)

    def update(self, done, text):
        if self.tty:
            filled = 24 * done // self.total
            bar = '█' * filled + '·' * (24 - filled)
            self.out.write(f'\r{self.desc} [{bar}] {done}/{self.total} {text}\033[K')   # \033[K 清掉行尾旧字
            if done == self.total:
                self.out.write('\n')
            self.out.flush()
        elif done % self.every == 0 or done == self.total or done == 1:
            self.out.write(f'{self.desc} {done}/{self.total} {text}\n')


def fit(model, X, y, loss_fn, optimizer, epochs=1, batch_size=None, val_data=None, seed=None,
        desc='训练 (train)', out=None, verbose=True):
    """训练 model，返回损失历史 (loss history)：{'loss': [...], 'val_loss': [...]}，每轮 (epoch) 一个数。

    model       可调用：model(x) 给出一个预测（Value 或 Value 的列表）
    X, y        样本和目标 (targets)，普通列表
    loss_fn     loss_fn(preds, targets) → Value，例如 losses.mse；要加正则就写成
                lambda p, t: hinge(p, t) + l2_penalty(model.parameters(), 1e-4)
    optimizer   optim.SGD 或 optim.Adam（持有 model 的参数）
    batch_size  None：整批梯度下降 (full batch)；1：逐样本 SGD；k：大小为 k 的小批量，每轮用 seed 打乱
    val_data    (X_val, y_val)：每轮结束时在 no_grad() 下算验证损失 (validation loss)
    'loss' 记的是这一轮各批损失按样本数的平均（每批在它那次更新之前算出）。
    """
    _check_callable('model', model, 'MLP(2, [16, 1])')
    _check_callable('loss_fn', loss_fn, 'losses.mse')
    if not (callable(getattr(optimizer, 'step', None)) and callable(getattr(optimizer, 'zero_grad', None))):
        raise TypeError(f"optimizer 必须是优化器，例如 SGD(model.parameters(), lr=0.1)，而不是 {type(optimizer).__name__} "
                        f"(optimizer must be an optimizer such as SGD(model.parameters(), lr=0.1), "
                        f"got {type(optimizer).__name__})")
    X, y = check_data(X, y)
    n = len(X)
    positive_int('epochs', epochs)
    batch_size = n if batch_size is None else positive_int('batch_size', batch_size)
    if val_data is not None:
        if not isinstance(val_data, (tuple, list)) or len(val_data) != 2:
            raise TypeError(f"val_data 必须是 (X_val, y_val) 这样的一对，而不是 {type(val_data).__name__} "
                            f"(val_data must be a pair (X_val, y_val), got {type(val_data).__name__})")
        val_data = check_data(*val_data)
    rng = random.Random(seed)
    history = {'loss': [], 'val_loss': []}
    progress = _Progress(epochs, desc, out or sys.stdout) if verbose else None
    for epoch in range(1, epochs + 1):
        total = 0.0
        for batch in _batches(n, batch_size, rng):
            optimizer.zero_grad()
            loss = _loss(loss_fn, [model(X[i]) for i in batch], [y[i] for i in batch])
            if not math.isfinite(loss.data):
                raise FloatingPointError(
                    f"第 {epoch} 轮的损失变成了 {loss.data}：学习率 lr 可能太大，或损失函数的输入越界 "
                    f"(loss became {loss.data} in epoch {epoch}: the learning rate lr may be too large, "
                    f"or the loss got out-of-domain input)")
            loss.backward()
            optimizer.step()
            total += loss.data * len(batch)
        history['loss'].append(total / n)
        text = f'损失 (loss) {history["loss"][-1]:.6g}'
        if val_data is not None:
            history['val_loss'].append(evaluate(model, val_data[0], val_data[1], loss_fn))
            text += f'  验证 (val) {history["val_loss"][-1]:.6g}'
        if progress:
            progress.update(epoch, text)
    return history
