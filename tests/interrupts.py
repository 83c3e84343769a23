"""在第 k 个事件处按下 Ctrl-C (raise KeyboardInterrupt at the k-th traced event)，供测试用。

用 sys.settrace 数 micrograd_zh 里的事件 (call、line、return，给定的文件里还有每一条字节码 opcode)，数到第 k 个
就在那里抛出 KeyboardInterrupt，和真的按下 Ctrl-C 一样落在两条字节码之间。trace 函数抛出异常后 Python 会自动
取消 trace，所以每次运行只打断一次。事件的顺序由代码决定，所以同一个 k 每次都打断在同一个地方。
"""

import os
import sys

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'micrograd_zh') + os.sep


class Interrupter:
    """run(fn) 运行 fn()；k 为 None 时只数事件，否则在第 k 个事件处抛出 KeyboardInterrupt。"""

    def __init__(self, k=None, opcode_files=()):
        self.k = k
        self.opcode_files = tuple(os.path.join(PACKAGE, name) for name in opcode_files)
        self.events = 0
        self.fired = False

    def _tick(self):
        self.events += 1
        if self.events == self.k:
            self.fired = True
            raise KeyboardInterrupt(f'test interrupt at event {self.k}')

    def _local(self, frame, event, arg):
        self._tick()
        return self._local

    def _global(self, frame, event, arg):
        filename = frame.f_code.co_filename
        if not filename.startswith(PACKAGE):
            return None
        frame.f_trace_opcodes = filename in self.opcode_files
        self._tick()
        return self._local

    def run(self, fn):
        """返回 fn() 的结果；fn 自己没接住的 KeyboardInterrupt 照样抛出。"""
        previous = sys.gettrace()
        sys.settrace(self._global)
        try:
            return fn()
        finally:
            sys.settrace(previous)


def count_events(fn, opcode_files=()):
    counter = Interrupter(None, opcode_files)
    counter.run(fn)
    return counter.events
