"""测试共用的小工具 (helpers shared by tests)：无头 Chromium 和一个只用标准库的 PNG 解码器。"""

import os
import shutil
import struct
import subprocess
import zlib

import pytest


def chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    return '/usr/bin/chromium' if os.path.exists('/usr/bin/chromium') else None


needs_chromium = pytest.mark.skipif(chromium() is None, reason='没有 Chromium (no chromium; CI installs it)')


def run_chromium(tmp_path, url, *extra):
    profile = tmp_path / f'profile{len(list(tmp_path.iterdir()))}'
    cmd = [chromium(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
           f'--user-data-dir={profile}', '--hide-scrollbars', *extra, url]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 0, done.stderr.decode('utf-8', 'replace')[-500:]
    return done.stdout.decode('utf-8', 'replace')


def png_pixels(path):
    """读 PNG（8 位 RGB/RGBA，无隔行 non-interlaced），返回各行的像素字节。只用标准库。"""
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat, width, height, bpp = 8, b'', 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, color = struct.unpack('>IIBB', chunk[:10])
            assert depth == 8 and color in (2, 6)
            bpp = 3 if color == 2 else 4
        elif kind == b'IDAT':
            idat += chunk
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pr = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else (b if abs(p - b) <= abs(p - c) else c)
            line[i] = (line[i] + (0, a, b, (a + b) // 2, pr)[f]) & 0xFF
        rows.append(bytes(line))
        prev = line
    return rows, bpp


def distinct_colours(path, step=4):
    """PNG 里（隔 step 行、隔 step 个像素取样）有多少种不同的颜色：一片空白只有一两种。"""
    rows, bpp = png_pixels(path)
    return len({row[i:i + 3] for row in rows[::step] for i in range(0, len(row), bpp * step)})
