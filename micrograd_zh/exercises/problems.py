"""全部题目 (all the exercises)，按学习的顺序：量斜率 → 局部导数 → 手算反向传播 → 写新运算 → 训练的选择。

每道题的正确答案都由引擎当场算出（不写死在这里），典型错误也由同样的算式故意算错得到。
"""

import math
import random
import statistics

from ..engine import Value, gradcheck, no_grad, topological_order
from ..lab import (backward_assign, backward_in_order, backward_recursive, first_reached, labelled, reuse_graph,
                   two_paths_graph)
from ..viz import fmt
from .checking import Exercise, as_number, close, correct, function, mistake, named, not_a, number

EXERCISES = []


def exercise(name, title, statement, hint, solution):
    """装饰器 (decorator)：登记一道题，被装饰的函数 check(answer) → Feedback 是它的检查器。

    solution 是一个不带参数的函数，返回讲解的文字（用到时才算，数字由引擎当场算出）。
    题目里的 <n> 换成这道题的编号。
    """
    def register(check):
        number = len(EXERCISES) + 1
        EXERCISES.append(Exercise(number, name, title, statement.strip().replace('<n>', str(number)),
                                  hint.strip(), check, solution))
        return check
    return register


def grad_of(f, *xs):
    """用引擎算 f 在 xs 处对每个输入的偏导数 (partial derivatives)。"""
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    return [v.grad for v in leaves]


def tanh_prime(x):
    return 1.0 - math.tanh(x) ** 2


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# ================================================================ 一、量斜率 (measuring a slope)
SLOPE_X = 2.0


def cube(x):
    return x ** 3


def _slope_text():
    right = grad_of(cube, SLOPE_X)[0]
    h = 1e-5
    central = (cube(SLOPE_X + h) - cube(SLOPE_X - h)) / (2 * h)
    return (f'中心差分 (central difference)，h = {h:g}：\n'
            f'  (f(2 + h) − f(2 − h)) / (2h) = {central!r}\n'
            f'引擎的 backward() 给出 {right!r}（解析导数 3x² = 12）。前向差分 (f(x+h) − f(x))/h 要 h 约 1e-6 以下才够准。')


@exercise('slope', '量一量斜率 (measure a slope)', """
f(x) = x³。不用求导公式，只用函数值：把 x = 2 推动一点点 h，量出 f 变了多少，
估计 f 在 x = 2 处的斜率 (slope)，也就是导数 (derivative) f′(2)。误差要小于 1e-4。
    def f(x):
        return x ** 3
答案是一个数。
""", """
斜率 ≈ Δf / Δx = (f(x + h) − f(x)) / h，这叫前向差分 (forward difference)；
h 越小越接近导数（导数就是 h → 0 时的极限）。更准的是中心差分 (central difference)：
(f(x + h) − f(x − h)) / (2h)。h 取 1e-5 左右试试。
""",
          solution=_slope_text)
def check_slope(answer):
    right = grad_of(cube, SLOPE_X)[0]
    return number(answer, right, tol=1e-4 / max(1.0, abs(right)), mistakes=[      # 绝对误差 1e-4
        (cube(SLOPE_X), f'{fmt(cube(SLOPE_X))} 是函数值 f(2)，不是斜率：斜率是 f 的变化量除以 x 的变化量。'),
        (-right, '符号反了：是 (f(x + h) − f(x)) / h，不是 (f(x) − f(x + h)) / h。'),
        (2 * right, '中心差分的两个点 x − h 和 x + h 相距 2h，要除以 2h，而不是 h。'),
        (lambda x: 0 < abs(x) < 1, '你的答案很小：像是只算了 f(x + h) − f(x)，还没有除以 h。'),
        (lambda x: right < x <= right + 7, '偏大一点：这是截断误差 (truncation error)。前向差分的误差约与 h 成正比，'
                                           '中心差分约与 h² 成正比：把 h 调小（如 1e-5），或改用中心差分。'),
        (lambda x: right - 7 <= x < right, '偏小一点：若用了后向差分 (f(x) − f(x − h)) / h，它的误差也与 h 成正比，'
                                           '把 h 调小；若 h 已经小于 1e-10，浮点数的舍入误差 (rounding error) '
                                           '反而变大，h 取 1e-5 左右。'),
    ])


PARTIAL_AT = (3.0, -2.0)


def partial_f(x, y):
    return x * x * y + y


def _partial_right():
    dx, dy = grad_of(partial_f, *PARTIAL_AT)
    return {'x': dx, 'y': dy}


def _partial_text():
    r = _partial_right()
    return (f'偏导数 (partial derivative) 每次只让一个变量动，另一个当常数：\n'
            f'  ∂f/∂x = 2x·y = {r["x"]!r}\n  ∂f/∂y = x² + 1 = {r["y"]!r}\n'
            f'梯度 (gradient) 是把它们排成的向量 (vector)：[{r["x"]!r}, {r["y"]!r}]，指向 f 增大最快的方向。')


@exercise('partial', '偏导数与梯度 (partial derivatives, gradient)', """
f(x, y) = x²·y + y。在 (x, y) = (3, −2) 处，分别量出（或推出）f 对 x 和对 y 的偏导数
(partial derivative) ∂f/∂x 和 ∂f/∂y。两个数合起来就是梯度 (gradient)。
答案写成 [∂f/∂x, ∂f/∂y]（或 {'x': …, 'y': …}）。
""", """
∂f/∂x：只推动 x（y 保持 −2 不动），看 f 变化多快；∂f/∂y：只推动 y。
推导时把另一个变量当成常数：x²·y 对 x 的导数是 2x·y。
""",
          solution=_partial_text)
def check_partial(answer):
    r = _partial_right()
    x, y = PARTIAL_AT
    return named(answer, ['x', 'y'], r, whole=[
        (lambda v: close(v['x'], r['y'], 1e-3) and close(v['y'], r['x'], 1e-3),
         '两项写反了：先写 ∂f/∂x，再写 ∂f/∂y。'),
        (lambda v: close(v['x'], r['x'] + r['y'], 1e-3) and close(v['y'], r['x'] + r['y'], 1e-3),
         '两项一样：像是同时推动了 x 和 y。偏导数每次只动一个变量，另一个保持不变。'),
    ], mistakes={
        'x': [(2 * x, 'x²·y 对 x 求导时 y 是常数，要乘上它：2x·y，而不是 2x。'),
              (-r['x'], '符号反了。')],
        'y': [(x * x, '别忘了最后的 + y：它对 y 的导数是 1。'),
              (-r['y'], '符号反了。')],
    })


BEST_H_X = 1.0


def _central_errors():
    """f = eˣ 在 x = 1 处，h = 10⁻ᵏ (k = 1…16) 的中心差分误差。"""
    exact = math.exp(BEST_H_X)
    errors = {}
    for k in range(1, 17):
        h = 10.0 ** -k
        errors[k] = abs((math.exp(BEST_H_X + h) - math.exp(BEST_H_X - h)) / (2 * h) - exact)
    return errors


def _best_ks():
    errors = _central_errors()
    best = min(errors.values())
    return sorted(k for k, e in errors.items() if e <= 10 * best), errors


def _best_h_text():
    ks, errors = _best_ks()
    rows = '\n'.join(f'  k = {k:2d}  误差 {e:.1e}' for k, e in errors.items())
    return (f'{rows}\n误差最小（与最小值相差不到 10 倍）的是 k = {ks}。h 太大，截断误差 (truncation error) ∝ h²；'
            f'h 太小，f(x+h) 和 f(x−h) 几乎相等，相减时浮点数的舍入误差 (rounding error) ∝ ε/h 变大'
            f'（ε ≈ 2.2e-16）。两者相当时最准：h ≈ ε^(1/3) ≈ 6e-6。')


@exercise('best_h', 'h 取多大 (choosing h)', """
用中心差分 (f(x + h) − f(x − h)) / (2h) 估计 f(x) = eˣ 在 x = 1 处的导数（精确值是 e = math.e）。
对 k = 1, 2, …, 16，取 h = 10⁻ᵏ，分别算出误差。哪个 k 的误差最小？
答案是整数 k（写成 h 本身也行，如 1e-3）。
""", """
写一个循环：for k in range(1, 17): h = 10.0 ** -k，算 abs(估计值 − math.e)，把误差打印出来比一比。
h 不是越小越好：太小时两个几乎相等的数相减，有效数字就丢了。
""",
          solution=_best_h_text)
def check_best_h(answer):
    x = as_number(answer)
    if x is None:
        return not_a('整数 k（或 h 本身）', answer)
    if 0 < x < 1:                                    # 写的是 h 本身
        k = -math.log10(x)
        if not close(k, round(k), 1e-9):
            return mistake(f'h = {x!r} 不是 10 的整数次幂：题目只比较 h = 10⁻ᵏ。')
        x = round(k)
    if x != int(x) or not 1 <= x <= 16:
        return mistake(f'k 是 1 到 16 的整数，而不是 {answer!r}。')
    ks, errors = _best_ks()
    k = int(x)
    if k in ks:
        return correct(f'k = {k} 时误差 {errors[k]:.1e}。')
    if k == 8:
        return mistake('h = 1e-8 是前向差分 (forward difference) 最准的地方（≈ √ε）；中心差分的截断误差 ∝ h²，'
                       '降得更快，所以最合适的 h 更大。')
    if k > max(ks):
        return mistake(f'h = 1e-{k} 太小了：误差 {errors[k]:.1e}，主要是舍入误差 (rounding error)，h 越小越大。')
    return mistake(f'h = 1e-{k} 太大了：误差 {errors[k]:.1e}，主要是截断误差 (truncation error) ∝ h²。')


# ================================================================ 二、局部导数 (local derivatives)
MUL_AT = (3.0, -4.0)


def _mul_right():
    da, db = grad_of(lambda a, b: a * b, *MUL_AT)
    return {'a': da, 'b': db}


@exercise('mul', '乘法的局部导数 (local derivatives of a product)', """
q = a · b，a = 3，b = −4。写出这个乘法节点的两个局部导数 (local derivative) ∂q/∂a 和 ∂q/∂b
（它们就是计算图里 a → q、b → q 两条边上的数）。答案写成 [∂q/∂a, ∂q/∂b]。
""", """
对 a 求导时把 b 当常数：q = b·a 是一条斜率为 b 的直线。
""",
          solution=lambda: (f'∂(a·b)/∂a = b = {_mul_right()["a"]!r}，∂(a·b)/∂b = a = {_mul_right()["b"]!r}：'
                   f'对 a 求导时 b 是常数，q = b·a 是斜率为 b 的直线。所以乘法节点把上游梯度乘上“另一个”输入传下去。'))
def check_mul(answer):
    r = _mul_right()
    a, b = MUL_AT
    return named(answer, ['a', 'b'], r, whole=[
        (lambda v: close(v['a'], a) and close(v['b'], b), '两项都写成了自己：∂(a·b)/∂a 是另一个因子 b，不是 a。'),
        (lambda v: close(v['a'], 1) and close(v['b'], 1), '1 和 1 是加法 a + b 的局部导数；乘法的不一样。'),
        (lambda v: close(v['a'], a * b) and close(v['b'], a * b), '那是 q 的值 a·b，不是导数。'),
    ])


PRODUCT_X = 0.5


def product_f(x):
    return x * x.exp()


def _product_text():
    right = grad_of(product_f, PRODUCT_X)[0]
    return (f'乘积法则 (product rule)：(u·v)′ = u′·v + u·v′。u = x，v = eˣ：\n'
            f'  f′(x) = 1·eˣ + x·eˣ = (1 + x)·eˣ，x = 0.5 时 = {right!r}\n'
            f'在计算图里 x 被用了两次（x 本身和 eˣ 的输入），两条路径的贡献相加，正好是这两项。')


@exercise('product_rule', '乘积法则 (product rule)', """
f(x) = x · eˣ。求 f 在 x = 0.5 处的导数 f′(0.5)。答案是一个数。
（用 micrograd_zh 写就是 f = x * x.exp()：x 在图里被用了两次。）
""", """
乘积法则 (product rule)：(u·v)′ = u′·v + u·v′。这里 u = x，v = eˣ，而 (eˣ)′ = eˣ。
""",
          solution=_product_text)
def check_product_rule(answer):
    x = PRODUCT_X
    e = math.exp(x)
    return number(answer, grad_of(product_f, x)[0], mistakes=[
        (e, '只算了 u′·v = 1·eˣ 这一项，漏了 u·v′ = x·eˣ。'),
        (x * e, '只算了 u·v′ = x·eˣ 这一项，漏了 u′·v = 1·eˣ。'),
        (e + x, 'eˣ 的导数还是 eˣ，不是 1。'),
        (-(1 + x) * e, '符号反了。'),
    ])


POINTS = [(-2.0,), (-0.5,), (0.1,), (0.7,), (1.5,)]


@exercise('tanh', 'tanh 的导数 (derivative of tanh)', """
写一个函数 dtanh(x)，返回 tanh 在 x 处的导数 (derivative)。x 是一个 float（math.tanh 可以用）。
    def dtanh(x):
        ...
答案是这个函数：check(<n>, dtanh)。
""", """
tanh x = sinh x / cosh x。用商法则 (quotient rule)，再用 cosh² − sinh² = 1。
结果可以只用 t = tanh(x) 写出来。
""",
          solution=lambda: ('t = tanh(x)，tanh′(x) = 1 − t²（等价写法：1/cosh²(x)、(1 − t)(1 + t)）。\n'
                   '    def dtanh(x):\n        t = math.tanh(x)\n        return 1 - t * t\n'
                   '推导：tanh x = sinh x / cosh x，用商法则 (quotient rule) 得 (cosh² − sinh²)/cosh² = 1 − tanh²。'
                   f'例如 x = 0.8814 时 t = {math.tanh(0.8813735870195432):.4f}，1 − t² = '
                   f'{tanh_prime(0.8813735870195432):.4f}（讲座里神经元的那个 0.5）。'))
def check_tanh(answer):
    return function(answer, tanh_prime, POINTS, mistakes=[
        (lambda x: 1 - math.tanh(x), '忘了平方：是 1 − t²，不是 1 − t。'),
        (lambda x: 1 - x * x, '要用 t = tanh(x) 的值：1 − t²，不是 1 − x²。'),
        (lambda x: math.tanh(x) ** 2, '差一点：是 1 − t²，不是 t²。'),
        (lambda x: 1 / math.cosh(x), '1/cosh(x) 还要平方：1/cosh²(x)。'),
        (math.tanh, '那是 tanh 本身，不是它的导数。'),
        (lambda x: -tanh_prime(x), '符号反了：tanh 是递增函数，导数处处为正。'),
    ])


@exercise('sigmoid', 'sigmoid 的导数 (derivative of sigmoid)', """
σ(x) = 1 / (1 + e⁻ˣ)。写一个函数 dsigmoid(x)，返回 σ′(x)。x 是一个 float。
    def dsigmoid(x):
        ...
答案是这个函数：check(<n>, dsigmoid)。
""", """
把 σ 写成 (1 + e⁻ˣ)⁻¹，用链式法则 (chain rule)：外层 u⁻¹ 的导数是 −u⁻²，内层 1 + e⁻ˣ 的导数是 −e⁻ˣ。
结果可以只用 s = σ(x) 写出来。
""",
          solution=lambda: ('s = σ(x) = 1/(1 + e⁻ˣ)，σ′(x) = s·(1 − s)（等价写法：e⁻ˣ/(1 + e⁻ˣ)²）。\n'
                   '    def dsigmoid(x):\n        s = 1 / (1 + math.exp(-x))\n        return s * (1 - s)\n'
                   f'推导：σ = (1 + e⁻ˣ)⁻¹，链式法则 (chain rule) 得 e⁻ˣ/(1 + e⁻ˣ)² = σ·(1 − σ)。x = 0 时是 '
                   f'{sigmoid(0.0) * (1 - sigmoid(0.0))!r}，最大。'))
def check_sigmoid(answer):
    def right(x):
        s = sigmoid(x)
        return s * (1 - s)
    return function(answer, right, POINTS, mistakes=[
        (lambda x: 1 - sigmoid(x) ** 2, '1 − s² 是 tanh 的形式；sigmoid 的是 s·(1 − s)。'),
        (sigmoid, '那是 σ 本身，不是它的导数。'),
        (lambda x: x * (1 - x), '要用 s = σ(x) 的值：s·(1 − s)，不是 x·(1 − x)。'),
        (lambda x: sigmoid(x) * (1 + sigmoid(x)), '是 s·(1 − s)，不是 s·(1 + s)。'),
        (lambda x: math.exp(-x) / (1 + math.exp(-x)), '分母 (1 + e⁻ˣ) 要平方：u⁻¹ 的导数是 −u⁻²。'),
        (lambda x: -right(x), '符号反了：σ 是递增函数，导数处处为正。'),
    ])


DIV_POINTS = [(3.0, -4.0), (1.5, 2.0), (-2.0, 0.5)]


@exercise('div', '除法的局部导数 (local derivatives of a quotient)', """
q = a / b。写一个函数 ddiv(a, b)，返回两个局部导数 (∂q/∂a, ∂q/∂b)（一个元组 tuple）。
    def ddiv(a, b):
        ...
答案是这个函数：check(<n>, ddiv)。
""", """
把 a / b 写成 a · b⁻¹。对 a：b⁻¹ 是常数。对 b：a 是常数，b⁻¹ 的导数是 −b⁻²。
""",
          solution=lambda: ('q = a / b = a · b⁻¹：\n  ∂q/∂a = 1/b（b 当常数）\n  ∂q/∂b = a · (−b⁻²) = −a/b²\n'
                   '    def ddiv(a, b):\n        return 1 / b, -a / b ** 2\n'
                   f'例如 a = 3，b = −4：({1 / -4.0!r}, {-3.0 / 16.0!r})。'))
def check_div(answer):
    return function(answer, lambda a, b: (1 / b, -a / b ** 2), DIV_POINTS, mistakes=[
        (lambda a, b: (1 / b, a / b ** 2), '∂q/∂b 的符号反了：b 变大时 a/b 的绝对值变小，b⁻¹ 的导数是 −b⁻²。'),
        (lambda a, b: (1 / b, -1 / b ** 2), '∂q/∂b 还要乘上 a：a·(−b⁻²)。'),
        (lambda a, b: (1 / b, -a / b), '∂q/∂b：b⁻¹ 的导数是 −b⁻²（分母要平方）。'),
        (lambda a, b: (b, a), '那是乘法 a·b 的局部导数。'),
        (lambda a, b: (-a / b ** 2, 1 / b), '两项写反了：先 ∂q/∂a，再 ∂q/∂b。'),
    ])


CHAIN_X = 0.2


def chain_f(x):
    return (3 * x).tanh()


@exercise('chain', '链式法则 (chain rule)', """
f(x) = tanh(3x)。求 f′(0.2)。答案是一个数。
""", """
设 u = 3x，f = tanh(u)。链式法则：df/dx = df/du · du/dx。df/du 用 u 处的 t = tanh(u)。
""",
          solution=lambda: (f'f = tanh(u)，u = 3x。链式法则 (chain rule)：f′ = tanh′(u) · u′ = (1 − tanh²(3x)) · 3。\n'
                   f'x = 0.2：u = 0.6，t = tanh(0.6) = {math.tanh(0.6):.6f}，f′ = 3·(1 − t²) = '
                   f'{grad_of(chain_f, CHAIN_X)[0]!r}。'))
def check_chain(answer):
    x = CHAIN_X
    t = math.tanh(3 * x)
    return number(answer, grad_of(chain_f, x)[0], mistakes=[
        (1 - t * t, '忘了链式法则里内层的导数：u = 3x，du/dx = 3，还要乘 3。'),
        (3 * (1 - t), '是 1 − t²，不是 1 − t。'),
        (3 * (1 - math.tanh(x) ** 2), 't 要用 tanh(3x) = tanh(0.6)，不是 tanh(0.2)。'),
        (3 * (1 - (3 * x) ** 2), '要用 t = tanh(3x) 的值：1 − t²，不是 1 − (3x)²。'),
        (1 - t, '两处：是 1 − t²，而且还要乘内层的导数 3。'),
    ])


# ================================================================ 三、手算反向传播 (backprop by hand)
def lecture_graph():
    """讲座的第一张图：L = (a·b + c)·f。"""
    a, b, c, f = Value(2.0, label='a'), Value(-3.0, label='b'), Value(10.0, label='c'), Value(-2.0, label='f')
    d = labelled(labelled(a * b, 'e') + c, 'd')
    return labelled(d * f, 'L')


def _grads_by_label(root):
    root.backward()
    return {v.label: v.grad for v in topological_order(root) if v.label}


@exercise('by_hand', '手算反向传播 (backprop by hand)', """
a = 2，b = −3，c = 10，f = −2；e = a·b，d = e + c，L = d·f（讲座里的第一张图）。
从 L 出发，一个节点一个节点地手算 L 对每个量的导数 ∂L/∂d、∂L/∂e、∂L/∂c、∂L/∂a、∂L/∂b、∂L/∂f。
答案写成 dict：{'d': …, 'e': …, 'c': …, 'a': …, 'b': …, 'f': …}。
""", """
从 ∂L/∂L = 1 开始往回走。每个节点的梯度 = 上游梯度 (upstream gradient，离 L 更近的那个节点的梯度)
× 这条边的局部导数。加法的局部导数是 1，乘法的是“另一个”输入。
""",
          solution=lambda: ('从 L 往回，每一步 上游梯度 × 局部导数：\n'
                   '  ∂L/∂d = f = −2，∂L/∂f = d = 4\n  ∂L/∂e = ∂L/∂d × 1 = −2，∂L/∂c = −2\n'
                   '  ∂L/∂a = ∂L/∂e × b = −2 × −3 = 6，∂L/∂b = ∂L/∂e × a = −2 × 2 = −4\n'
                   f'引擎：{_grads_by_label(lecture_graph())}'))
def check_by_hand(answer):
    r = _grads_by_label(lecture_graph())
    upstream = '只写了局部导数 (local derivative)，还要乘上游梯度 (upstream gradient) ∂L/∂e。'
    return named(answer, ['d', 'e', 'c', 'a', 'b', 'f'], r, mistakes={
        'd': [(4.0, '4 是 d 的值；∂L/∂d 是 L = d·f 里“另一个”因子。')],
        'e': [(1.0, '∂d/∂e = 1 只是局部导数，还要乘上游梯度 ∂L/∂d。')],
        'c': [(1.0, '∂d/∂c = 1 只是局部导数，还要乘上游梯度 ∂L/∂d。')],
        'a': [(-3.0, '∂e/∂a = b = −3 ' + upstream), (4.0, 'e = a·b 对 a 的局部导数是 b，不是 a。'),
              (-6.0, '符号反了：−2 × −3 是正数。')],
        'b': [(2.0, '∂e/∂b = a = 2 ' + upstream), (6.0, 'e = a·b 对 b 的局部导数是 a，不是 b。'),
              (4.0, '符号反了。')],
        'f': [(-2.0, '−2 是 f 的值；∂L/∂f 是 L = d·f 里“另一个”因子 d。'), (-4.0, '符号反了。')],
    })


NEURON = {'x1': 2.0, 'x2': 0.0, 'w1': -3.0, 'w2': 1.0, 'b': 6.8813735870195432}


def neuron_graph():
    """讲座里的神经元：o = tanh(x1·w1 + x2·w2 + b)。返回 (o, n, 叶子的 dict)。"""
    v = {k: Value(x, label=k) for k, x in NEURON.items()}
    n = labelled(v['x1'] * v['w1'] + v['x2'] * v['w2'] + v['b'], 'n')
    return labelled(n.tanh(), 'o')


def _neuron_right():
    return _grads_by_label(neuron_graph())


@exercise('neuron', '讲座里的神经元 (the lecture\'s neuron)', """
o = tanh(n)，n = x1·w1 + x2·w2 + b，其中 x1 = 2，x2 = 0，w1 = −3，w2 = 1，b = 6.8813735870195432
（Karpathy 讲座 “The spelled-out intro to neural networks and backpropagation: building micrograd” 里的神经元）。
求 ∂o/∂n、∂o/∂w1、∂o/∂x1、∂o/∂w2、∂o/∂x2、∂o/∂b。
答案写成 dict：{'n': …, 'w1': …, 'x1': …, 'w2': …, 'x2': …, 'b': …}。
""", """
先算前向：n 是多少？o = tanh(n) 是多少？tanh 的局部导数是 1 − o²。
之后每个量的导数 = ∂o/∂n × 它在 n 里的局部导数（n 是一串乘积的和）。
""",
          solution=lambda: ('o = tanh(n)，n = 0.8814，o = 0.7071：\n  ∂o/∂n = 1 − o² = 1 − 0.5 = 0.5\n'
                   '  ∂o/∂w1 = ∂o/∂n × x1 = 0.5 × 2 = 1，∂o/∂x1 = 0.5 × w1 = −1.5\n'
                   '  ∂o/∂w2 = 0.5 × x2 = 0，∂o/∂x2 = 0.5 × w2 = 0.5，∂o/∂b = 0.5 × 1 = 0.5\n'
                   f'引擎：{ {k: round(v, 12) for k, v in _neuron_right().items() if k != "o"} }'))
def check_neuron(answer):
    r = _neuron_right()
    o = math.tanh(sum(NEURON[x] * NEURON[w] for x, w in (('x1', 'w1'), ('x2', 'w2'))) + NEURON['b'])
    dn, bad = 1 - o * o, 1 - o
    up = '忘了乘上游梯度 (upstream gradient) ∂o/∂n。'
    one_minus_t = '∂o/∂n 用了 1 − o；tanh 的导数是 1 − o²。'
    m = {'n': [(bad, '是 1 − o²，不是 1 − o。'), (o, '那是 o 的值。'), (1 - 0.8813735870195432 ** 2,
                                                                   '要用 o = tanh(n) 的值：1 − o²，不是 1 − n²。')]}
    for x, w in (('x1', 'w1'), ('x2', 'w2')):
        vx, vw = NEURON[x], NEURON[w]
        m[w] = [(t, msg) for t, msg in ((vx, up), (vw * dn, f'∂({x}·{w})/∂{w} 是 {x}，不是 {w}。'),
                                        (vx * bad, one_minus_t)) if not close(t, r[w])]
        m[x] = [(t, msg) for t, msg in ((vw, up), (vx * dn, f'∂({x}·{w})/∂{x} 是 {w}，不是 {x}。'),
                                        (vw * bad, one_minus_t)) if not close(t, r[x])]
    m['b'] = [(1.0, up), (bad, one_minus_t)]
    return named(answer, ['n', 'w1', 'x1', 'w2', 'x2', 'b'], r, mistakes=m)


REUSE_A = 1.5


def reuse_f(a):
    b = a * a
    return b * a


@exercise('reuse', '被用了好几次的节点 (a node used more than once)', """
a = 1.5，b = a·a，c = b·a。用反向传播的办法（不要先化简成 a³）求 ∂c/∂a。答案是一个数。
""", """
数一数 a 在计算图里有几条边连出去（a·a 算两条）。每条边都送回一份“上游梯度 × 局部导数”，
a 的梯度是它们的和：+=，不能 =。
""",
          solution=lambda: (f'a 在图里被用了三次：b = a·a 里两次，c = b·a 里一次。三条边的贡献相加 (+=)：\n'
                   f'  直接那条：∂c/∂a = b = {REUSE_A ** 2!r}\n'
                   f'  经过 b 的两条：∂c/∂b × ∂b/∂a = a × (a + a) = {REUSE_A * 2 * REUSE_A!r}\n'
                   f'  合计 {grad_of(reuse_f, REUSE_A)[0]!r}（= 3a²，因为 c = a³）'))
def check_reuse(answer):
    a = REUSE_A
    return number(answer, grad_of(reuse_f, a)[0], mistakes=[
        (a * a, '只算了 c = b·a 直接连到 a 的那条边（或者用 = 覆盖了前面的贡献）：a 一共被用了三次，'
                '三条边的贡献都要加起来 (+=)。'),
        (2 * a * a, '少了一条边：a 直接连着 c（c = b·a）一条，经过 b 两条（b = a·a 里 a 出现两次）。'),
        (a ** 3, '那是 c 的值，不是导数。'),
    ])


# ---------------------------------------------------------------- 自己写 backward
def _backward_graphs():
    """几张小图，检查学习者的 backward：都由同样的代码建两份，一份给引擎，一份给学习者。"""
    def leaf_twice():
        x, y = Value(0.5, label='x'), Value(-1.5, label='y')
        return labelled((x * y).tanh() + x.exp(), 'q')
    return {'b = a + a, c = b + b': reuse_graph, '讲座的图 (lecture graph)': lecture_graph,
            'L = b·c, c = b + k': two_paths_graph, '讲座的神经元 (lecture neuron)': neuron_graph,
            'q = tanh(x·y) + eˣ': leaf_twice}


def _run(build, backward):
    root = build()
    backward(root)
    return [v.grad for v in topological_order(root)]


def _typical_backward_mistakes():
    return [
        (backward_assign, '你用了 = 而不是 +=：一个节点被几条边用到时，只留下了最后一条边的贡献。'),
        (lambda r: backward_in_order(r, topological_order(r)),
         '顺序反了：要按拓扑序的逆序 reversed(topological_order(root)) 从输出往输入走。'),
        (lambda r: backward_in_order(r, first_reached(r)),
         '顺序不对：深度优先、第一次走到就处理的顺序不是拓扑序；节点要先收齐所有上游梯度再往下传。'),
        (backward_recursive, '沿每条路径递归会把共享的节点处理好几次：先 topological_order，再按它的逆序走一遍。'),
        (lambda r: None, '所有梯度都是 0：别忘了起点 root.grad = 1.0（∂L/∂L = 1）。'),
    ]


def _refuse_backward(self):
    raise RuntimeError('这道题要自己写循环：不要调用 .backward() (write the loop yourself; do not call .backward())')


@exercise('write_backward', '自己写 backward (write backward yourself)', """
写一个函数 my_backward(root)，做和 root.backward() 一样的事：算出图里每个节点的 grad。可以用
    from micrograd_zh import topological_order     # 拓扑序 (topological order)：每个节点排在用到它的节点之前
    from micrograd_zh.lab import edges              # edges(node)：[(子节点 child, 局部导数 ∂node/∂child), ...]
不能调用 .backward()。答案是这个函数：check(<n>, my_backward)。检查时会在几张新建的小图上运行它
（节点的 grad 一开始都是 0），和引擎的结果逐个节点比较。
""", """
三件事：起点的梯度是多少？按什么顺序处理节点？每条边怎样把梯度交给子节点（一个子节点可能有好几条边）？
""",
          solution=lambda: ('    def my_backward(root):\n'
                   '        order = topological_order(root)\n'
                   '        root.grad = 1.0\n'
                   '        for node in reversed(order):\n'
                   '            for child, local in edges(node):\n'
                   '                child.grad += local * node.grad\n'
                   '三件事：起点 root.grad = 1；逆拓扑序（每个节点先收齐上游梯度再往下传）；+= 累加每条边的贡献。'))
def check_write_backward(answer):
    if not callable(answer):
        return not_a('一个函数 my_backward(root)', answer)
    graphs = _backward_graphs()
    saved = Value.backward
    Value.backward = _refuse_backward
    try:
        mine = {name: _run(build, answer) for name, build in graphs.items()}
    except Exception as exc:
        return mistake(f'你的函数出错了：{type(exc).__name__}: {exc}')
    finally:
        Value.backward = saved
    right = {name: _run(build, Value.backward) for name, build in graphs.items()}
    same = lambda x, y: all(close(a, b, 1e-9) for a, b in zip(x, y))       # noqa: E731
    if all(same(mine[n], right[n]) for n in graphs):
        return correct('和引擎的 backward() 在每张图的每个节点上都相同。')
    for backward, message in _typical_backward_mistakes():
        if all(same(mine[n], _run(build, backward)) for n, build in graphs.items()):
            return mistake(message)
    name = next(n for n in graphs if not same(mine[n], right[n]))
    root = graphs[name]()
    labels = [v.label or f'#{i}' for i, v in enumerate(topological_order(root))]
    wrong = [lab for lab, m, r in zip(labels, mine[name], right[name]) if not close(m, r, 1e-9)]
    return mistake(f'在图 {name} 上，这些节点的 grad 与 backward() 不同：{", ".join(wrong)}。')


ACCUMULATE_LR = 0.1


def _accumulate_run(zero_grad):
    w = Value(1.0)
    grads = []
    for _ in range(3):
        if zero_grad:
            w.grad = 0.0
        loss = (w - 3) ** 2
        before = w.grad
        loss.backward()
        grads.append((w.grad, w.grad - before))
        w.data -= ACCUMULATE_LR * w.grad
    return grads


@exercise('accumulate', '忘了清零 (forgot zero_grad)', """
下面的训练循环忘了清零梯度 (zero_grad)：
    w = Value(1.0)
    for step in range(3):
        loss = (w - 3) ** 2
        loss.backward()
        w.data -= 0.1 * w.grad
第 3 次 backward() 之后（更新之前）w.grad 是多少？先手算，再运行核对。答案是一个数。
""", """
叶子节点 (leaf) 的 grad 在多次 backward() 之间累加 (accumulate)。每一步 w 都不同，
所以每一步新加进去的梯度 2(w − 3) 也不同。一步一步地记下 w 和 w.grad。
""",
          solution=lambda: ('不清零时 w.grad 是到现在为止每一步梯度的和：\n' +
                   '\n'.join(f'  第 {i} 次 backward：这一步的梯度 {own:.4g}，w.grad = {total:.4g}'
                             for i, (total, own) in enumerate(_accumulate_run(False), 1)) +
                   '\n每一步 w 都变了，所以每一步自己的梯度也不同；w.grad 把它们都加在一起。'))
def check_accumulate(answer):
    buggy, clean = _accumulate_run(False), _accumulate_run(True)
    return number(answer, buggy[2][0], mistakes=[
        (clean[2][0], '那是每一步都清零时的值；这个循环没有清零，梯度会累加。'),
        (buggy[2][1], '那只是第 3 步自己的梯度；前两步的梯度还留在 w.grad 里，要加上。'),
        (3 * buggy[0][0], 'w 每一步都变了，所以每一步的梯度也不同，不能把第 1 步的梯度乘 3。'),
        (buggy[0][0], '那是第 1 步的梯度；后面两次 backward 又加了两次。'),
    ])


# ================================================================ 四、写一个新运算 (a new op)
SOFTPLUS_POINTS = [-3.0, -0.5, 0.3, 1.2, 4.0]


def _new_op_check(answer, name, reference, points, build_hint, wrong_values=()):
    """检查学习者用 Value 运算搭出来的新运算 fn(x)：值对、x 的梯度对、能过 gradcheck。

    reference(x) → (值, 导数)；wrong_values 是 [(典型错误的函数 f(x) → 值, 提示)]，值不对时拿来比。
    """
    if not callable(answer):
        return not_a(f'一个函数 {name}(x)', answer)
    for x in points:
        leaf = Value(x)
        try:
            out = answer(leaf)
        except Exception as exc:
            return mistake(f'{name}(Value({x})) 出错：{type(exc).__name__}: {exc}')
        if not isinstance(out, Value):
            return mistake(f'{name} 返回的是 {type(out).__name__}，不是 Value：要用 Value 的运算（{build_hint}），'
                           f'梯度才能传回 x。')
        want, dwant = reference(x)
        if not close(out.data, want, 1e-9):
            for wrong, message in wrong_values:
                w = wrong(x)
                if close(out.data, w, 1e-9) or (out.data != out.data and w != w):    # nan 对上 nan 也算
                    return mistake(message)
            return mistake(f'值不对：{name}({x}) 你的是 {out.data!r}，按定义应为 {want!r}。')
        out.backward()
        if leaf.grad == 0.0 and dwant != 0.0:
            return mistake(f'返回的 Value 和 x 没有连在一起：backward() 之后 x.grad 是 0。'
                           f'不要用 x.data 或 math 里的函数算，要用 Value 的运算（{build_hint}）。')
        if not close(leaf.grad, dwant, 1e-6):
            return mistake(f'值对，但梯度不对：x = {x} 时 x.grad = {leaf.grad!r}，应为 {dwant!r}。'
                           f'是不是有一部分是用 .data 算的（那一部分就没有边）？')
        try:
            gradcheck(lambda v: answer(v[0]), [x])
        except AssertionError as exc:
            return mistake(f'gradcheck 没通过：{exc}')
    return correct(f'{name} 的值和梯度都对，gradcheck 也通过了。')


def _softplus_reference(x):
    return math.log1p(math.exp(x)), sigmoid(x)


@exercise('softplus', '用 Value 搭一个新运算 (build a new op from Values)', """
softplus(x) = ln(1 + eˣ)。写一个函数 softplus(x)：x 是 Value，返回 Value，只用 Value 的运算
（x.exp()、x.log()、+、* 等）搭起来，这样 backward() 就能自动求出它的导数。
    def softplus(x):
        ...
检查时会在几个 x 上比较值，做 backward()，再用 gradcheck 核对。答案是这个函数：check(<n>, softplus)。
""", """
Value 有 .exp() 和 .log()，数字可以和 Value 相加（1 + x.exp()）。不要用 math.exp(x.data)：
那样得到的是一个普通的数，和 x 之间没有边，梯度传不回去。
""",
          solution=lambda: ('    def softplus(x):\n        return (1 + x.exp()).log()\n'
                   '只用 Value 的运算 exp、+、log 搭起来，每一步都有边和局部导数，backward() 自动得到\n'
                   'softplus′(x) = eˣ/(1 + eˣ) = σ(x)：softplus 是 ReLU 的光滑版本，它的导数正好是 sigmoid。'))
def check_softplus(answer):
    return _new_op_check(answer, 'softplus', _softplus_reference, SOFTPLUS_POINTS, 'x.exp()、.log()、+', [
        (lambda x: x, '你的结果就是 x：ln(eˣ) = x，少了里面的 1 +，是 ln(1 + eˣ)。'),
        (lambda x: 1 + math.exp(x), '还差最后一步：1 + eˣ 之后再取对数 .log()。'),
        (lambda x: math.log1p(x) if x > -1 else math.nan, '是 ln(1 + eˣ)，不是 ln(1 + x)：先 x.exp()。'),
    ])


LEAKY_POINTS = [-2.0, -0.3, 0.5, 3.0]


def _leaky_reference(x):
    return (x, 1.0) if x > 0 else (0.1 * x, 0.1)


@exercise('leaky_relu', 'Leaky ReLU', """
leaky_relu(x) = x（x > 0 时），0.1·x（x ≤ 0 时）。写一个函数 leaky_relu(x)：x 是 Value，返回 Value，
用 Value 的运算搭起来（例如 .relu() 和算术）。负半轴的斜率是 0.1，所以那里的梯度不是 0。
答案是这个函数：check(<n>, leaky_relu)。
""", """
relu(x) 只留下正的部分；relu(−x) 只留下负的部分（变成正数）。把这两部分按需要的斜率组合起来。
""",
          solution=lambda: ('    def leaky_relu(x):\n        return x.relu() - 0.1 * (-x).relu()\n'
                   'x > 0 时第二项是 0，剩下 x；x < 0 时第一项是 0，−0.1·(−x) = 0.1x。'
                   '也可以按 x.data 的正负选：x if x.data > 0 else 0.1 * x —— 两个分支都是 Value 的运算，所以也对。'))
def check_leaky_relu(answer):
    return _new_op_check(answer, 'leaky_relu', _leaky_reference, LEAKY_POINTS, '.relu()、*、-', [
        (lambda x: max(x, 0.0), '负半轴全是 0：那是普通的 ReLU。leaky_relu 在 x < 0 时是 0.1·x。'),
        (lambda x: x if x > 0 else -0.1 * x, '负半轴的符号反了：x = −2 时应为 0.1 × (−2) = −0.2，是负数。'),
        (lambda x: 0.1 * x if x > 0 else x, '两个斜率用反了：x > 0 时是 x 本身，x ≤ 0 时才乘 0.1。'),
    ])


MYSTERY_AT = [0.5, -1.0, 2.0]


def mystery(v):
    """第 17 题的函数：f(x, y, z) = tanh(x·y) + z²·y。写它的人在一个地方犯了错。"""
    x, y, z = v
    return (x * y).tanh() + z.data ** 2 * y


def _mystery_grads():
    """mystery 在 MYSTERY_AT 处每个输入的（解析 backward, 数值 中心差分）梯度。"""
    leaves = [Value(x) for x in MYSTERY_AT]
    mystery(leaves).backward()
    h, pairs = 1e-6, []
    for i, leaf in enumerate(leaves):
        up = [Value(x + h if j == i else x) for j, x in enumerate(MYSTERY_AT)]
        down = [Value(x - h if j == i else x) for j, x in enumerate(MYSTERY_AT)]
        pairs.append((leaf.grad, (mystery(up).data - mystery(down).data) / (2 * h)))
    return pairs


def _broken_input():
    return next(i for i, (analytic, numeric) in enumerate(_mystery_grads()) if not close(analytic, numeric, 1e-5))


def _find_bug_text():
    i = _broken_input()
    analytic, numeric = _mystery_grads()[i]
    return (f'gradcheck(mystery, {MYSTERY_AT}) 报告输入 {i}（{"xyz"[i]}）的梯度不符：'
            f'解析 (analytic) {analytic!r}，数值 (numeric) {numeric:.6f}。\n'
            f'原因是 z.data ** 2：.data 是一个普通的 float，z² 这一项和 z 之间没有边，梯度传不回 z。\n'
            f'改成 z ** 2 * y（Value 的运算）就对了。y 的梯度没错：z.data² 作为常数乘 y，这条边的局部导数 z² 是对的。')


@exercise('find_bug', '用 gradcheck 找错 (find the bug with gradcheck)', """
micrograd_zh.exercises.problems 里的函数 mystery(v) 算 f(x, y, z) = tanh(x·y) + z²·y，v = [x, y, z]。
写它的人在一个地方犯了错，有一个输入的梯度不对。用 gradcheck 找出是哪一个：
    from micrograd_zh import gradcheck
    from micrograd_zh.exercises.problems import mystery
    gradcheck(mystery, [0.5, -1.0, 2.0])
答案是那个输入的序号（0、1 或 2；写 'x'、'y'、'z' 也行）。然后读 mystery 的源代码，看看错在哪里。
""", """
gradcheck 对每个输入做中心差分，和 backward() 的结果比；不符时抛出 AssertionError，信息里写着“输入 i”。
用 try/except AssertionError as err: print(err) 看它。
""",
          solution=_find_bug_text)
def check_find_bug(answer):
    if isinstance(answer, str):
        index = {'x': 0, 'y': 1, 'z': 2}.get(answer.strip().lower())
    else:
        index = as_number(answer)
    if index is None or index not in (0, 1, 2, 3):
        return not_a("0、1、2 中的一个（或 'x'、'y'、'z'）", answer)
    broken = _broken_input()
    if index == broken:
        return correct('现在读一读 mystery 的源代码（import inspect; print(inspect.getsource(mystery))），看看为什么。')
    if index == broken + 1:
        return mistake('序号从 0 开始数：x 是 0，y 是 1，z 是 2。')
    return mistake('不是这一个：gradcheck 抛出的 AssertionError 里写着是哪一个输入（“输入 i”）。')


# ================================================================ 五、训练的选择 (choices in training)
INIT_DEPTH, INIT_WIDTH, INIT_IN = 5, 32, 16


def init_stds(init):
    """MLP(16, [32]*5 + [1], ReLU) 用 init 初始化时，每个隐藏层输出的标准差 (standard deviation)。"""
    from ..nn import MLP
    rng = random.Random(0)
    X = [[rng.gauss(0.0, 1.0) for _ in range(INIT_IN)] for _ in range(16)]
    model = MLP(INIT_IN, [INIT_WIDTH] * INIT_DEPTH + [1], activation='relu', init=init, seed=0)
    stds, acts = [], X
    with no_grad():
        for layer in model.layers[:-1]:
            acts = [[v.data for v in layer(x)] for x in acts]
            stds.append(statistics.pstdev([v for row in acts for v in row]))
    return stds


@exercise('init', '选初始化 (choose an initialisation)', """
一个很深的 ReLU 网络：MLP(16, [32, 32, 32, 32, 32, 1], activation='relu', init=?)。
在 'zeros'、'uniform'、'normal'、'xavier'、'he' 里选一个，让五个隐藏层输出的标准差 (standard deviation)
从第一层到最后一层大致不变（不消失也不爆炸）。答案是这个名字（字符串）。
可以自己量：建好模型，用 no_grad() 把随机输入一层层送进去，用 statistics.pstdev 算每层输出的标准差。
""", """
一个神经元把 fan_in 个输入加权相加：和的方差 ≈ fan_in × 权重的方差 × 输入的方差。
ReLU 又把一半的值变成 0，方差再减半。哪种初始化的权重方差正好把这两件事抵消？
""",
          solution=lambda: ('He（Kaiming）初始化：N(0, 2/fan_in)。ReLU 把大约一半的输入变成 0，输出的方差 (variance) 减半；\n'
                   '方差乘 2 补回来，每层的激活就大致不变。实测五个隐藏层的标准差：\n' +
                   '\n'.join(f'  {init:8s} ' + ' '.join(f'{s:.3g}' for s in init_stds(init))
                             for init in ('zeros', 'uniform', 'normal', 'xavier', 'he'))))
def check_init(answer):
    if not isinstance(answer, str):
        return not_a("一个名字（字符串），如 'xavier'", answer)
    name = {'kaiming': 'he', 'glorot': 'xavier'}.get(answer.lower(), answer.lower())
    if name not in ('zeros', 'uniform', 'normal', 'xavier', 'he'):
        return mistake(f"{answer!r} 不在选项里：'zeros'、'uniform'、'normal'、'xavier'、'he'。")
    s = init_stds(name)
    measured = f'实测五个隐藏层的标准差：{" → ".join(f"{v:.3g}" for v in s)}'
    if name == 'he':
        return correct(measured + '。')
    if name == 'zeros':
        return mistake(measured + '。全 0 时每个激活都是 0，梯度也是 0，同一层的神经元永远一样（对称性 symmetry）。')
    if name == 'xavier':
        return mistake(measured + '，越来越小。Xavier 是为 tanh 这类关于 0 对称的激活设计的；'
                                  'ReLU 把一半变成 0，方差每层减半。')
    return mistake(measured + '，越来越大：权重的方差不随 fan_in 缩小，每层都放大。')


LR_STEPS, LR_TARGET = 20, 1e-3


def descend(lr, steps=LR_STEPS):
    """在 L = 5w² 上从 w = 1 出发做 steps 步梯度下降，返回最后的 w。"""
    w = Value(1.0)
    for _ in range(steps):
        w.grad = 0.0
        (5 * w * w).backward()
        w.data -= lr * w.grad
        if not math.isfinite(w.data):
            break
    return w.data


@exercise('learning_rate', '选学习率 (choose a learning rate)', """
损失 L = 5w²，从 w = 1 出发做梯度下降 (gradient descent)：每一步 w.data -= lr * w.grad。
给一个学习率 (learning rate) lr，让 20 步之后 |w| < 0.001。答案是一个数。
""", """
∂L/∂w = 10w，所以每一步 w 乘以同一个数 (1 − 10·lr)。这个数的绝对值要多小，20 次方才小于 0.001？
""",
          solution=lambda: ('L = 5w²，∂L/∂w = 10w，每一步 w ← w − lr·10w = (1 − 10·lr)·w。20 步后 w = (1 − 10·lr)²⁰。\n'
                   '要 |1 − 10·lr|²⁰ < 1e-3，即 |1 − 10·lr| < 0.708，lr 在 0.03 到 0.17 之间都行；lr = 0.1 一步就到 0。\n'
                   f'lr = 0.2 时每一步 w 变号、大小不变（实测 20 步后 w = {descend(0.2)!r}）；再大就发散。'))
def check_learning_rate(answer):
    lr = as_number(answer)
    if lr is None:
        return not_a('一个数（学习率）', answer)
    if lr <= 0:
        return mistake('学习率要大于 0：lr ≤ 0 时 w 不动或者往损失增大的方向走（梯度上升 gradient ascent）。')
    w = descend(lr)
    if abs(w) < LR_TARGET:
        return correct(f'20 步后 w = {w:.3g}。')
    factor = 1 - 10 * lr
    if abs(factor) > 1:
        return mistake(f'太大了，发散了 (diverged)：每一步 w 乘以 1 − 10·lr = {factor:.3g}，绝对值大于 1，'
                       f'20 步后 |w| = {abs(w):.3g}。')
    if factor < 0:
        return mistake(f'偏大：每一步 w 乘以 {factor:.3g}，来回变号，收缩得太慢，20 步后 |w| = {abs(w):.3g}。')
    return mistake(f'太小了：每一步 w 只乘以 {factor:.3g}，20 步后 w 还有 {w:.3g}。')
