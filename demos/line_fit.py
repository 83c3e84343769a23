"""用梯度下降拟合直线 (fit a line by gradient descent)：自动微分替我们求导。

    python demos/line_fit.py [--seed 0] [--out DIR] [--quick]

(a) 1000 个点，x ~ U(-10, 10)，y = 1.915x + 0.915 + N(0, 0.1²)；从 w = b = 0 出发，
    学习率 0.01，1000 步整批梯度下降 (full-batch gradient descent)，应得到 w ≈ 1.915，b ≈ 0.915。
(b) y = 3x + 1：逐样本随机梯度下降 (per-sample SGD)，每轮打印三个损失：训练损失的本轮平均
    （边学边算，第 1 轮里包含 w = b = 0 时的大误差，所以远大于其他两个），以及轮末用同一组参数算的
    训练损失和验证损失 (validation loss)，这两个才能直接比较。
(c) 同 (a) 的数据：16 个样本一批 (minibatch)，动量 (momentum) 0.9。
"""

from _common import parser, plot_loss, pyplot, run, save, t
from micrograd_zh import Neuron
from micrograd_zh.data import make_line, train_val_split
from micrograd_zh.losses import mse
from micrograd_zh.optim import SGD
from micrograd_zh.train import evaluate, fit


def line():
    """一个线性神经元 (linear neuron) 就是 y = w·x + b；权重从 0 开始。"""
    return Neuron(1, activation='linear', init='zeros')


def main(argv=None):
    p = parser('梯度下降拟合直线 (fit a line by gradient descent)', 'line_fit')
    p.add_argument('--quick', action='store_true', help='少量数据和步数，几秒内跑完 (small and fast, for tests)')
    args = p.parse_args(argv)
    n_a, steps_a, epochs_c = (100, 1000, 40) if args.quick else (1000, 1000, 5)

    print(f'(a) 整批梯度下降 (full-batch GD)：{n_a} 个点，y = 1.915x + 0.915 + 噪声，lr 0.01，{steps_a} 步')
    X, y = make_line(n_a, w=1.915, b=0.915, noise=0.1, seed=args.seed)
    model_a = line()
    hist_a = fit(model_a, X, y, mse, SGD(model_a.parameters(), lr=0.01), epochs=steps_a,
                 desc='  (a)')
    w, b = model_a.w[0].data, model_a.b.data
    print(f'(a) 结果 (result): w = {w:.4f}，b = {b:.4f}，MSE = {hist_a["loss"][-1]:.6f}'
          f'（真值 true w = 1.915，b = 0.915）')

    print('(b) 逐样本 SGD (per-sample SGD)：y = 3x + 1 + 噪声，x ~ U(-1, 1)，lr 0.05，80% 训练 / 20% 验证')
    Xb, yb = make_line(200 if not args.quick else 50, w=3.0, b=1.0, noise=0.1, low=-1.0, high=1.0,
                       seed=args.seed + 1)
    Xt, yt, Xv, yv = train_val_split(Xb, yb, 0.2, seed=args.seed)
    model_b = line()
    opt_b = SGD(model_b.parameters(), lr=0.05)
    hist_b = {'loss': [], 'end': [], 'val_loss': []}
    print('    每轮三个损失 (three losses per epoch)：训练·本轮平均 (train, running mean) 是边学边算的，'
          '每个样本在它那次更新之前算；')
    print('    训练·轮末 (train, end) 和 验证·轮末 (val, end) 用本轮结束时的同一组参数，可以直接比较')
    for epoch in range(1, 11):
        h = fit(model_b, Xt, yt, mse, opt_b, epochs=1, batch_size=1, val_data=(Xv, yv),
                seed=args.seed + epoch, verbose=False)
        hist_b['loss'] += h['loss']
        hist_b['val_loss'] += h['val_loss']
        hist_b['end'].append(evaluate(model_b, Xt, yt, mse))
        print(f'    第 {epoch:2d} 轮 (epoch {epoch:2d})：训练·本轮平均 {h["loss"][0]:.5f}  '
              f'训练·轮末 {hist_b["end"][-1]:.5f}  验证·轮末 {h["val_loss"][0]:.5f}')
    print('    第 1 轮的本轮平均大得多：它包含刚开始 w = b = 0 时的大误差 (it includes the early errors of w = b = 0)；')
    print('    轮末的训练损失和验证损失都接近噪声的方差 0.01 (both end-of-epoch losses are near the noise variance 0.01)')
    print(f'(b) 结果 (result): w = {model_b.w[0].data:.4f}，b = {model_b.b.data:.4f}（真值 true 3, 1）')

    print(f'(c) 小批量 16 + 动量 0.9 (minibatch 16, momentum 0.9)：(a) 的数据，lr 0.001，{epochs_c} 轮 (epochs)')
    model_c = line()
    hist_c = fit(model_c, X, y, mse, SGD(model_c.parameters(), lr=0.001, momentum=0.9), epochs=epochs_c,
                 batch_size=16, seed=args.seed, desc='  (c)')
    print(f'(c) 结果 (result): w = {model_c.w[0].data:.4f}，b = {model_c.b.data:.4f}，'
          f'最后一轮 MSE (last epoch) = {hist_c["loss"][-1]:.6f}')

    plt = pyplot()
    if plt is None:
        return 0
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    axes[0].scatter(X, y, s=4, alpha=0.5, label=t('数据', 'data'))
    xs = [min(X), max(X)]
    axes[0].plot(xs, [w * x + b for x in xs], 'r', label=f'y = {w:.3f}x + {b:.3f}')
    axes[0].set_title(t('(a) 数据与拟合直线', '(a) data and fitted line'))
    axes[0].legend()
    plot_loss(axes[1], hist_a['loss'], t('(a) 损失曲线', '(a) MSE per step'))
    epochs = range(1, len(hist_b['loss']) + 1)
    axes[2].plot(epochs, hist_b['loss'], 'o-', label=t('(b) 训练·本轮平均', '(b) train, running mean'))
    axes[2].plot(epochs, hist_b['end'], 'x-', label=t('(b) 训练·轮末', '(b) train, end of epoch'))
    axes[2].plot(epochs, hist_b['val_loss'], 's--', label=t('(b) 验证·轮末', '(b) validation, end of epoch'))
    axes[2].plot(range(1, len(hist_c['loss']) + 1), hist_c['loss'], '^-', label=t('(c) 小批量+动量', '(c) minibatch+momentum'))
    axes[2].set_yscale('log')
    axes[2].set_title(t('(b)(c) 每轮损失', '(b)(c) MSE per epoch'))
    axes[2].set_xlabel(t('轮', 'epoch'))
    axes[2].legend()
    save(plt, fig, args.out, 'line_fit.png')
    return 0


if __name__ == '__main__':
    run(main)
