"""卷积网络认手写数字 (a convolutional network reads handwritten digits)：一篇 Keras 博文里的 CNN，缩到 8×8。

    python demos/cnn_digits.py [--seed 0] [--out DIR] [--epochs 10] [--n 1797] [--batch-size 100]

原文 (the seed post) 在 28×28 的图上训练：
    Conv 4@5×5 tanh → 24×24，Conv 8@3×3 tanh → 22×22，MaxPool 2 → 11×11，Conv 16@3×3 relu → 9×9，
    MaxPool 2 → 4×4，Flatten → 256，Dense 128 (init normal) tanh，Dense 10 softmax；
    categorical cross-entropy，SGD(lr=0.05, decay=1e-6, momentum=0.9, nesterov=True)，
    batch_size 100，10 轮 (epochs)，shuffle，validation_split 0.2。
这里的数据是随包附带的 8×8 手写数字（1797 张，data.load_digits），网络是：
    Conv 4@3×3 tanh → 6×6，Conv 8@3×3 tanh → 4×4，MaxPool 2 → 2×2，Conv 16@3×3 padding=1 relu → 2×2，
    MaxPool 2 → 1×1，Flatten → 16，Dense 32 tanh，Dense 10（softmax 见下）；2378 个参数。
改了什么、为什么 (what changed and why)：
  1. 第一层的卷积核 5×5 → 3×3：8×8 的图过 5×5 只剩 4×4，再过 3×3 剩 2×2，池化后 1×1，第三层卷积就没有地方放了。
  2. 第三层卷积加 padding=1：3×3 的核放不进 2×2 的图；补一圈 0 后输出仍是 2×2，池化成 1×1。
  3. 所以 Flatten 给出 16 个数（原文 256 个）。通道数 4、8、16，激活 tanh、tanh、relu 和 Dense 10 与原文相同。
  4. 隐藏的 Dense 层 128 → 32：它现在只看 16 个数（原文 256 个，少了 16 倍），宽度也跟着缩小；纯 Python 的
     标量引擎每条边都要花时间（128 个单元时每个样本约 2.2 万条边，32 个时约 1.7 万条），这样默认的一次运行
     （两个网络各 10 轮）在 2 核的机器上用不到 3 分钟的 CPU 时间（实测 147 s，见 README）。
  5. 初始化：Keras 1 的 init='normal' 是 N(0, 0.05²)；我们的 'normal' 是 N(0, 1)，会让 tanh 饱和，所以两个 Dense
     用 Xavier（标准差 √(2/(16+32)) ≈ 0.20 和 √(2/42) ≈ 0.22，与 0.05 同一个量级）。卷积层与 Keras 的默认
     glorot_uniform 方差相同（我们用 Glorot 的正态版本）。
  6. softmax + categorical cross-entropy 就是对 logits 的 cross_entropy（值和梯度都相同，而且数值稳定）：
     网络输出 10 个 logit，训练用 losses.cross_entropy，要概率时再过 softmax。
  7. 像素是 0–16 的计数，除以 16 放进 [0, 1]。
  优化器和训练设置与原文完全相同：SGD(lr=time_decay(0.05, 1e-6), momentum=0.9, nesterov=True)，批大小 100，
  10 轮，每轮打乱；与原文一样先把全部数据打乱一次，再用 validation_split=0.2 取最后 20%（360 张）做验证。
对照 (comparison)：同样的数据和设置，去掉卷积层，只留全连接层 (Dense-only)：Flatten → Dense 32 tanh → Dense 10，
2410 个参数，与卷积网络的 2378 个差不多。它直接看 64 个像素；卷积网络的 Dense 32 看的是卷积层从图里提取的
16 个特征 (features)。
"""

import random
import time

from _common import parser, pyplot, run, save, t
from micrograd_zh import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Tanh, no_grad, softmax
from micrograd_zh.data import load_digits
from micrograd_zh.losses import cross_entropy
from micrograd_zh.optim import SGD, time_decay
from micrograd_zh.train import accuracy, fit


def cnn(rng):
    return Sequential(
        Conv2d(1, 4, 3, rng=rng), Tanh(),                       # 8×8 → 4@6×6
        Conv2d(4, 8, 3, rng=rng), Tanh(),                       # → 8@4×4
        MaxPool2d(2),                                           # → 8@2×2
        Conv2d(8, 16, 3, padding=1, rng=rng), ReLU(),           # → 16@2×2
        MaxPool2d(2),                                           # → 16@1×1
        Flatten(),                                              # → 16
        Dense(16, 32, rng=rng), Tanh(),
        Dense(32, 10, rng=rng))                                 # 10 个 logit


def dense_only(rng):
    return Sequential(Flatten(), Dense(64, 32, rng=rng), Tanh(), Dense(32, 10, rng=rng))


def train(name, model, X, y, args):
    """按原文的设置训练，返回 (历史, 墙钟秒数 wall seconds, CPU 秒数)。"""
    print(f'{name}：{len(model.parameters())} 个参数 (parameters)\n{model}')
    optimizer = SGD(model.parameters(), lr=time_decay(0.05, 1e-6), momentum=0.9, nesterov=True)
    wall, cpu = time.perf_counter(), time.process_time()
    hist = fit(model, X, y, cross_entropy, optimizer, epochs=args.epochs, batch_size=args.batch_size,
               shuffle=True, validation_split=0.2, metrics=[accuracy], seed=args.seed, verbose=2,
               desc=f'  {name}')
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f'{name} 结果 (result): 验证准确率 (val accuracy) {hist["val_accuracy"][-1]:.4f}，'
          f'验证损失 (val loss) {hist["val_loss"][-1]:.4f}，训练用时 (time) {wall:.1f} s，CPU {cpu:.1f} s')
    return hist


def main(argv=None):
    p = parser('Keras 博文里的 CNN 认 8×8 手写数字 (the seed post\'s Keras CNN on 8×8 digits)', 'cnn_digits')
    p.add_argument('--epochs', type=int, default=10, help='训练轮数 (epochs)，默认 10（与原文相同）')
    p.add_argument('--n', type=int, default=1797, help='用多少张图 (how many images)，默认全部 1797')
    p.add_argument('--batch-size', type=int, default=100, help='批大小 (batch size)，默认 100（与原文相同）')
    args = p.parse_args(argv)

    X, y = load_digits()
    order = list(range(len(X)))
    random.Random(args.seed).shuffle(order)                     # 与原文一样，先打乱一次
    X, y = [X[i] for i in order[:args.n]], [y[i] for i in order[:args.n]]
    print(f'数据 (data): {len(X)} 张 8×8 的手写数字，80% 训练 / 20% 验证 (validation_split=0.2)')

    rng = random.Random(args.seed)
    model = cnn(rng)
    hist = train('卷积网络 (CNN)', model, X, y, args)
    baseline = dense_only(rng)
    hist_dense = train('全连接网络 (Dense-only)', baseline, X, y, args)

    plt = pyplot()
    if plt is None:
        return 0
    cut = int(len(X) * 0.8)
    X_val, y_val = X[cut:], y[cut:]
    plot_samples(plt, model, X_val[:24], y_val[:24], args.out)
    plot_curves(plt, {t('卷积网络', 'CNN'): hist, t('全连接', 'Dense-only'): hist_dense}, args.out)
    plot_filters(plt, model[0], args.out)
    return 0


def plot_samples(plt, model, X, y, out):
    """验证集里的图，标题是预测的数字和它的概率；预测错的标红。"""
    fig, axes = plt.subplots(3, 8, figsize=(12, 5.2))
    with no_grad():
        probs = [[v.data for v in softmax(model(x))] for x in X]
    for ax, x, label, p in zip(axes.flat, X, y, probs):
        guess = max(range(10), key=p.__getitem__)
        ax.imshow(x[0], cmap='gray_r', vmin=0, vmax=1)
        ax.set_title(f'{guess} ({p[guess]:.0%})', color='black' if guess == label else 'red', fontsize=10)
        ax.axis('off')
    fig.suptitle(t('验证集上的预测（红色 = 错）', 'predictions on validation digits (red = wrong)'))
    save(plt, fig, out, 'cnn_digits_samples.png')


def plot_curves(plt, histories, out):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for (name, hist), color in zip(histories.items(), ('C0', 'C1')):
        epochs = range(1, len(hist['loss']) + 1)
        for ax, key in zip(axes, ('loss', 'accuracy')):
            ax.plot(epochs, hist[key], 'o-', color=color, label=f'{name} ' + t('训练', 'train'))
            ax.plot(epochs, hist['val_' + key], 's--', color=color, label=f'{name} ' + t('验证', 'validation'))
    axes[0].set_yscale('log')
    axes[0].set_title(t('交叉熵损失', 'cross-entropy loss'))
    axes[1].set_title(t('准确率', 'accuracy'))
    for ax in axes:
        ax.set_xlabel(t('轮', 'epoch'))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=8)
    save(plt, fig, out, 'cnn_digits_curves.png')


def plot_filters(plt, conv, out):
    """第一层学到的 4 个 3×3 卷积核 (filters)：红正蓝负，同一色标。"""
    kernels = [[[w.data for w in row] for row in kernel[0]] for kernel in conv.weight]
    top = max(abs(v) for k in kernels for row in k for v in row)
    fig, axes = plt.subplots(1, len(kernels), figsize=(2.2 * len(kernels), 2.6))
    for i, (ax, k) in enumerate(zip(axes, kernels)):
        image = ax.imshow(k, cmap='RdBu_r', vmin=-top, vmax=top)
        ax.set_title(t(f'卷积核 {i}', f'filter {i}'))
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    fig.suptitle(t('第一层学到的卷积核', 'learned first-layer filters'))
    save(plt, fig, out, 'cnn_digits_filters.png')


if __name__ == '__main__':
    run(main)
