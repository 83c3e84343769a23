"""模式 (modes)：no_grad() 不建计算图，detect_anomaly() 在第一个 inf/nan 处停下。

两者都是上下文管理器 (context manager)，也可以当装饰器 (decorator) 用；按线程 (thread) 生效，可以嵌套。
同一个对象可以反复使用、也可以套在自己里面 (reusable and re-entrant)：

    ng = no_grad()
    with ng:
        with ng:            # 套在自己里面也可以
            ...
    with ng: ...            # 再用一次也可以

每个线程有一个栈 (stack)，进入时记下旧的设置，退出时恢复，所以模式对象本身不存任何状态。
"""

import threading
from contextlib import ContextDecorator

from .ieee import _not_finite

__all__ = ['no_grad', 'is_grad_enabled', 'detect_anomaly']


class _Modes(threading.local):
    """每个线程各一份：新线程默认开启求导、关闭异常检测。"""

    def __init__(self):
        self.grad_enabled = True
        self.anomaly = False
        self.saved = []                            # (名字, 进入前的值) 的栈


_modes = _Modes()

# 所有线程里正打开着的模式个数。它为 0 时（训练的常见情形），造节点只需检查这一个整数，
# 不必每次去查 threading.local（实测约贵 40 ns/节点）；不为 0 时才查本线程的真实设置。
open_count = 0
_lock = threading.Lock()


class _Mode(ContextDecorator):
    """把本线程的一个设置 (name) 暂时改成 value；退出时（包括异常时）恢复。"""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def __enter__(self):
        global open_count
        with _lock:
            open_count += 1
        _modes.saved.append((self.name, getattr(_modes, self.name)))
        setattr(_modes, self.name, self.value)
        return self

    def __exit__(self, *exc):
        _leave()
        return False


# 顺序有讲究 (the order matters)：进入时先加计数、后压栈；退出时先出栈、后减计数。Ctrl-C 落在任意两步之间，
# open_count 都只会偏大（多查几次 threading.local，慢一点）而不会偏小（漏掉一个打开的模式）。
def _leave():
    global open_count
    name, previous = _modes.saved[-1]
    setattr(_modes, name, previous)
    _modes.saved.pop()
    with _lock:
        open_count -= 1


def depth():
    """本线程打开着几层模式。"""
    return len(_modes.saved)


def unwind(to_depth):
    """退出 to_depth 层之上所有还开着的模式。Ctrl-C 恰好落在某个 __exit__ 开始之前时，那一层就没有退出；
    fit() 被中断后用它把 no_grad() 等恢复成进入 fit() 时的样子。"""
    while depth() > to_depth:
        _leave()


def no_grad():
    """在此上下文 (context) 中运算不建立边 (edge)，用于评估 (evaluation)。可嵌套，按线程生效。

    with no_grad():
        pred = model(x)      # pred 没有子节点，不会参与反向传播；对它调用 backward() 会报错
    也可以当装饰器 (decorator) 用：@no_grad()
    """
    return _Mode('grad_enabled', False)


def enable_grad():
    """在此上下文中记录计算图，即使外面是 no_grad()（引擎内部用：create_graph、gradcheck）。"""
    return _Mode('grad_enabled', True)


def is_grad_enabled():
    """当前线程是否记录计算图 (whether graph recording is on in this thread)。"""
    return _modes.grad_enabled


def detect_anomaly():
    """异常检测 (anomaly detection)：在此上下文中，第一个得到 inf 或 nan 的运算抛出 FloatingPointError。

    前向传播 (forward pass) 检查每个运算的输出和局部导数；backward() 检查传给每个子节点的梯度。
    报错信息写明运算名、输入的数值和 label，便于找到出问题的那一步。可嵌套，按线程生效；
    不在其中时按 IEEE 754 给出 inf/nan，不报错。关闭时几乎不花时间。

    with detect_anomaly():
        loss = model(x).log()      # 若某个输入是 0：FloatingPointError，指出是 'log'
        loss.backward()
    """
    return _Mode('anomaly', True)


def anomaly_on():
    """本线程是否在 detect_anomaly() 中。"""
    return _modes.anomaly


# ---------------------------------------------------------------- 报错信息 (messages)
def _printable(text):
    """把换行、NUL 等控制字符 (control characters) 写成 \\n、\\x00，信息才能保持一行；中文照常显示。"""
    return text if text.isprintable() else ''.join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _describe(children, shown=6):
    """输入的简短描述，如 `x=0.0, 2.0`（有 label 的写出 label）；太多时只写前几个。"""
    text = ', '.join(f'{_printable(c.label)}={c.data!r}' if c.label else repr(c.data) for c in children[:shown])
    if len(children) > shown:
        text += f', …（共 {len(children)} 个 / {len(children)} in all）'
    return text


def _check_forward(data, children, op, local_grads):
    inputs = _describe(children)
    if _not_finite(data):
        raise FloatingPointError(
            f"detect_anomaly: 运算 {op!r} 的输出是 {data!r}，输入 {inputs} "
            f"(op {op!r} produced {data!r} from inputs {inputs})")
    for i, local in enumerate(local_grads):
        if _not_finite(local):
            raise FloatingPointError(
                f"detect_anomaly: 运算 {op!r} 对第 {i} 个输入的局部导数是 {local!r}，输入 {inputs} "
                f"(op {op!r} has local derivative {local!r} for input {i}; inputs {inputs})")


def check_backward(node, i, grad):
    """detect_anomaly() 中，反向传播传给 node 第 i 个输入的梯度 grad（数或 Value）不是有限的：报错。"""
    grad = grad if type(grad) is float else grad.data
    if _not_finite(grad):
        inputs = _describe(node._prev)
        raise FloatingPointError(
            f"detect_anomaly: 反向传播时运算 {node._op!r} 传给第 {i} 个输入的梯度是 {grad!r}，输入 {inputs} "
            f"(backward: op {node._op!r} passed gradient {grad!r} to input {i}; inputs {inputs})")


def apply_modes(data, children, op, local_grads):
    """有模式打开时才调用：按本线程的设置检查数值 (detect_anomaly)，或丢掉边 (no_grad)。

    no_grad() 中的结果没有子节点，但留着运算名 op：backward() 据此认出它，给出一行说明而不是静静地什么都不做。
    """
    if _modes.anomaly:
        _check_forward(data, children, op, local_grads)
    if not _modes.grad_enabled:
        return (), op, ()
    return children, op, local_grads
