"""把 DOT 文本画成图片 (render DOT text to SVG, PNG or PDF)：找渲染器、调用它、打开图片。

渲染器 (renderer) 按顺序查找：
    1. PATH 上的 `dot`（系统装的 Graphviz）：SVG、PNG、PDF 都能画，中文字体由系统的 fontconfig 选。
    2. `graphviz-pure`（PyPI 包，`pip install "micrograd_zh[viz]"` 会装上，不需要管理员权限）：PATH 上，
       或当前解释器的 scripts 目录里（venv 没激活时也能找到）。它画 SVG；它不会画 PDF。
PNG：有系统的 dot 就用 `dot -Tpng`；否则先用 graphviz-pure 画出 SVG，再用 resvg-py（viz 附加依赖，
    Python ≥ 3.10）把 SVG 栅格化 (rasterize)。resvg 读取系统字体：字体列表 FONTS 里第一个装了的字体画字母，
    缺的字（中文）自动找一个含有它的字体，所以装了任何中文字体（Noto Sans CJK、微软雅黑、苹方……）中文就可读；
    一个中文字体都没有时，中文显示成方框，括号里的英文照常可读。没有 resvg-py 时退回 `graphviz-pure -Tpng`：
    它只带拉丁字体，中文同样是方框（会给出一次警告 warning）。PNG 是 2 倍分辨率（每 pt 2 像素）。
PDF：只有系统的 Graphviz 能画（矢量，字可以选中）；只有 graphviz-pure 时给出一行错误，建议存成 .svg 或 .png。
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import warnings

__all__ = ['find_renderers', 'render', 'render_svg', 'RendererNotFoundError', 'FORMATS', 'FONTS', 'view']

# Windows 和 macOS 的 Arial、Helvetica 在前；然后是中文字体（它们也有拉丁字母）；最后是 Linux 常见的拉丁字体，
# 这样没有 Arial 的 Linux 上整张图用同一个中文黑体，不会中英文混着衬线和无衬线。
FONTS = ('Arial, Helvetica, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, '
         'WenQuanYi Micro Hei, Liberation Sans, DejaVu Sans, sans-serif')
FORMATS = ('svg', 'png', 'pdf')
PNG_SCALE = 2.0                     # 每 pt 几个像素 (pixels per point)：2 倍图，在网页和幻灯片里都清楚
MAX_PNG_PIXELS = 40_000_000         # 很大的图自动缩小，免得占用几 GB 内存

INSTALL_HINT = ('pip install "micrograd_zh[viz]"（或 pip install graphviz-pure）、apt install graphviz、'
                'brew install graphviz、conda install -c conda-forge graphviz、winget install graphviz')


class RendererNotFoundError(RuntimeError):
    """找不到 Graphviz 渲染器 (no Graphviz renderer found)。"""


def find_renderers():
    """按顺序列出能用的渲染器 [(名字, 路径)]：先 PATH 上的 dot，再 graphviz-pure。"""
    found = []
    dot = shutil.which('dot')
    if dot:
        found.append(('dot', dot))
    exe = 'graphviz-pure.exe' if os.name == 'nt' else 'graphviz-pure'
    places = [shutil.which('graphviz-pure'), os.path.join(os.path.dirname(sys.executable), exe)]
    for scheme in (None, f'{os.name}_user'):
        try:
            places.append(os.path.join(sysconfig.get_path('scripts', scheme) or '', exe))
        except KeyError:                                    # 该平台没有这个方案 (no such scheme)
            pass
    for path in places:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            found.append(('graphviz-pure', path))
            break
    return found


def _quoted(text):
    return '"' + str(text).replace('\\', '\\\\').replace('"', '\\"') + '"'


def _html(text):
    return (str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('"', '&quot;'))


def _for_graphviz_pure(source, fontname):
    """graphviz-pure 只认单个字体名的字宽 (metrics)：先用 Arial 排版，SVG 里再换回字体列表。"""
    return source.replace(_quoted(fontname), '"Arial"')


def _run(name, path, source, fmt, fontname, extra=()):
    """运行一个渲染器，返回 (输出字节, 错误说明)；stderr 被截获，出错时只留最后一行。"""
    text = _for_graphviz_pure(source, fontname) if name == 'graphviz-pure' else source
    try:
        done = subprocess.run([path, f'-T{fmt}', *extra], input=text.encode('utf-8'),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f'{name}: {type(e).__name__}: {e}'
    if done.returncode == 0 and done.stdout:
        out = done.stdout
        if name == 'graphviz-pure' and fmt == 'svg':
            out = out.replace(b'font-family="Arial"', f'font-family="{_html(fontname)}"'.encode('utf-8'))
        return out, ''
    lines = done.stderr.decode('utf-8', 'replace').strip().splitlines()
    return None, f'{name}: ' + (lines[-1] if lines else f'exit code {done.returncode}')


def _renderers():
    renderers = find_renderers()
    if not renderers:
        raise RendererNotFoundError(
            f'找不到 Graphviz 渲染器，请安装其一：{INSTALL_HINT} '
            f'(no Graphviz renderer found: install one of the above)')
    return renderers


def _first(renderers, source, fmt, fontname, extra=()):
    error = ''
    for name, path in renderers:
        out, error = _run(name, path, source, fmt, fontname, extra)
        if out is not None:
            return out
    raise RuntimeError(f'渲染失败 (rendering failed): {error}')


def render_svg(source, fontname=FONTS):
    """用找到的第一个能用的渲染器把 DOT 文本画成 SVG 文本。没有渲染器时抛出 RendererNotFoundError。"""
    return _first(_renderers(), source, 'svg', fontname).decode('utf-8', 'replace')


def _svg_size(svg):
    m = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


def _png_scale(width, height):
    if not width or not height:
        return PNG_SCALE
    return min(PNG_SCALE, (MAX_PNG_PIXELS / (width * height)) ** 0.5)


def _rasterize(svg):
    """用 resvg-py 把 SVG 画成 PNG（读系统字体，中文可读）；没装 resvg-py 时返回 None。"""
    try:
        import resvg_py
    except ImportError:
        return None
    width, height = _svg_size(svg)
    svg = svg[svg.index('<svg'):]                    # 去掉 XML 声明和 DOCTYPE
    if width:
        scale = _png_scale(width, height)            # resvg 不认 pt：写成像素 (pixels)
        svg = re.sub(r'<svg width="[\d.]+pt" height="[\d.]+pt"',
                     f'<svg width="{width * scale:.0f}" height="{height * scale:.0f}"', svg, count=1)
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background='#ffffff'))


def render(source, fmt='svg', fontname=FONTS):
    """把 DOT 文本画成 fmt（'svg'、'png' 或 'pdf'）的字节 (bytes)。规则见模块说明。"""
    if fmt not in FORMATS:
        raise ValueError(f'format 必须是 {"、".join(FORMATS)} 之一，而不是 {fmt!r} '
                         f'(format must be one of {", ".join(FORMATS)}, got {fmt!r})')
    renderers = _renderers()
    system = [r for r in renderers if r[0] == 'dot']
    if fmt == 'svg':
        return _first(renderers, source, 'svg', fontname)
    if fmt == 'pdf':
        if not system:
            raise RendererNotFoundError(
                'PDF 需要系统的 Graphviz（dot），graphviz-pure 不会画 PDF：请存成 .svg 或 .png，'
                '或安装 Graphviz（apt/brew/conda/winget install graphviz） '
                '(PDF needs system Graphviz; graphviz-pure cannot write PDF: save .svg or .png, or install Graphviz)')
        return _first(system, source, 'pdf', fontname)
    if system:
        return _first(system, source, 'png', fontname, [f'-Gdpi={72 * PNG_SCALE:g}'])
    svg = render_svg(source, fontname)
    png = _rasterize(svg)
    if png is not None:
        return png
    if re.search(r'[^\x00-\u2e7f]', source):
        warnings.warn('PNG 里的中文会显示成方框：请 pip install resvg-py（Python ≥ 3.10）或安装系统的 Graphviz '
                      '(Chinese text in PNG shows as boxes: pip install resvg-py or install system Graphviz)',
                      stacklevel=3)
    width, height = _svg_size(svg)
    return _first(renderers, source, 'png', fontname, [f'-Gdpi={72 * _png_scale(width, height):g}'])


def view(path):
    """用系统默认的程序打开文件 (open a file with the system's default viewer)，不等它关闭。"""
    path = os.fspath(path)
    if os.name == 'nt':
        os.startfile(path)                                  # noqa: 只在 Windows 上有
    else:
        opener = 'open' if sys.platform == 'darwin' else 'xdg-open'
        subprocess.Popen([opener, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
