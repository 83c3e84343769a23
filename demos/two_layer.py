"""经典的两层 ReLU 网络 (the classic two-layer ReLU network) 拟合随机数据。

    python demos/two_layer.py [--seed 0] [--out DIR] [--steps 500] [--full]

PyTorch 教程 “Learning PyTorch with Examples” 的例子：x、y 都是标准正态随机数，
h = relu(x·W1)，y_pred = h·W2，损失是平方误差和 (sum of squared errors)，权重 N(0, 1) 初始化，
整批梯度下降 500 步。原例 N=64、D_in=1000、H=100、D_out=10、lr 1e-6；纯 Python 标量引擎一步
要建几百万条边，所以默认用小一号的尺寸，--full 才用原尺寸（很慢，见 --help）。
网络多了偏置 (bias)，从 0 开始，不影响结论。
"""

import random
import time

from _common import parser, pyplot, run, save, t
from micrograd_zh import MLP
from micrograd_zh.losses import sse
from micrograd_zh.optim import SGD
from micrograd_zh.train import fit

SMALL = dict(N=32, D_in=50, H=20, D_out=5, lr=1e-4)
FULL = dict(N=64, D_in=1000, H=100, D_out=10, lr=1e-6)


def main(argv=None):
    p = parser('两层 ReLU 网络拟合随机数据 (two-layer ReLU network on random data)', 'two_layer')
    p.add_argument('--steps', type=int, default=500, help='梯度下降步数 (steps)，默认 500')
    p.add_argument('--full', action='store_true',
                   help='原尺寸 N=64, D_in=1000, H=100, D_out=10, lr 1e-6：每步约 1.7 秒，500 步约 15 分钟 (about 1.7 s per step, 15 min in all)')
    args = p.parse_args(argv)
    size = FULL if args.full else SMALL
    N, D_in, H, D_out, lr = size['N'], size['D_in'], size['H'], size['D_out'], size['lr']

    rng = random.Random(args.seed + 1)            # 数据和权重用不同的随机流 (separate streams)
    X = [[rng.gauss(0.0, 1.0) for _ in range(D_in)] for _ in range(N)]
    Y = [[rng.gauss(0.0, 1.0) for _ in range(D_out)] for _ in range(N)]
    model = MLP(D_in, [H, D_out], activation='relu', init='normal', seed=args.seed)
    print(f'尺寸 (sizes): N={N}, D_in={D_in}, H={H}, D_out={D_out}，lr {lr:g}，'
          f'{len(model.parameters())} 个参数 (parameters)')

    def loss_fn(preds, targets):          # 把 N×D_out 个输出摊平，一起求平方误差和
        return sse([v for row in preds for v in row], [v for row in targets for v in row])

    optimizer = SGD(model.parameters(), lr=lr)
    history = []
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        history += fit(model, X, Y, loss_fn, optimizer, epochs=1, verbose=False)['loss']
        if step % 50 == 0 or step == 1 or step == args.steps:
            print(f'第 {step:4d} 步 (step)  损失 (loss) {history[-1]:.6g}')
    seconds = time.perf_counter() - start
    print(f'结果 (result): 损失从 {history[0]:.6g} 降到 {history[-1]:.6g} (loss went from {history[0]:.6g} '
          f'to {history[-1]:.6g})，每步 {1000 * seconds / args.steps:.1f} ms (per step)')

    plt = pyplot()
    if plt is None:
        return 0
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy(range(1, len(history) + 1), history)
    ax.set_title(t('两层 ReLU 网络，随机数据', 'two-layer ReLU network, random data'))
    ax.set_xlabel(t('步', 'step'))
    ax.set_ylabel(t('平方误差和', 'sum of squared errors'))
    save(plt, fig, args.out, 'two_layer.png')
    return 0


if __name__ == '__main__':
    run(main)
