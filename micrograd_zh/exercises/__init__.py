"""练习 (exercises)：从量斜率到写新运算，每题自动检查。

    from micrograd_zh.exercises import ex, check, hint, solution
    ex()              # 全部题目的目录 (table of contents)
    ex(1)             # 第 1 题的题目（也可以用名字：ex('slope')）
    check(1, 12.0)    # 检查答案：对了说对；错了说错在哪里
    hint(1)           # 提示 (hint)
    solution(1)       # 答案和讲解：想看的时候才调用

check 对每道题的典型错误 (typical mistakes) 有专门的提示，比如链式法则漏了内层的导数、用 = 代替了 +=、
符号反了、tanh 的导数写成 1 − t；它从不把正确答案写进提示里，答案只在 solution(n) 里。
题目按学习的顺序排：量斜率 → 局部导数 → 手算反向传播 → 写新运算 → 训练的选择。讲解见 docs/tutorial/11-exercises.md。
"""

from ..stepper import Narration
from .checking import Feedback
from .problems import EXERCISES

__all__ = ['ex', 'check', 'hint', 'solution', 'Feedback', 'EXERCISES']


def _find(n):
    """第 n 题：n 是编号 (1, 2, …) 或名字 ('slope', …)。"""
    if isinstance(n, str):
        for e in EXERCISES:
            if e.name == n:
                return e
    elif isinstance(n, int) and not isinstance(n, bool):
        if 1 <= n <= len(EXERCISES):
            return EXERCISES[n - 1]
    else:
        raise TypeError(f"n 必须是题号 (int) 或题目名 (str)，而不是 {type(n).__name__} "
                        f"(n must be an exercise number or name, got {type(n).__name__})")
    raise ValueError(f"n 没有这道题：{n!r}；题号是 1–{len(EXERCISES)}，或 ex() 列出的名字 "
                     f"(n: no exercise {n!r}; numbers are 1-{len(EXERCISES)}, or a name listed by ex())")


def ex(n=None):
    """ex() 列出全部题目；ex(n) 给出第 n 题的题目 (statement)。"""
    if n is None:
        return Narration('\n'.join(f'{e.number:2d}. {e.title}  [{e.name}]' for e in EXERCISES))
    return repr(_find(n))


def check(n, answer):
    """检查第 n 题的答案，返回 Feedback：bool(结果) 是对错，显示出来是给你的话。"""
    return _find(n).check(answer)


def hint(n):
    """第 n 题的提示 (hint)，不含答案。"""
    return Narration(_find(n).hint)


def solution(n):
    """第 n 题的答案和讲解 (solution)。先自己做，再看它。"""
    return _find(n).solution()
