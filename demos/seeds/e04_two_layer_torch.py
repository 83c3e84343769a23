"""博客 001 第 1 节的 PyTorch 版两层网络：不再手写梯度，loss.backward() 自动求导。

    python demos/seeds/e04_two_layer_torch.py [--seed 0] [--iters 5 | --full] [--torch]

和 e03_two_layer_numpy.py 是同一个实验（N = 64、D_in = 1000、H = 100、D_out = 10，lr 1e-6，500 步，
平方误差和），只是梯度交给自动求导 (autograd)：博客用 PyTorch，这里用 micrograd_zh；
--torch 时把同一份数据和初始权重交给 PyTorch（float64）并排运行，每一步的损失都相同（相对差约 1e-15）。
micrograd_zh 一步约 2 秒，默认只跑前 5 步，--full 跑满 500 步（约 15 分钟）。

博客代码里值得学的问题 (teaching notes)——照抄它的程序根本跑不起来：
- y = torch.randn(H, D_out) 的形状是 100×10，而预测 y_pred 是 N×D_out = 64×10。第一次算
  (y_pred - y) 就因为形状对不上而报错（RuntimeError）。应该是 torch.randn(N, D_out)。
  --torch 时先照博客的形状跑一次，打印 PyTorch 给出的错误信息。
- 定义的是 learing_rate（少了一个 n），用的是 learning_rate：就算修好了形状，更新权重时也会 NameError。
- 博客用 float32（torch.float），这里用 float64，才能和 micrograd_zh 比到 1e-15。--torch 时也按博客的
  float32 跑一遍：前几步两者的相对差约 1e-7，看不出区别；但损失降到很小以后，float32 的舍入误差
  （约 1e-7 × 几十的中间值）比剩下的误差还大，损失就停在比 float64 高一个数量级的地方。
"""

from _seeds import run, want_torch
import _two_layer as tl


def post_shape_error(torch, x, w1, w2):
    """照博客写 y = torch.randn(H, D_out)，第一次算损失就出错：返回 PyTorch 的错误信息。"""
    y = torch.randn(tl.H, tl.D_OUT, dtype=torch.float64)
    y_pred = torch.tensor(x, dtype=torch.float64).mm(torch.tensor(w1, dtype=torch.float64)).clamp(min=0).mm(
        torch.tensor(w2, dtype=torch.float64))
    try:
        (y_pred - y).pow(2).sum()
    except RuntimeError as err:
        return str(err)
    return None


def main(argv=None):
    args, steps, (x, y, w1, w2), ours = tl.start('PyTorch 版两层网络：自动求导 (the post\'s PyTorch autograd twin)',
                                                 '自动求导 (autograd)', argv)

    torch = want_torch(args)
    if torch is None:
        tl.table(ours, None, 'PyTorch')
        print(f'结果 (result): micrograd_zh 前 {steps} 步的损失 {ours[0]:.6g} → {ours[-1]:.6g}'
              + ('' if args.torch else '；加 --torch 与 PyTorch 并排对比 (add --torch to compare)'))
        return 0

    message = post_shape_error(torch, x, w1, w2)
    print(f'照博客的 y = torch.randn(H, D_out)（{tl.H}×{tl.D_OUT}，而预测是 {tl.N}×{tl.D_OUT}）：'
          f'RuntimeError: {message}')
    print(f'改成 y = torch.randn(N, D_out) 之后，同一份数据和权重 (same data and weights)，float64：')
    theirs = tl.torch_losses(torch, x, y, w1, w2, tl.ITERATIONS)
    worst = tl.table(ours, theirs, 'PyTorch')
    single = tl.torch_losses(torch, x, y, w1, w2, tl.ITERATIONS, dtype=torch.float32)
    print(f'博客用的 float32：第 0 步 {single[0]!r}（相对差 {tl.rel_diff(single[0], theirs[0]):.1e}），'
          f'第 {tl.ITERATIONS - 1} 步 {single[-1]:.3g}，而 float64 是 {theirs[-1]:.3g}（float32 的舍入让损失停在更高处）')
    print(f'结果 (result): micrograd_zh 前 {steps} 步的损失 {ours[0]:.6g} → {ours[-1]:.6g}，与 PyTorch 的最大相对差 '
          f'(max rel diff) {worst:.1e}；PyTorch 第 {tl.ITERATIONS - 1} 步的损失 {theirs[-1]:.6g}')
    return 0


if __name__ == '__main__':
    run(main)
