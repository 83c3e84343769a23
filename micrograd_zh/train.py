"""训练循环 (training loop)：fit() 把“前向、损失、反向、更新”重复若干轮 (epoch)，记下损失曲线。

每一步 (step) 就是梯度下降 (gradient descent) 的四行：
    optimizer.zero_grad()                         # 1. 梯度清零（梯度会累加）
    loss = loss_fn([model(x) for x in xb], yb)    # 2. 前向传播 (forward)，算损失
    loss.backward()                               # 3. 反向传播 (backward)，算梯度
    optimizer.step()                              # 4. 沿负梯度更新参数

也有 Keras 的写法 (Keras-style)：validation_split 切出验证集，shuffle 每轮打乱，metrics=[accuracy]
记下准确率，verbose=2 时每一批 (batch) 刷新一次进度，显示损失和准确率。

fit() 在第 4 步之前检查：每个参数的梯度都必须是有限的数 (finite)。有一个是 nan 或 inf 就停下，指出是哪个参数，
这时还没有任何参数被改写。按 Ctrl-C (KeyboardInterrupt) 时 fit() 正常返回，见它的说明。
"""

import gc
import math
import sys
from contextlib import contextmanager

from .checks import as_list, finite, keywords, numbers_in, positive_int, seeded, show
from .data import check_data
from .engine import Value
from .losses import class_index
from . import modes
from .modes import no_grad

__all__ = ['fit', 'evaluate', 'accuracy', 'paused_gc']


@keywords
def evaluate(model, X, y, loss_fn):
    """在 no_grad() 下算整个数据集上的损失 (loss)，返回 float；不建计算图，也不改梯度。"""
    X, y = check_data(X, y)
    return _scores(model, X, y, loss_fn, [])[0]


def _scores(model, X, y, loss_fn, metrics):
    """(损失, {指标名: 值})，在 no_grad() 下算，不建图。"""
    with no_grad():
        preds = [model(x) for x in X]
        return _loss(loss_fn, preds, y).data, {name: f(preds, y) for name, f in metrics}


def accuracy(preds, targets):
    """分类准确率 (classification accuracy)：预测的类别等于 target 的样本所占的比例，在 [0, 1] 里。

    preds[i] 是第 i 个样本的 C 个分数 (logits) 或概率，预测的类别是最大者的序号 (argmax，一样大时取第一个)；
    targets[i] 是类别序号 0..C-1。可以放进 fit(..., metrics=[accuracy])。
    """
    preds = as_list('preds', preds, '预测 (prediction) ', 'predictions')
    targets = as_list('targets', targets, '类别序号 (class index) ', 'class indices')
    if not preds or len(preds) != len(targets):
        raise ValueError(f"preds 有 {len(preds)} 个，targets 有 {len(targets)} 个，必须一样多且不为空 "
                         f"(preds has {len(preds)} items and targets has {len(targets)}: "
                         f"they must match and not be empty)")
    correct = 0
    for i, (p, t) in enumerate(zip(preds, targets)):
        scores = [v.data if isinstance(v, Value) else v for v in numbers_in(f'preds[{i}]', p)]
        correct += max(range(len(scores)), key=scores.__getitem__) == class_index(t, len(scores), f'targets[{i}]')
    return correct / len(preds)


@contextmanager
def paused_gc():
    """暂停 Python 的循环垃圾回收 (cyclic garbage collector) 一步：退出时（包括出错时）恢复原样。

    用法：训练循环里每一步一行 (one line per step)：

        for k in range(100):
            with paused_gc():
                loss = ...; model.zero_grad(); loss.backward(); opt.step()

    为什么可以：计算图里没有引用环 (reference cycles)，每张图在不再被引用时就由引用计数 (reference counting)
    释放，用不着循环 GC；可图活着的时候，每多出约 700 个对象它就扫描一遍，moons 一步 23 次，
    卷积网络一批要多花约四分之一的时间（benchmarks/ 里的 gc on / paused_gc() 两行）。
    为什么不会漏 (no leak)：暂停时 Python 照样数着新建（减去释放）的对象，超过阈值时，退出后第一次新建对象就触发一次正常的回收；
    你自己的对象若有引用环，在那时照样被收走，不会越积越多。不要把整个训练循环包在里面：
    那样环要等到循环结束才收。图在退出时若还活着（如上面的 loss），那次回收会把它扫一遍；
    把一步写成函数、只返回 float (loss.data)，图在退出之前就释放了，连这一遍也省掉（fit() 就是这样做的）。
    """
    was_enabled = gc.isenabled()
    try:                                   # disable() 也在 try 里：Ctrl-C 落在哪一行，GC 都会恢复
        gc.disable()
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _batches(n, batch_size, rng, shuffle):
    order = list(range(n))
    if shuffle and batch_size < n:
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
        desc='训练 (train)', out=None, verbose=True, shuffle=True, validation_split=0.0, metrics=()):
    """训练 model，返回历史 (history)：{'loss': [...], 'val_loss': [...]}，每轮 (epoch) 一个数。

    model       可调用：model(x) 给出一个预测（Value 或 Value 的列表）
    X, y        样本和目标 (targets)，普通列表；样本可以是一个数、一列数或一张 [通道][行][列] 的图
    loss_fn     loss_fn(preds, targets) → Value，例如 losses.mse；要加正则就写成
                lambda p, t: hinge(p, t) + l2_penalty(model.parameters(), 1e-4)
    optimizer   optim.SGD 或 optim.Adam（持有 model 的参数）
    batch_size  None：整批梯度下降 (full batch)；1：逐样本 SGD；k：大小为 k 的小批量 (minibatch)
    shuffle     小批量时每轮用 seed 重新打乱样本的顺序（默认）；False 时按原来的顺序
    val_data    (X_val, y_val)：每轮结束时在 no_grad() 下算验证损失 (validation loss)
    validation_split  与 Keras 相同：拿出 X、y 最后这一比例的样本（打乱之前）当验证集，例如 0.2；
                不能和 val_data 同时给
    metrics     指标函数 (metric functions) 的列表，例如 [accuracy]：每个 f(preds, targets) → float，
                历史里多出 f.__name__ 和 'val_' + f.__name__ 两列
    verbose     0/False：不显示；1/True：一行进度，每轮 (epoch) 刷新一次；
                2：每轮一行，每批 (batch) 刷新一次，显示这一轮到目前为止的平均损失和指标
                （像 Keras 的 verbose=1；Keras 的 2 是每轮只打印一行）
    'loss' 和指标记的是这一轮各批按样本数的平均（每批在它那次更新之前算出）。
    每一步训练时暂停循环垃圾回收 (cyclic GC)，见 paused_gc。

    停下 (stopping)：
    - 损失变成 nan/inf，或者（损失有限而）某个参数的梯度是 nan/inf 时，在更新之前抛出一行的 FloatingPointError，
      指出是第几轮第几步、哪个参数；模型停在上一步之后。
    - 按 Ctrl-C (KeyboardInterrupt) 时【不抛出】异常：fit() 打印一行（verbose 时），返回到那时为止的历史，
      只含完整的轮 (complete epochs)。模型恰好是最后一次完整的更新之后的样子（optimizer.step() 要么全做，
      要么不做），可以接着训练或保存。在 Jupyter 里中断 (interrupt) 后，history 照样拿得到。
    """
    history = {'loss': [], 'val_loss': []}
    done = 0
    modes_open, gc_was_enabled = modes.depth(), gc.isenabled()
    try:
        for done in _epochs(history, model, X, y, loss_fn, optimizer, epochs, batch_size, val_data, seed,
                            desc, out, verbose, shuffle, validation_split, metrics):
            pass                                  # _epochs 每完成一轮就交回一次 (yields after each epoch)
    except KeyboardInterrupt:
        # Ctrl-C 可能正好落在某个 with 的 __exit__ 开始之前，那个 no_grad() 或 GC 暂停就没有退出：恢复原样
        modes.unwind(modes_open)
        if gc_was_enabled:
            gc.enable()
        for values in history.values():
            del values[done:]                     # 只留完整的轮 (keep complete epochs only)
        if verbose:
            stream = out or sys.stdout
            newline = '\n' if hasattr(stream, 'isatty') and stream.isatty() else ''   # 进度条那一行还没换行
            stream.write(f'{newline}{desc} 被中断 (KeyboardInterrupt)：完成了 {done} 轮，模型停在最后一次完整的更新之后 '
                         f'(interrupted after {done} complete epochs; the model is as after its last complete step)\n')
    return history


def _epochs(history, model, X, y, loss_fn, optimizer, epochs, batch_size, val_data, seed, desc, out, verbose,
            shuffle, validation_split, metrics):
    """fit() 的训练循环：把每轮的损失和指标记进 history，每完成一轮 yield 一次轮数。"""
    _check_callable('model', model, 'MLP(2, [16, 1])')
    _check_callable('loss_fn', loss_fn, 'losses.mse')
    if not (callable(getattr(optimizer, 'step', None)) and callable(getattr(optimizer, 'zero_grad', None))):
        raise TypeError(f"optimizer 必须是优化器，例如 SGD(model.parameters(), lr=0.1)，而不是 {type(optimizer).__name__} "
                        f"(optimizer must be an optimizer such as SGD(model.parameters(), lr=0.1), "
                        f"got {type(optimizer).__name__})")
    X, y = check_data(X, y)
    positive_int('epochs', epochs)
    if val_data is not None:
        if not isinstance(val_data, (tuple, list)) or len(val_data) != 2:
            raise TypeError(f"val_data 必须是 (X_val, y_val) 这样的一对，而不是 {type(val_data).__name__} "
                            f"(val_data must be a pair (X_val, y_val), got {type(val_data).__name__})")
        val_data = check_data(*val_data)
    if validation_split:
        X, y, val_data = _split(X, y, validation_split, val_data)
    n = len(X)
    batch_size = n if batch_size is None else positive_int('batch_size', batch_size)
    metrics = _metrics(metrics)
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose 必须是 0、1 或 2（或 False、True），而不是 {show(verbose)} "
                         f"(verbose must be 0, 1 or 2, or False/True, got {show(verbose)})")
    rng = seeded(seed)
    watched = _watched(model, optimizer)
    for name, _ in metrics:
        history[name], history['val_' + name] = [], []
    out = out or sys.stdout
    progress = _Progress(epochs, desc, out) if verbose == 1 else None
    for epoch in range(1, epochs + 1):
        batches = _batches(n, batch_size, rng, shuffle)
        bar = _Progress(len(batches), f'{desc} {epoch}/{epochs}', out) if verbose == 2 else None
        seen, sums = 0, dict.fromkeys(['loss'] + [name for name, _ in metrics], 0.0)
        for k, batch in enumerate(batches, 1):
            with paused_gc():                               # 图在这一步里释放，见 paused_gc
                loss, batch_metrics = _step(model, X, y, batch, loss_fn, optimizer, metrics, watched, epoch, k)
            sums['loss'] += loss * len(batch)               # 这一步完整做完之后才记进去 (after the step)
            for name, v in batch_metrics:
                sums[name] += v * len(batch)
            seen += len(batch)
            if bar and k < len(batches):
                bar.update(k, _describe({key: v / seen for key, v in sums.items()}))
        for key, v in sums.items():
            history[key].append(v / n)
        shown = {key: history[key][-1] for key in sums}
        if val_data is not None:
            val_loss, val_metrics = _scores(model, val_data[0], val_data[1], loss_fn, metrics)
            history['val_loss'].append(val_loss)
            shown['val_loss'] = val_loss
            for name, v in val_metrics.items():
                history['val_' + name].append(v)
                shown['val_' + name] = v
        if bar:
            bar.update(len(batches), _describe(shown))
        elif progress:
            progress.update(epoch, _describe(shown))
        yield epoch


def _step(model, X, y, batch, loss_fn, optimizer, metrics, watched, epoch, k):
    """一步训练 (one step)：前向、检查、反向、检查梯度、更新。只返回数 (floats)：图在返回时就释放了。"""
    optimizer.zero_grad()
    preds, targets = [model(X[i]) for i in batch], [y[i] for i in batch]
    loss = _loss(loss_fn, preds, targets)
    if not math.isfinite(loss.data):
        raise FloatingPointError(
            f"第 {epoch} 轮的损失变成了 {loss.data}：学习率 lr 可能太大，或损失函数的输入越界 "
            f"(loss became {loss.data} in epoch {epoch}: the learning rate lr may be too large, "
            f"or the loss got out-of-domain input)")
    batch_metrics = [(name, f(preds, targets)) for name, f in metrics]
    loss.backward()
    _check_gradients(watched, epoch, k)
    optimizer.step()
    return loss.data, batch_metrics


_NAMES = {'loss': '损失 (loss)', 'val_loss': '验证 (val)', 'accuracy': '准确率 (accuracy)',
          'val_accuracy': '验证准确率 (val_accuracy)'}


def _describe(values):
    """进度行上的文字，例如 '损失 (loss) 0.52  准确率 (accuracy) 0.84  验证 (val) 0.61'。"""
    return '  '.join(f'{_NAMES.get(key, key)} {v:.6g}' for key, v in values.items())


def _split(X, y, validation_split, val_data):
    """Keras 的 validation_split：最后 (1 - split_at) 的样本当验证集，在任何打乱之前。"""
    if val_data is not None:
        raise ValueError("val_data 和 validation_split 只能给一个 (give val_data or validation_split, not both)")
    split = finite('validation_split', validation_split, lambda v: 0.0 <= v < 1.0, '在 [0, 1) 中', 'in [0, 1)')
    cut = int(len(X) * (1.0 - split))
    if not 0 < cut < len(X):
        raise ValueError(f"validation_split={split!r} 把 {len(X)} 个样本分成了 {cut} 个训练、{len(X) - cut} 个验证，"
                         f"两边都不能为空 (validation_split={split!r} splits {len(X)} samples into {cut} for training "
                         f"and {len(X) - cut} for validation; neither may be empty)")
    return X[:cut], y[:cut], (X[cut:], y[cut:])


def _metrics(metrics):
    """[(名字, 函数)]：每个指标是 f(preds, targets) → float，名字是 f.__name__。"""
    metrics = as_list('metrics', metrics, '指标函数 (metric function) ', 'metric functions')
    named = []
    for i, f in enumerate(metrics):
        if not callable(f):
            raise TypeError(f"metrics[{i}] 必须是函数，例如 train.accuracy，而不是 {type(f).__name__} {show(f)} "
                            f"(metrics[{i}] must be a function such as train.accuracy, got {type(f).__name__} {show(f)})")
        named.append((getattr(f, '__name__', f'metric{i}'), f))
    return named
