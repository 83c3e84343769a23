"""局部导数为什么是这个数 (why a local derivative has its value)：explain() 的讲解用它。

一个运算 out = f(x, y, …) 对它的一个输入 x 的局部导数 (local derivative) ∂out/∂x 只看这一个运算。
引擎在前向传播时已经把它算好存在边上；这里把它写成“公式 = 代入数值 = 结果：理由”，例如

    ∂o/∂n = 1 - o² = 1 - 0.7071² = 0.5000：tanh 的导数是 1 - tanh²

公式里的数取自节点的 data，最后的结果是边上存的局部导数本身，两者一致（tests/test_stepper.py 检查）。
不认识的运算只写出存下的数。
"""

__all__ = ['why_local']


def why_local(node, k, names, show):
    """node 的第 k 条边 (edge k of node) 上的局部导数 ∂node/∂child 的讲解，一行，不含开头的 ∂…/∂… =。

    names  {节点: 名字}，名字已按需要加了括号（如 (x1*w1)）
    show   把数字写成文本的函数（同一精度），如 viz.fmt
    """
    op, kids, local = node._op, node._prev, node._local_grads[k]
    x = kids[k]

    def n(v):                      # 公式里的数：负数加括号，免得 1 - -0.5² 读错
        text = show(v)
        return f'({text})' if text.startswith('-') else text

    value = show(local)
    out, name = names[node], names[x]
    if op == '+':
        return '1：加法，一个加数增加 h，和也增加 h'
    if op == '-':
        if k == 0:
            return '1：减法，被减数增加 h，差也增加 h'
        return '-1：减法，减数增加 h，差减少 h'
    if op == '*':
        other = kids[1 - k]
        return f'{names[other]} = {value}：乘法，对一个因子的导数是另一个因子'
    if op == '/':
        a, b = kids[0].data, kids[1].data
        if k == 0:
            return f'1/{names[kids[1]]} = 1/{n(b)} = {value}：除以常数 b 就是乘 1/b'
        return f'-{names[kids[0]]}/{names[kids[1]]}² = -{n(a)}/{n(b)}² = {value}：(1/b)′ = -1/b²'
    if op == 'neg':
        return '-1：取负 (negation)'
    if op.startswith('**') and len(kids) == 1:
        p = float(op[2:])
        return (f'{op[2:]}·{name}^{p - 1:g} = {op[2:]}·{n(x.data)}^{p - 1:g} = {value}'
                f'：幂函数 xᵖ 的导数是 p·xᵖ⁻¹')
    if op == '**':
        a, b = kids
        if k == 0:
            return (f'{names[b]}·{names[a]}^({names[b]} - 1) = {n(b.data)}·{n(a.data)}^{n(b.data - 1.0)} = {value}'
                    f'：把指数当常数，幂函数的导数')
        return (f'{out}·ln {names[a]} = {n(node.data)}·ln {n(a.data)} = {value}'
                f'：把底数当常数，aᵇ 对 b 的导数是 aᵇ·ln a')
    if op == 'exp':
        return f'e^{name} = {out} = {value}：eˣ 的导数是它自己'
    if op == 'log':
        return f'1/{name} = 1/{n(x.data)} = {value}：ln x 的导数是 1/x'
    if op == 'tanh':
        return f'1 - {out}² = 1 - {n(node.data)}² = {value}：tanh 的导数是 1 - tanh²'
    if op == 'sigmoid':
        return f'{out}·(1 - {out}) = {n(node.data)} × (1 - {n(node.data)}) = {value}：sigmoid 的导数是 s(1 - s)'
    if op == 'relu':
        if x.data > 0.0:
            return f'1：{name} = {show(x.data)} > 0，ReLU 在这里就是 y = x'
        return f'0：{name} = {show(x.data)} ≤ 0，ReLU 在这里是常数 0'
    if op == 'Σ':
        return _why_sum(node, k, names, show)
    return f'{value}：运算 {op!r} 在前向传播时算好的局部导数'


def _why_sum(node, k, names, show):
    """n 元运算 Σ：add_n 的每条边和 dot 的偏置边是 1；dot 的 wᵢ 边是 xᵢ，xᵢ 边是 wᵢ（另一个因子）。"""
    kids, locals_ = node._prev, node._local_grads
    value = show(locals_[k])
    partner = None if all(v == 1.0 for v in locals_) else _dot_partner(kids, locals_, k)
    if partner is not None:
        return f'{names[kids[partner]]} = {value}：Σ 里的乘积项 w·x，对一个因子的导数是另一个因子'
    if locals_[k] == 1.0:
        return '1：Σ 里直接相加的一项'
    return f'{value}：Σ 里的乘积项，对它的导数是与它相乘的数'


def _dot_partner(kids, locals_, k):
    """dot(w, x, b) 全是 Value 时边的顺序是 (w₀…wₙ₋₁, x₀…xₙ₋₁[, b])：第 k 条边的另一个因子是哪条边。"""
    n = len(kids) // 2
    if n == 0 or k >= 2 * n:
        return None
    j = k + n if k < n else k - n
    pairs_match = all(locals_[i] == kids[i + n].data and locals_[i + n] == kids[i].data for i in range(n))
    return j if pairs_match else None
