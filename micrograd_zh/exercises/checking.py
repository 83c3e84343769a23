"""检查答案的工具 (answer checking)：一道题 (Exercise)、一次检查的结果 (Feedback)，和三种常见答案的检查器。

规则：答对了说对；答错了说**错在哪里**——先和这道题的典型错误 (typical mistakes) 一个个比，
对上了就给那条专门的提示；都对不上也要说偏大还是偏小、哪一项不对。从不把正确答案写进提示里。
"""

import math

from ..checks import is_real, show
from ..engine import Value
from ..stepper import Narration
from ..viz import fmt


class Feedback:
    """一次检查的结果：ok 是真假，message 是给学习者的话。bool(feedback) 就是 ok；直接显示时是 message。"""

    __slots__ = ('ok', 'message')

    def __init__(self, ok, message):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self):
        return self.ok

    def __str__(self):
        return self.message

    __repr__ = __str__


def correct(remark=''):
    return Feedback(True, '✓ 正确 (correct)！' + remark)


def mistake(message):
    return Feedback(False, '✗ ' + message)


NOT_ANSWERED = Feedback(False, '还没有作答 (no answer yet)：把 None 换成你的答案，再运行一次 check。')


class Exercise:
    """一道题：编号、名字、标题、题目、提示、检查 (check: 答案 → Feedback) 和讲解 (solution: () → 文字)。"""

    def __init__(self, number, name, title, statement, hint, check, solution):
        self.number, self.name, self.title = number, name, title
        self.statement, self.hint = statement, hint
        self._check, self._solution = check, solution

    def check(self, answer):
        if answer is None:
            return NOT_ANSWERED
        feedback = self._check(answer)
        if not feedback.ok and '提示' not in feedback.message:
            feedback.message += f'\n  需要提示 (hint)：hint({self.number})'
        return feedback

    def solution(self):
        return Narration(f'第 {self.number} 题 {self.title} 的答案 (solution)\n' + self._solution())

    def __repr__(self):
        return Narration(f'第 {self.number} 题 {self.title}\n{self.statement}\n'
                         f'作答：check({self.number}, 答案)；提示：hint({self.number})')


# ---------------------------------------------------------------- 比较数字 (comparing numbers)
def close(x, y, tol=1e-6):
    """x 与 y 相差不超过 tol（|y| > 1 时按相对误差 relative error）。"""
    return abs(x - y) <= tol * max(1.0, abs(y))


def as_number(answer):
    """学习者的答案变成 float：int、float 原样，Value 取 .data；别的返回 None。"""
    if isinstance(answer, Value):
        answer = answer.data
    return float(answer) if is_real(answer) else None


def not_a(what, answer):
    return mistake(f'这里要的是{what}，而你给的是 {type(answer).__name__} {show(answer)}')


def _match(x, test, tol):
    return test(x) if callable(test) else close(x, test, tol)


def direction(x, right):
    return '偏大 (too large)' if x > right else '偏小 (too small)'


def number(answer, right, mistakes=(), tol=1e-6, near=1e-3):
    """一个数的答案。mistakes 是 [(典型错误的值或判断函数, 提示)]，值在相对 near 之内算对上。"""
    x = as_number(answer)
    if x is None:
        return not_a('一个数 (a number)', answer)
    if not math.isfinite(x):
        return mistake(f'你的答案是 {x!r}，不是一个有限的数 (finite number)')
    if close(x, right, tol):
        return correct()
    for test, message in mistakes:
        if _match(x, test, near):
            return mistake(message)
    return mistake(f'还不对：你的 {fmt(x)} {direction(x, right)}。')


def named(answer, names, right, mistakes=None, whole=(), tol=1e-6, near=1e-3):
    """几个有名字的数：答案是 dict（键是 names 里的名字），或按 names 顺序排的 list/tuple。

    mistakes[名字] 是这一项的典型错误 [(值或判断函数, 提示)]；whole 是整组的典型错误
    [(判断函数(dict) → bool, 提示)]，如两项写反了。每一项分别说对错。
    """
    mistakes = mistakes or {}
    if isinstance(answer, dict):
        given = {str(k): v for k, v in answer.items()}
        missing = [n for n in names if n not in given]
        if missing:
            return mistake(f'缺少 {", ".join(missing)}：答案要写成 {{{", ".join(repr(n) for n in names)}}} 这样的 dict')
    elif isinstance(answer, (list, tuple)) and len(answer) == len(names):
        given = dict(zip(names, answer))
    else:
        return not_a(f' {len(names)} 个数的 list 或以 {", ".join(names)} 为键的 dict', answer)
    values = {}
    for n in names:
        values[n] = as_number(given[n])
        if values[n] is None:
            return not_a(f' {n} 的一个数', given[n])
    if all(close(values[n], right[n], tol) for n in names):
        return correct()
    for test, message in whole:
        if test(values):
            return mistake(message)
    lines = []
    for n in names:
        x = values[n]
        if close(x, right[n], tol):
            lines.append(f'  {n}：✓')
            continue
        hint = next((m for t, m in mistakes.get(n, ()) if _match(x, t, near)), None)
        lines.append(f'  {n}：✗ ' + (hint or f'{fmt(x)} {direction(x, right[n])}'))
    return mistake('有几项不对 (some entries are wrong)：\n' + '\n'.join(lines))


# ---------------------------------------------------------------- 函数作为答案 (functions as answers)
def call(fn, args):
    """调用学习者的函数。先传 float；函数要的是 Value（如用了 x.tanh()）时再传 Value。结果里的 Value 取 .data。"""
    try:
        out = fn(*args)
    except (AttributeError, TypeError):
        out = fn(*[Value(a) for a in args])
    if isinstance(out, (list, tuple)):
        return tuple(as_number(o) for o in out)
    return as_number(out)


def _agrees(fn, other, points, tol):
    for args in points:
        got, want = fn(args), other(*args)
        if isinstance(want, tuple):
            if not (isinstance(got, tuple) and len(got) == len(want) and
                    all(g is not None and close(g, w, tol) for g, w in zip(got, want))):
                return False
        elif got is None or not close(got, want, tol):
            return False
    return True


def function(answer, right, points, mistakes=(), tol=1e-6):
    """一个函数的答案：在 points（每个是参数的元组）上和 right 比；不对时再和每个典型错误的函数比。"""
    if not callable(answer):
        return not_a('一个函数（用 def 定义）(a function)', answer)
    results = {}

    def learner(args):
        if args not in results:
            results[args] = call(answer, args)
        return results[args]

    try:
        for args in points:
            learner(args)
    except Exception as exc:                         # 学习者的代码出错：把错误告诉他
        return mistake(f'你的函数在参数 {args} 上出错：{type(exc).__name__}: {exc}')
    if any(r is None or (isinstance(r, tuple) and None in r) for r in results.values()):
        return mistake('你的函数没有返回数：记得 return 一个数（或几个数的元组）')
    if _agrees(learner, right, points, tol):
        return correct()
    for wrong_fn, message in mistakes:
        if _agrees(learner, wrong_fn, points, 1e-4):
            return mistake(message)
    for args in points:
        if not _agrees(learner, right, [args], tol):
            shown = ', '.join(fmt(a) for a in args)
            return mistake(f'还不对：在 ({shown}) 处你的函数给出 {learner(args)}，与正确的导数不同。')
