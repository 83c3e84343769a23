"""训练循环 (training loop)：fit() 把“前向、损失、反向、更新”重复若干轮 (epoch)，记下损失曲线。

每一步 (step) 就是梯度下降 (gradient descent) 的四行：
    optimizer.zero_grad()                         # 1. 梯度清零（梯度会累加）
    loss = loss_fn([model(x) for x in xb], yb)    # 2. 前向传播 (forward)，算损失
    loss.backward()                               # 3. 反向传播 (backward)，算梯度
    optimizer.step()                              # 4. 沿负梯度更新参数

fit() 在第 4 步之前检查：每个参数的梯度都必须是有限的数 (finite)。有一个是 nan 或 inf 就停下，指出是哪个参数，
这时还没有任何参数被改写。按 Ctrl-C (KeyboardInterrupt) 时 fit() 正常返回，见它的说明。
"""

import math
import sys

from .checks import keywords, positive_int, seeded, show
from .data import check_data
from .engine import Value, no_grad

__all__ = ['fit', 'evaluate']


@keywords
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


def _watched(model, optimizer):
    """fit() 在更新前要检查梯度的参数：(名字, 参数) 的列表。名字取自 model.named_parameters()，否则是 params[i]。"""
    params = getattr(optimizer, 'params', None)
    if params is None and callable(getattr(model, 'parameters', None)):
        params = model.parameters()
    names = {}
    if callable(getattr(model, 'named_parameters', None)):
        names = {id(p): name for name, p in model.named_parameters()}
    return [(names.get(id(p), f'params[{i}]'), p) for i, p in enumerate(params or [])]


def _check_gradients(watched, epoch, step):
    """在写入之前 (before any update)：第一个梯度不是有限数的参数，连同原因，一行说清楚。"""
    for name, p in watched:
        g = p.grad
        if not math.isfinite(g):
            if g != g:
                zh = '某个运算在这里没有有限的导数，例如 x ** 0.5 或 log(x) 在 x = 0 处（无穷大 × 0 = nan）'
                en = 'some operation has no finite derivative here, e.g. x ** 0.5 or log(x) at x = 0 (inf × 0 = nan)'
            else:
                zh = '某个运算的导数在这里是无穷大（例如 x ** 0.5 在 x = 0 处），或者梯度溢出 (overflow) 了'
                en = 'some derivative is infinite here (e.g. x ** 0.5 at x = 0), or the gradient overflowed'
            raise FloatingPointError(
                f"第 {epoch} 轮第 {step} 步：参数 {name} 的梯度是 {g}，而损失是有限的：{zh}；没有更新任何参数 "
                f"(epoch {epoch}, step {step}: the gradient of parameter {name} is {g} while the loss is finite: "
                f"{en}; no parameter was updated)")


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


@keywords
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

    停下 (stopping)：
    - 损失变成 nan/inf，或者（损失有限而）某个参数的梯度是 nan/inf 时，在更新之前抛出一行的 FloatingPointError，
      指出是第几轮第几步、哪个参数；模型停在上一步之后。
    - 按 Ctrl-C (KeyboardInterrupt) 时【不抛出】异常：fit() 打印一行（verbose 时），返回到那时为止的历史，
      只含完整的轮 (complete epochs)。模型恰好是最后一次完整的更新之后的样子（optimizer.step() 要么全做，
      要么不做），可以接着训练或保存。在 Jupyter 里中断 (interrupt) 后，history 照样拿得到。
    """
    history = {'loss': [], 'val_loss': []}
    done = 0
    try:
        for done in _epochs(history, model, X, y, loss_fn, optimizer, epochs, batch_size, val_data, seed,
                            desc, out, verbose):
            pass                                  # _epochs 每完成一轮就交回一次 (yields after each epoch)
    except KeyboardInterrupt:
        for values in history.values():
            del values[done:]                     # 只留完整的轮 (keep complete epochs only)
        if verbose:
            stream = out or sys.stdout
            newline = '\n' if hasattr(stream, 'isatty') and stream.isatty() else ''   # 进度条那一行还没换行
            stream.write(f'{newline}{desc} 被中断 (KeyboardInterrupt)：完成了 {done} 轮，模型停在最后一次完整的更新之后 '
                         f'(interrupted after {done} complete epochs; the model is as after its last complete step)\n')
    return history


def _epochs(history, model, X, y, loss_fn, optimizer, epochs, batch_size, val_data, seed, desc, out, verbose):
    """fit() 的训练循环：把每轮的损失记进 history，每完成一轮 yield 一次轮数。"""
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
    rng = seeded(seed)
    watched = _watched(model, optimizer)
    progress = _Progress(epochs, desc, out or sys.stdout) if verbose else None
    for epoch in range(1, epochs + 1):
        total = 0.0
        for step, batch in enumerate(_batches(n, batch_size, rng), 1):
            optimizer.zero_grad()
            loss = _loss(loss_fn, [model(X[i]) for i in batch], [y[i] for i in batch])
            if not math.isfinite(loss.data):
                raise FloatingPointError(
                    f"第 {epoch} 轮的损失变成了 {loss.data}：学习率 lr 可能太大，或损失函数的输入越界 "
                    f"(loss became {loss.data} in epoch {epoch}: the learning rate lr may be too large, "
                    f"or the loss got out-of-domain input)")
            loss.backward()
            _check_gradients(watched, epoch, step)
            optimizer.step()
            total += loss.data * len(batch)
        history['loss'].append(total / n)
        text = f'损失 (loss) {history["loss"][-1]:.6g}'
        if val_data is not None:
            history['val_loss'].append(evaluate(model, val_data[0], val_data[1], loss_fn))
            text += f'  验证 (val) {history["val_loss"][-1]:.6g}'
        if progress:
            progress.update(epoch, text)
        yield epoch
