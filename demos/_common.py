"""示例共用的小工具 (shared helpers for the demos)：命令行参数、matplotlib、决策边界。

matplotlib 是可选的 (optional)：没装时示例照常训练、打印结果，只是不画图，并提示怎样装。
画图一律用 Agg 后端 (backend)，只存文件，从不弹出窗口。
"""

import argparse
import os
import re
import sys

from micrograd_zh import no_grad

CJK_FONTS = ('Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei',
             'WenQuanYi Zen Hei', 'SimHei', 'Microsoft YaHei', 'PingFang SC', 'Heiti SC', 'AR PL UMing CN')


def parser(description, out_default):
    """每个示例都有的参数：--seed、--out；示例自己再加别的。"""
    p = argparse.ArgumentParser(description=description)
    p.add_argument('--seed', type=int, default=0, help='随机种子 (random seed)，默认 0')
    p.add_argument('--out', default=os.path.join('out', out_default),
                   help=f'图片保存目录 (where to save pictures)，默认 out/{out_default}')
    return p


def pyplot():
    """返回 matplotlib.pyplot（Agg 后端）；没装 matplotlib 时打印提示并返回 None。

    有中文字体时图里写中文 (pyplot.cjk 为 True)，否则只写英文并打印一次怎样装中文字体。
    """
    try:
        import matplotlib
    except ImportError:
        print('没有安装 matplotlib，跳过画图。要看图：pip install -e ".[plot]" 或 pip install matplotlib '
              '(matplotlib not installed: no pictures; pip install matplotlib to get them)')
        return None
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    cjk = cjk_fonts()
    if cjk:
        plt.rcParams['font.sans-serif'] = cjk + list(plt.rcParams['font.sans-serif'])
        plt.rcParams['axes.unicode_minus'] = False
    elif not pyplot.warned:
        print(NO_CJK_FONT)
        pyplot.warned = True
    pyplot.cjk = bool(cjk)
    return plt


NO_CJK_FONT = ('没有找到中文字体，图里只写英文。Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；'
               'macOS 和 Windows 自带 PingFang SC / Microsoft YaHei (no CJK font found: figure text in English only; '
               'on Debian/Ubuntu install fonts-noto-cjk)')
# 字体文件名里的这些字样说明它是中文字体 (file names that mark a CJK font)
CJK_FILES = re.compile(r'cjk|wqy|wenquanyi|sourcehan|simhei|simsun|msyh|pingfang|stheiti|uming|ukai', re.I)


def cjk_fonts():
    """matplotlib 认得的中文字体名，按 CJK_FONTS 的顺序。

    matplotlib 的字体缓存 (font cache) 可能比后装的字体旧，这时直接在系统字体文件里找一遍，把中文字体加进来。
    """
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if CJK_FILES.search(os.path.basename(path)):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):     # 读不了的字体文件就跳过
                    continue
        installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in installed]


pyplot.cjk = False
pyplot.warned = False


def t(zh, en):
    """图里的文字：有中文字体时写“中文 (English)”，否则只写英文（免得显示成方框）。"""
    return f'{zh} ({en})' if pyplot.cjk else en


def save_graph(root, out_dir, name, **options):
    """把 root 的计算图存成 out_dir/name（SVG）；options 传给 draw_dot（如 rankdir='TB'）。
    没有渲染器 (renderer) 时 .dot 照样写出，并提示怎样安装。"""
    from micrograd_zh import draw_dot
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    try:
        draw_dot(root, **options).save(path)
    except RuntimeError as err:
        print(err)
        return None
    print(f'计算图已保存 (graph saved): {path}')
    return path


def plot_loss(ax, losses, title):
    """损失曲线 (loss curve)：对数纵轴，横轴是步数。"""
    ax.semilogy(range(1, len(losses) + 1), losses)
    ax.set_title(title)
    ax.set_xlabel(t('步', 'step'))


def save(plt, fig, out_dir, name):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=110, bbox_inches='tight')
    plt.close(fig)
    print(f'图片已保存 (picture saved): {path}')
    return path


def grid_predict(predict, X, steps=60, margin=0.5):
    """在数据周围的网格 (grid) 上算 predict(x)，用来画决策边界 (decision boundary)。不建计算图。"""
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    gx = [x0 + (x1 - x0) * i / (steps - 1) for i in range(steps)]
    gy = [y0 + (y1 - y0) * j / (steps - 1) for j in range(steps)]
    with no_grad():
        Z = [[predict([x, y]) for x in gx] for y in gy]
    return gx, gy, Z


def run(main):
    """python demos/x.py 的入口：main(sys.argv[1:])。"""
    sys.exit(main(sys.argv[1:]))
