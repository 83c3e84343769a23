"""保存和读取模型 (saving and loading models)：model.save(path) 与 model.load(path)。

文件是 UTF-8 的 JSON，人也能读：

    {"format": "micrograd_zh", "version": 1,
     "architecture": {"class": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "relu", "init": null},
     "parameters": {"layers.0.neurons.0.w0": 0.12, ...}}

写入是原子的 (atomic)：先写同一文件夹里的临时文件 (temporary file)，flush + fsync 落盘，再用
os.replace 一步换上去。中途崩溃 (crash) 时旧文件原封不动，不会留下写了一半的文件。
临时文件名是 .<文件名>.<进程号 pid>.<随机>.micrograd.tmp（文件名太长时截短，保证不超过文件系统的上限）；
进程被 kill -9 杀掉时它会留下来，下一次保存同一个文件时，写它的进程已经不在了的临时文件会被删掉（POSIX）。

写入的规则，与编辑器 (editor) 相同：
- path 是符号链接 (symlink) 时写到它指向的文件 (write through)，链接本身保留；
- 已有的文件是只读的（没有任何写权限位 (write bit)，或当前用户不能写）时拒绝覆盖，root 也一样；
- 不是普通文件（例如设备 /dev/null、命名管道 FIFO）时拒绝；
- 覆盖时保留原来的权限 (permissions)；新文件按 umask。
文件系统的错误（没有权限、磁盘满了、文件名太长……）都是一行的 OSError，写的是你给的 path，而不是临时文件名。

读取先检查全部内容，再改写参数：文件是空的、被截断 (truncated)、不是 JSON、版本不对、结构不同，
或参数的名字、个数、类型不对、含 nan/inf，都抛出一行的 ValueError，模型保持原样 (unchanged)。
读进来的数就是文件里写的数：float64 不能精确表示的整数（如 10016348894188071，超过 2**53）被拒绝，
而不是悄悄变成另一个数。文件不存在是 FileNotFoundError（也是一行双语）。init 只决定初始权重，读取时不核对它。
"""

import json
import math
import os
import re
import stat
import tempfile

from .checks import is_real, show

__all__ = ['save', 'load', 'FORMAT', 'VERSION']

FORMAT = 'micrograd_zh'
VERSION = 1
TEMP_SUFFIX = '.micrograd.tmp'
_TEMP_TAIL = re.compile(r'(\d+)\.[a-z0-9_]{8}' + re.escape(TEMP_SUFFIX) + r'\Z')   # pid、mkstemp 的 8 个随机字符


def _check_path(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path 必须是文件路径 (str 或 pathlib.Path)，而不是 {type(path).__name__} "
                        f"(path must be a file path, str or pathlib.Path, got {type(path).__name__})")
    return os.fspath(path)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot_save(path, error):
    """文件系统的错误换成一行、写出用户给的 path 的同类 OSError（errno 不变）。"""
    reason = error.strerror or str(error)
    new = type(error)(f"无法保存到 {path}：{reason} (cannot save to {path}: {reason})")
    new.errno = error.errno
    return new


def _mode_to_keep(path, target):
    """target 已存在时检查它能否覆盖，返回要保留的权限；不存在时返回按 umask 的新文件权限。"""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return 0o666 & ~_umask()
    except OSError as e:
        raise _cannot_save(path, e) from None
    if stat.S_ISDIR(st.st_mode):
        raise ValueError(f"path 是一个文件夹，要给文件名：{path} (path is a folder, give a file name: {path})")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"path 不是普通文件，拒绝用模型文件替换它：{path} "
                         f"(path is not a regular file, refusing to replace it: {path})")
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(f"{path} 是只读的，拒绝覆盖；确实要覆盖就先让它可写，例如 chmod u+w "
                              f"({path} is read-only: refusing to overwrite it; make it writable first, "
                              f"e.g. chmod u+w)")
    return stat.S_IMODE(st.st_mode)


def _name_max(folder):
    try:
        return os.pathconf(folder, 'PC_NAME_MAX')
    except (AttributeError, OSError, ValueError):
        return 255


def _temp_stem(folder, name):
    """临时文件名的开头 '.<文件名>.'；文件名太长时截短，让整个临时文件名不超过文件系统的上限 (NAME_MAX)。

    后面接 '<pid>.<8 个随机字符>.micrograd.tmp'，pid 按最长 10 位预留，所以同一个文件的开头总是一样的。
    """
    budget = _name_max(folder) - len('..') - 10 - len('.') - 8 - len(TEMP_SUFFIX)
    while name and len(os.fsencode(name)) > budget:
        name = name[:-1]
    return '.' + name + '.'


def _alive(pid):
    """进程 pid 还在吗？拿不准时当作还在（宁可留下垃圾，也不删别人正在写的文件）。"""
    if os.name != 'posix' or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)                                  # 信号 0 只检查进程是否存在，不发信号
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):         # 例如 PermissionError：别的用户的进程，还活着
        return True
    return True


def _remove_stale_temps(folder, stem):
    """删掉同一个文件的、写它的进程已经不在了的临时文件（被 kill -9 的保存留下的）。"""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = name.startswith(stem) and _TEMP_TAIL.match(name, len(stem))
        if match and not _alive(int(match.group(1))):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


def save(module, path):
    """把 module 的结构和参数原子地写进 path（JSON）。参数里有 nan/inf 时拒绝保存，免得覆盖好的存档。"""
    path = _check_path(path)
    params = module.state_dict()
    for name, v in params.items():
        if not math.isfinite(v):
            raise ValueError(f"参数 {name} 是 {v!r}，拒绝保存，以免覆盖好的文件 "
                             f"(parameter {name} is {v!r}: refusing to save over a good file)")
    doc = {'format': FORMAT, 'version': VERSION, 'architecture': module.architecture(), 'parameters': params}
    target = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)   # 穿过符号链接
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"文件夹不存在：{folder} (folder does not exist: {folder})")
    mode = _mode_to_keep(path, target)
    stem = _temp_stem(folder, os.path.basename(target))
    _remove_stale_temps(folder, stem)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f'{stem}{os.getpid()}.', suffix=TEMP_SUFFIX)
    except OSError as e:
        raise _cannot_save(path, e) from None
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(doc, f, ensure_ascii=False, indent=1, allow_nan=False)
            f.write('\n')
            f.flush()
            os.fsync(f.fileno())                         # 先确保数据真的落盘 (on disk)
        os.chmod(tmp, mode)
        os.replace(tmp, target)                          # 原子的一步 (atomic)：要么旧文件，要么新文件
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _cannot_save(path, e) from None
        raise
    try:                                                 # 让“换文件”这一步本身也落盘（POSIX）
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _bad(path, zh, en):
    return ValueError(f"无法读取 {path}：{zh} (cannot load {path}: {en})")


class _NotFinite(ValueError):
    """JSON 里的 NaN、Infinity、-Infinity（Python 的 json 认得它们，但它们不是合法的 JSON 数）。"""


def _reject_constant(name):
    raise _NotFinite(name)


def _read(path):
    """读出并解析 JSON；任何毛病都变成一行的 ValueError。"""
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"文件不存在：{path} (no such file: {path})") from None
    except IsADirectoryError:
        raise _bad(path, '这是一个文件夹', 'it is a folder') from None
    if not raw.strip():
        raise _bad(path, '文件是空的', 'the file is empty')
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        raise _bad(path, '不是 UTF-8 文本', 'not UTF-8 text') from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise _bad(path, f'不是完整的 JSON（第 {e.lineno} 行第 {e.colno} 列），文件可能被截断或改坏了',
                   f'not valid JSON at line {e.lineno} column {e.colno}: {e.msg}; truncated or damaged?') from None
    except _NotFinite as e:
        raise _bad(path, f'{e} 不是有限的数', f'{e} is not a finite number') from None
    except RecursionError:
        raise _bad(path, 'JSON 嵌套太深', 'JSON nested too deeply') from None
    except ValueError:                                   # 例如位数太多的整数 (an int with too many digits)
        raise _bad(path, 'JSON 里有不能接受的内容，例如位数太多的整数',
                   'unacceptable JSON content, such as an integer with too many digits') from None


def _number(v):
    if not is_real(v):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:                                # 比 float 还大的整数
        return False


def _exact(v):
    """文件里的整数必须能被 float64 精确表示（|v| ≤ 2**53 的整数都可以），否则读进来就成了另一个数。"""
    return not isinstance(v, int) or float(v) == v


def load(module, path):
    """读取 save() 写的文件，核对后就地改写 module 的参数，返回 module。出错时 module 不变。"""
    path = _check_path(path)
    doc = _read(path)
    if not isinstance(doc, dict) or doc.get('format') != FORMAT:
        raise _bad(path, '不是 micrograd_zh 保存的模型文件', 'not a micrograd_zh model file')
    version = doc.get('version')
    if type(version) is not int or version != VERSION:
        raise _bad(path, f'文件格式版本是 {show(version)}，这里只支持 {VERSION}',
                   f'format version {show(version)}, only {VERSION} is supported')
    stored, expected = doc.get('architecture'), module.architecture()
    if not isinstance(stored, dict):
        raise _bad(path, '缺少结构 (architecture)', 'missing architecture')
    ignore = {'init'}
    if {k: v for k, v in stored.items() if k not in ignore} != {k: v for k, v in expected.items() if k not in ignore}:
        raise _bad(path, f'结构不同：文件里是 {show(stored, 120)}，模型是 {show(expected, 120)}',
                   f'the file holds {show(stored, 120)}, this model is {show(expected, 120)}')
    params = doc.get('parameters')
    if not isinstance(params, dict):
        raise _bad(path, '缺少参数 (parameters)', 'missing parameters')
    names = [name for name, _ in module.named_parameters()]
    if len(params) != len(names) or set(params) != set(names):
        missing = sorted(set(names) - set(params))[:3]
        extra = sorted(set(params) - set(names))[:3]
        raise _bad(path, f'参数对不上：文件里 {len(params)} 个，模型 {len(names)} 个，缺少 {missing}，多出 {extra}',
                   f'parameters do not match: {len(params)} in file, {len(names)} in model, '
                   f'missing {missing}, unexpected {extra}')
    for name in names:
        if not _number(params[name]):
            raise _bad(path, f'参数 {name} 必须是有限的数，而不是 {show(params[name])}',
                       f'parameter {name} must be a finite number, got {show(params[name])}')
        if not _exact(params[name]):
            raise _bad(path, f'参数 {name} 是整数 {show(params[name])}，float64 不能精确表示它',
                       f'parameter {name} is the integer {show(params[name])}, which a float64 cannot hold exactly')
    module.load_state_dict({name: float(params[name]) for name in names})
    return module
