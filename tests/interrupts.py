"""在第 k 个事件处按下 Ctrl-C (raise KeyboardInterrupt at the k-th traced event)，供测试用。

用 sys.settrace 数 micrograd_zh 里的事件，数到第 k 个就在那里抛出 KeyboardInterrupt。事件有两种：
- 每个 micrograd_zh 函数开始运行时 (call)：真的 Ctrl-C 也会落在这里，CPython 在函数开头检查有没有信号；
- 在 fine_files 里的文件中，还有每一行 (line) 和每一条字节码 (opcode，Python 3.10 起)：比真的信号更密，
  任何两条字节码之间都可能被打断，用来检查我们自己的代码 (optim.py、train.py) 在最坏的时刻也站得住。
trace 函数抛出异常后 Python 会自动取消 trace，所以每次运行只打断一次。事件的顺序由代码决定，所以同一个 k
每次都打断在同一个地方 (deterministic)。
"""

import os
import sys

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'micrograd_zh') + os.sep


class Interrupter:
    """run(fn) 运行 fn()；k 为 None 时只数事件，否则在第 k 个事件处抛出 KeyboardInterrupt。"""

    def __init__(self, k=None, fine_files=()):
        self.k = k
        self.fine_files = tuple(os.path.join(PACKAGE, name) for name in fine_files)
        self.opcodes = sys.version_info >= (3, 10)     # 3.9 在 opcode 事件里抛出的异常会变成 SystemError
        self.events = 0
        self.fired = False
        self.files = []                           # 只数不打断时 (k is None)：第 i 个事件所在的文件名

    def _tick(self, frame):
        self.events += 1
        if self.k is None:
            self.files.append(os.path.basename(frame.f_code.co_filename))
        if self.events == self.k:
            self.fired = True
            raise KeyboardInterrupt(f'test interrupt at event {self.k}')

    def _local(self, frame, event, arg):
        if event != 'exception':                  # 异常正在传播时不是“两条字节码之间”，真的信号不落在这里
            self._tick(frame)
        return self._local

    def _global(self, frame, event, arg):
        filename = os.path.abspath(frame.f_code.co_filename)
        if not filename.startswith(PACKAGE):
            return None
        if self.opcodes or frame.f_lasti < 0:
            # 3.9 上，生成器恢复运行 (resumed generator) 时的 call 事件里抛出的异常会跳过它的 finally；
            # 真的信号不会这样（它落在恢复之后的字节码上），所以 3.9 不在这种事件上打断。
            self._tick(frame)
        if filename in self.fine_files:
            frame.f_trace_opcodes = self.opcodes
            return self._local
        return None

    def run(self, fn):
        """返回 fn() 的结果；fn 自己没接住的 KeyboardInterrupt 照样抛出。"""
        previous = sys.gettrace()
        sys.settrace(self._global)
        try:
            return fn()
        finally:
            sys.settrace(previous)


def count_events(fn, fine_files=(), in_file=None):
    """fn() 一共有几个事件；给了 in_file 时还返回落在那个文件里的事件序号（从 1 数起）。"""
    counter = Interrupter(None, fine_files)
    counter.run(fn)
    if in_file is None:
        return counter.events
    return counter.events, [i for i, name in enumerate(counter.files, 1) if name == in_file]
