"""练习 (exercises)：每个检查器接受正确答案（几种等价的写法），拒绝每种典型错误并给出它专门的提示，
而且提示里不出现正确答案。"""

import math
import re

import pytest

from micrograd_zh import Value, topological_order
from micrograd_zh.exercises import EXERCISES, Feedback, check, ex, hint, solution
from micrograd_zh.exercises.checking import close
from micrograd_zh.exercises.problems import mystery
from micrograd_zh.lab import edges
from micrograd_zh.viz import fmt


# ---------------------------------------------------------------- 学习者会交的答案 (answers learners hand in)
def my_backward(root):
    order = topological_order(root)
    root.grad = 1.0
    for node in reversed(order):
        for child, local in edges(node):
            child.grad += local * node.grad


def backward_by_steps(root):            # 等价写法：用引擎的单节点步骤 _backward()
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        node._backward()


def backward_assign(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child, local in edges(node):
            child.grad = local * node.grad


def backward_forward_order(root):
    root.grad = 1.0
    for node in topological_order(root):
        for child, local in edges(node):
            child.grad += local * node.grad


def backward_no_seed(root):
    for node in reversed(topological_order(root)):
        for child, local in edges(node):
            child.grad += local * node.grad


def backward_recursive(root):
    root.grad = 1.0

    def visit(node):
        for child, local in edges(node):
            child.grad += local * node.grad
        for child in node._prev:
            visit(child)
    visit(root)


def backward_cheating(root):
    root.backward()


def backward_crashes(root):
    raise KeyError('oops')


def x_squared_wrong(root):              # 错得不典型：局部导数翻倍
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for child, local in edges(node):
            child.grad += 2 * local * node.grad


def softplus(x):
    return (1 + x.exp()).log()


def leaky_relu(x):
    return x.relu() - 0.1 * (-x).relu()


tanh = math.tanh


def sig(x):
    return 1 / (1 + math.exp(-x))


# (题号, [正确答案...], [(典型错误, 提示里必须有的话), ...])
CASES = [
    (1, [12.0, 12.00005, (2.00001 ** 3 - 1.99999 ** 3) / 2e-5, Value(12.0)],
     [(8.0, '函数值'), (-12.0, '符号反了'), (24.0, '2h'), (0.0012, '除以 h'), ((2.001 ** 3 - 8) / 0.001, '截断误差'),
      ((8 - 1.999 ** 3) / 0.001, '后向差分'), (11.0, '后向差分'), ('12', '一个数'), (math.nan, '有限'), (40.0, '偏大')]),
    (2, [[-12.0, 10.0], (-12, 10), {'x': -12.0, 'y': 10.0}],
     [([10.0, -12.0], '写反了'), ([-2.0, -2.0], '同时推动'), ([6.0, 10.0], '2x·y'), ([-12.0, 9.0], '+ y'),
      ([12.0, 10.0], '符号反了'), ({'x': -12.0}, '缺少 y'), ([1.0], 'list'), ([-12.0, 'a'], '一个数'),
      ([-12.0, 3.0], 'y：✗')]),
    (3, [5, 7, 6, 1e-5, 5.0], [(8, '前向差分'), (12, '太小'), (16, '太小'), (2, '太大'), (4, '太大'),
                               (0, '1 到 16'), (3e-5, '整数次幂'), ('five', '整数 k')]),
    (4, [[-4.0, 3.0], {'a': -4, 'b': 3}], [([3.0, -4.0], '另一个因子'), ([1.0, 1.0], '加法'),
                                           ([-12.0, -12.0], 'q 的值'), ([-4.0, 2.0], 'b：✗')]),
    (5, [1.5 * math.exp(0.5)], [(math.exp(0.5), '漏了 u·v′'), (0.5 * math.exp(0.5), '漏了 u′·v'),
                                (math.exp(0.5) + 0.5, '不是 1'), (-1.5 * math.exp(0.5), '符号反了')]),
    (6, [lambda x: 1 - tanh(x) ** 2, lambda x: 1 / math.cosh(x) ** 2, lambda x: (1 - tanh(x)) * (1 + tanh(x)),
         lambda x: 4 / (math.exp(x) + math.exp(-x)) ** 2, lambda x: 1 - x.tanh() ** 2],
     [(lambda x: 1 - tanh(x), '忘了平方'), (lambda x: 1 - x * x, '不是 1 − x²'), (lambda x: tanh(x) ** 2, '不是 t²'),
      (lambda x: 1 / math.cosh(x), '还要平方'), (tanh, 'tanh 本身'), (lambda x: tanh(x) ** 2 - 1, '符号反了'),
      (lambda x: None, 'return'), (lambda x: 1 / 0, 'ZeroDivisionError'), (0.5, '函数'),
      (lambda x: 2 * (1 - tanh(x) ** 2), '与正确的导数不同')]),
    (7, [lambda x: sig(x) * (1 - sig(x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
         lambda x: x.sigmoid() * (1 - x.sigmoid())],
     [(lambda x: 1 - sig(x) ** 2, 'tanh 的形式'), (sig, 'σ 本身'), (lambda x: x * (1 - x), '不是 x·(1 − x)'),
      (lambda x: sig(x) * (1 + sig(x)), '不是 s·(1 + s)'), (lambda x: math.exp(-x) / (1 + math.exp(-x)), '平方'),
      (lambda x: -sig(x) * (1 - sig(x)), '符号反了')]),
    (8, [lambda a, b: (1 / b, -a / b ** 2), lambda a, b: [1 / b, -a * b ** -2], lambda a, b: (b ** -1, -a / (b * b))],
     [(lambda a, b: (1 / b, a / b ** 2), '符号反了'), (lambda a, b: (1 / b, -1 / b ** 2), '乘上 a'),
      (lambda a, b: (1 / b, -a / b), '分母要平方'), (lambda a, b: (b, a), '乘法'),
      (lambda a, b: (-a / b ** 2, 1 / b), '写反了'), (lambda a, b: 1 / b, '与正确的导数不同')]),
    (9, [3 * (1 - tanh(0.6) ** 2)], [(1 - tanh(0.6) ** 2, '内层的导数'), (3 * (1 - tanh(0.6)), '不是 1 − t'),
                                    (3 * (1 - tanh(0.2) ** 2), 'tanh(0.6)'), (3 * (1 - 0.36), '不是 1 − (3x)²'),
                                    (1 - tanh(0.6), '两处')]),
    (10, [{'d': -2, 'e': -2, 'c': -2, 'a': 6, 'b': -4, 'f': 4}, [-2, -2, -2, 6, -4, 4]],
     [({'d': -2, 'e': -2, 'c': -2, 'a': -3, 'b': 2, 'f': 4}, '上游梯度'),
      ({'d': -2, 'e': 1, 'c': 1, 'a': 6, 'b': -4, 'f': 4}, '∂d/∂e = 1'),
      ({'d': -2, 'e': -2, 'c': -2, 'a': 4, 'b': 6, 'f': 4}, '局部导数是 b'),
      ({'d': 4, 'e': -2, 'c': -2, 'a': 6, 'b': -4, 'f': 4}, 'd 的值'),
      ({'d': -2, 'e': -2, 'c': -2, 'a': -6, 'b': -4, 'f': 4}, '符号反了'),
      ({'d': -2, 'e': -2, 'c': -2, 'a': 6, 'b': -4, 'f': -2}, 'f 的值')]),
    (11, [{'n': 0.5, 'w1': 1.0, 'x1': -1.5, 'w2': 0.0, 'x2': 0.5, 'b': 0.5}],
     [({'n': 1 - 0.7071067811865476, 'w1': 1.0, 'x1': -1.5, 'w2': 0.0, 'x2': 0.5, 'b': 0.5}, '不是 1 − o'),
      ({'n': 0.5, 'w1': 2.0, 'x1': -3.0, 'w2': 0.0, 'x2': 1.0, 'b': 1.0}, '上游梯度'),
      ({'n': 0.5, 'w1': -1.5, 'x1': 1.0, 'w2': 0.5, 'x2': 0.0, 'b': 0.5}, '是 x1，不是 w1'),
      ({'n': 0.5, 'w1': 2 * (1 - 0.7071067811865476), 'x1': -1.5, 'w2': 0.0, 'x2': 0.5, 'b': 0.5}, '用了 1 − o'),
      ({'n': 0.7071067811865476, 'w1': 1.0, 'x1': -1.5, 'w2': 0.0, 'x2': 0.5, 'b': 0.5}, 'o 的值')]),
    (12, [6.75, 3 * 1.5 ** 2], [(2.25, '+='), (4.5, '少了一条边'), (3.375, 'c 的值'), (7.0, '偏大')]),
    (13, [my_backward, backward_by_steps],
     [(backward_assign, '用了 = 而不是 +='), (backward_forward_order, '顺序反了'), (backward_no_seed, 'root.grad = 1.0'),
      (backward_recursive, '递归'), (backward_cheating, '不要调用 .backward()'), (backward_crashes, 'KeyError'),
      (x_squared_wrong, '这些节点的 grad 与 backward() 不同'), ('my_backward', '一个函数')]),
    (14, [-8.96, -8.96 + 1e-12], [(-2.56, '每一步都清零'), (-1.76, '第 3 步自己的梯度'), (-12.0, '不能把第 1 步'),
                                  (-4.0, '第 1 步的梯度')]),
    (15, [softplus, lambda x: (x.exp() + 1).log(),
          lambda x: x.relu() + (1 + (-(x.relu() + (-x).relu())).exp()).log()],      # 数值稳定的写法
     [(lambda x: x.exp().log(), 'ln(eˣ) = x'), (lambda x: 1 + x.exp(), '取对数'),
      (lambda x: Value(math.log1p(math.exp(x.data))), '没有连在一起'),
      (lambda x: math.log1p(math.exp(x.data)), '不是 Value'), (lambda x: (1 + x).log(), '不是 ln(1 + x)'),
      (lambda x: (1 + x.exp()).log() + 0 * x + Value(0.0) * 0, None),
      (lambda x: x.exp().log() + Value(math.log1p(math.exp(x.data)) - x.data), '梯度不对'),
      (lambda x: x.nope(), 'AttributeError')]),
    (16, [leaky_relu, lambda x: x if x.data > 0 else 0.1 * x, lambda x: 0.1 * x + 0.9 * x.relu()],
     [(lambda x: x.relu(), '普通的 ReLU'), (lambda x: x.relu() + 0.1 * (-x).relu(), '符号反了'),
      (lambda x: 0.1 * x.relu() - (-x).relu(), '用反了'), (lambda x: x.data, '不是 Value')]),
    (17, [2, 'z', 2.0], [(1, '不是这一个'), (0, '不是这一个'), (3, '从 0 开始'), ('w', "'x'"), (True, "'x'")]),
    (18, ['he', 'He', 'kaiming'], [('xavier', '方差每层减半'), ('normal', '越来越大'), ('uniform', '越来越大'),
                                   ('zeros', '对称性'), ('relu', '不在选项里'), (2, '字符串')]),
    (19, [0.1, 0.05, 0.15, 0.03], [(0.3, '发散'), (0.19, '来回变号'), (0.001, '太小'), (-0.1, '大于 0'),
                                   (0.0, '大于 0'), ('0.1', '一个数')]),
]


@pytest.mark.parametrize('number, rights, wrongs', CASES, ids=[str(c[0]) for c in CASES])
def test_checker_accepts_right_answers_and_names_each_typical_mistake(number, rights, wrongs):
    for answer in rights:
        feedback = check(number, answer)
        assert isinstance(feedback, Feedback) and feedback.ok, (answer, feedback.message)
        assert feedback.message.startswith('✓')
    for answer, expected in wrongs:
        feedback = check(number, answer)
        if expected is None:                       # 写法奇怪但是对的
            assert feedback.ok, feedback.message
            continue
        assert not feedback, (answer, feedback.message)
        assert expected in feedback.message, (answer, feedback.message)
        assert feedback.message.startswith('✗') and '错' != feedback.message.strip('✗ ')


def test_there_are_at_least_fifteen_exercises_and_every_one_is_tested():
    assert len(EXERCISES) >= 15
    assert sorted(c[0] for c in CASES) == list(range(1, len(EXERCISES) + 1))
    assert len({e.name for e in EXERCISES}) == len(EXERCISES)


def _right_answer(number):
    """数字题的正确答案（取自 CASES 的第一个正确答案）。"""
    return next(c[1][0] for c in CASES if c[0] == number)


@pytest.mark.parametrize('number', [1, 5, 9, 12, 14])
def test_hints_never_show_the_right_number(number):
    right = _right_answer(number)
    shown = {repr(right), fmt(right), f'{right:g}', f'{right:.4g}', f'{right:.3f}'}
    for answer, _ in next(c[2] for c in CASES if c[0] == number):
        if isinstance(answer, str):
            continue                                 # 提示会复述学习者自己写的字符串
        message = check(number, answer).message + hint(number) + ex(number)
        leaked = [s for s in shown if re.search(rf'(?<![\d.]){re.escape(s)}(?!\d)', message)]
        assert not leaked, (answer, leaked, message)
    assert any(s in solution(number) for s in shown)       # 只有 solution 给出答案


@pytest.mark.parametrize('number', [2, 4, 10, 11])
def test_hints_for_several_numbers_never_show_a_missing_right_value(number):
    right = _right_answer(number)
    values = right.values() if isinstance(right, dict) else right
    for answer, _ in next(c[2] for c in CASES if c[0] == number):
        message = check(number, answer).message
        given = answer.values() if isinstance(answer, dict) else answer
        given = [g for g in given if isinstance(g, (int, float))]
        for v in values:
            if any(close(v, g) for g in given):
                continue                             # 学习者自己写了这个数
            assert not re.search(rf'(?<![\d.]){re.escape(fmt(v))}(?!\d)', message), (answer, v, message)


def test_none_means_not_answered_yet():
    for e in EXERCISES:
        feedback = check(e.number, None)
        assert not feedback and '还没有作答' in feedback.message


def test_ex_hint_solution_and_lookup_by_name():
    assert ex('slope') == ex(1) and '量一量斜率' in ex(1)
    for e in EXERCISES:
        assert f'第 {e.number} 题' in ex(e.number)
        assert '<n>' not in e.statement
        numbers = re.findall(r'check\((\d+),', e.statement)
        assert all(int(n) == e.number for n in numbers), (e.number, numbers)
        assert hint(e.number) and solution(e.number).startswith(f'第 {e.number} 题')
    table = ex()
    assert len(table.splitlines()) == len(EXERCISES) and repr(table) == str(table)
    assert check('slope', 12.0)
    assert repr(check(1, 12.0)) == str(check(1, 12.0))


def test_unknown_exercise_is_a_one_line_error():
    with pytest.raises(ValueError, match='n 没有这道题：99'):
        check(99, 1.0)
    with pytest.raises(ValueError, match="n 没有这道题：'nope'"):
        hint('nope')
    with pytest.raises(ValueError):
        check(0, 1.0)
    with pytest.raises(TypeError, match='n 必须是题号'):
        solution(1.5)
    with pytest.raises(TypeError):
        ex(True)


def test_solutions_code_passes_its_own_checker():
    """讲解里给的参考代码 (reference code) 原样复制出来运行，也能通过检查。"""
    for number, name in ((6, 'dtanh'), (7, 'dsigmoid'), (8, 'ddiv'), (13, 'my_backward'), (15, 'softplus'),
                         (16, 'leaky_relu')):
        text = solution(number)
        code = '\n'.join(line[4:] for line in text.splitlines() if line.startswith('    '))
        namespace = {'math': math, 'topological_order': topological_order, 'edges': edges}
        exec(code, namespace)
        assert check(number, namespace[name]), (number, code)


def test_write_backward_restores_value_backward_even_when_the_answer_fails():
    before = Value.backward
    check(13, backward_crashes)
    check(13, backward_cheating)
    assert Value.backward is before
    v = Value(2.0)
    (v * v).backward()
    assert v.grad == 4.0


def test_the_mystery_function_really_breaks_only_z():
    torch = pytest.importorskip('torch')
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (0.5, -1.0, 2.0)]
    f = torch.tanh(xs[0] * xs[1]) + xs[2] ** 2 * xs[1]
    f.backward()
    leaves = [Value(x) for x in (0.5, -1.0, 2.0)]
    mystery(leaves).backward()
    ours = [v.grad for v in leaves]
    assert [math.isclose(a, t.grad.item(), rel_tol=1e-12) for a, t in zip(ours, xs)] == [True, True, False]
    assert ours[2] == 0.0 and xs[2].grad.item() == -4.0


def test_chapter_11_shows_every_statement_and_an_answer_cell():
    """第 11 章就是这些题目：每道题的每一行都在页面上，每道题下面有一格 check(n, …)。"""
    from pathlib import Path
    page = (Path(__file__).resolve().parent.parent / 'docs' / 'tutorial' / '11-exercises.md').read_text('utf-8')
    assert f'有 {len(EXERCISES)} 道题' in page
    at = 0
    for e in EXERCISES:
        heading = f'### 第 {e.number} 题 {e.title}'
        assert heading in page, heading
        at = page.index(heading, at)
        for line in e.statement.splitlines():
            if line.strip():
                assert line in page[at:], (e.number, line)
        assert f'check({e.number}, ' in page[at:], e.number
