"""博客 001 的第 3 节“求取梯度”：y = w·x + b 在 x = 1、w = 2、b = 3 处的梯度。

    python demos/seeds/e06_grad_wxb.py [--torch]

博客用 PyTorch 打印出 tensor([2.])、tensor([1.])、tensor([1.])，即
∂y/∂x = w = 2，∂y/∂w = x = 1，∂y/∂b = 1。这里用 micrograd_zh 的 Value 做同样的事。

教学点 (teaching notes)：
- 博客的代码用 torch.autograd.Variable 包一层才能求梯度。那是 PyTorch 0.4 之前的写法；
  现在张量 (tensor) 本身就有 requires_grad，Variable 只是为了兼容还留着。
- 加法的局部导数是 1，乘法 w·x 对 w 的局部导数是 x、对 x 的是 w：链式法则一步就到叶子。
"""

from _seeds import parser, run, want_torch
from micrograd_zh import Value

POST = {'x': 2.0, 'w': 1.0, 'b': 1.0}          # 博客打印的三个梯度 (the gradients the post printed)


def main(argv=None):
    p = parser('y = w·x + b 的梯度 (gradients of y = w*x + b)', seed=False)
    args = p.parse_args(argv)

    x, w, b = Value(1.0, label='x'), Value(2.0, label='w'), Value(3.0, label='b')
    y = w * x + b
    y.backward()
    print(f'y = w·x + b，x = 1，w = 2，b = 3：y = {y.data}')
    ours = {'x': x.grad, 'w': w.grad, 'b': b.grad}
    why = {'x': '∂y/∂x = w', 'w': '∂y/∂w = x', 'b': '∂y/∂b = 1'}
    for name in ('x', 'w', 'b'):
        print(f'{name}.grad = {ours[name]}    （{why[name]}；博客 (post): tensor([{POST[name]:g}.])）')
    same = ours == POST
    print(f'结果 (result): 与博客{"相同" if same else "不同"} ({"same as" if same else "differs from"} the post)')

    torch = want_torch(args)
    if torch is not None:
        tx, tw, tb = (torch.tensor([v], requires_grad=True) for v in (1.0, 2.0, 3.0))
        (tw * tx + tb).backward()
        print(f'PyTorch: x.grad = {tx.grad}，w.grad = {tw.grad}，b.grad = {tb.grad}')
    return 0


if __name__ == '__main__':
    run(main)
