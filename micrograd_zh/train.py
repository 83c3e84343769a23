"""训练循环 (training loop)：fit() 把“前向、损失、反向、更新”重复若干轮 (epoch)，记下损失曲线。

每一步 (step) 就是梯度下降 (gradient descent) 的四行：
    optimizer.zero_grad()                         # 1. 梯度清零（梯度会累加）
    loss = loss_fn([model(x) for x in xb], yb)    # 2. 前向传播 (forward)，算损失
    loss.backward()                               # 3. 反向传播 (backward)，算梯度
    optimizer.step()                              # 4. 沿负梯度更新参数
"""

import random
import sys

from .engine import no_grad

__all__ = ['fit', 'evaluate']


def evaluate(model, X, y, loss_fn):
    """在 no_grad() 下算整个数据集上的损失 (loss)，返回 float；不建计算图，也不改梯度。"""
    with no_grad():
        return loss_fn([model(x) for x in X], list(y)).data


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
            self.out.write(f'\r{self.desc} [{bar}] {done}/{self.total} {text}')
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
    X, y = list(X), list(y)
    if len(X) != len(y):
        raise ValueError(f"X 有 {len(X)} 个样本，y 有 {len(y)} 个 (X has {len(X)} samples but y has {len(y)})")
    if not X:
        raise ValueError("X 不能为空 (X must not be empty)")
    n = len(X)
    batch_size = n if batch_size is None else batch_size
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size 必须是正整数或 None，而不是 {batch_size!r} "
                         f"(batch_size must be a positive int or None, got {batch_size!r})")
    rng = random.Random(seed)
    history = {'loss': [], 'val_loss': []}
    progress = _Progress(epochs, desc, out or sys.stdout) if verbose else None
    for epoch in range(1, epochs + 1):
        total = 0.0
        for batch in _batches(n, batch_size, rng):
            optimizer.zero_grad()
            loss = loss_fn([model(X[i]) for i in batch], [y[i] for i in batch])
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
