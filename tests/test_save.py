"""保存和读取模型 (micrograd_zh/save.py)：往返 (round trip)、原子写入 (atomic write)、坏文件不改模型。"""

import errno
import json
import os
import stat
import sys

import pytest
from hypothesis import given, settings, strategies as st

from micrograd_zh import MLP, Layer, Module, Neuron, Value
from micrograd_zh import save as save_module


def outputs(model, x):
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else out.data


@pytest.mark.parametrize('make, x', [
    (lambda seed: MLP(3, [8, 8, 2], activation='tanh', seed=seed), [0.1, -0.2, 0.3]),
    (lambda seed: MLP(2, [1, 1], init='uniform', seed=seed), [0.5, 2.0]),
    (lambda seed: Layer(2, 4, activation='sigmoid', seed=seed), [1.0, -1.0]),
    (lambda seed: Neuron(3, activation='relu', seed=seed), [1.0, 2.0, 3.0]),
])
def test_round_trip_restores_every_parameter_bit_for_bit(make, x, tmp_path):
    a, b = make(1), make(2)
    assert outputs(a, x) != outputs(b, x)
    a.save(tmp_path / 'm.json')
    assert b.load(tmp_path / 'm.json') is b                  # 返回 self，可以写 model = MLP(...).load(path)
    assert b.state_dict() == a.state_dict()
    assert outputs(b, x) == outputs(a, x)
    assert os.listdir(tmp_path) == ['m.json']                # 没有留下临时文件


def test_file_is_readable_json_with_format_version_and_architecture(tmp_path):
    path = str(tmp_path / 'm.json')
    MLP(2, [16, 16, 1], activation='tanh', init='xavier', seed=0).save(path)
    doc = json.loads(open(path, encoding='utf-8').read())
    assert doc['format'] == 'micrograd_zh' and doc['version'] == 1
    assert doc['architecture'] == {'class': 'MLP', 'nin': 2, 'nouts': [16, 16, 1],
                                   'activation': 'tanh', 'init': 'xavier'}
    assert len(doc['parameters']) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1


def test_init_is_stored_but_not_required_to_match(tmp_path):
    MLP(2, [3, 1], init='uniform', seed=0).save(tmp_path / 'm.json')
    model = MLP(2, [3, 1], seed=5).load(tmp_path / 'm.json')    # init 只决定初始权重
    assert model.state_dict() == MLP(2, [3, 1], init='uniform', seed=0).state_dict()


def test_a_custom_module_saves_by_parameter_names(tmp_path):
    class Line(Module):
        def __init__(self, w):
            self.w, self.b = Value(w), Value(0.5)

        def named_parameters(self):
            return [('w', self.w), ('b', self.b)]

    Line(3.0).save(tmp_path / 'line.json')
    other = Line(-1.0).load(tmp_path / 'line.json')
    assert (other.w.data, other.b.data) == (3.0, 0.5)
    with pytest.raises(ValueError, match='the file holds'):
        Neuron(1).load(tmp_path / 'line.json')


# ---------------------------------------------------------------- 原子写入 (atomic write)
def good_file(tmp_path):
    path = tmp_path / 'm.json'
    MLP(2, [3, 1], seed=0).save(path)
    return path, path.read_bytes()


def crash(*args, **kwargs):
    raise OSError('磁盘满了 (disk full)')


@pytest.mark.parametrize('target', ['json.dump', 'os.fsync', 'os.replace', 'os.chmod'])
def test_a_crash_while_saving_keeps_the_old_file_and_removes_the_temp_file(target, tmp_path, monkeypatch):
    path, before = good_file(tmp_path)
    module_name, func = target.split('.')
    monkeypatch.setattr(getattr(save_module, module_name), func, crash)
    with pytest.raises(OSError, match='disk full'):
        MLP(2, [3, 1], seed=9).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ['m.json']


def test_a_crash_half_way_through_writing_keeps_the_old_file(tmp_path, monkeypatch):
    path, before = good_file(tmp_path)
    real_dump = json.dump

    def half_dump(obj, f, **kwargs):                         # 写了一半就断电 (power cut half way)
        f.write(json.dumps(obj, **kwargs)[:100])
        raise KeyboardInterrupt

    monkeypatch.setattr(save_module.json, 'dump', half_dump)
    with pytest.raises(KeyboardInterrupt):
        MLP(2, [3, 1], seed=9).save(path)
    monkeypatch.setattr(save_module.json, 'dump', real_dump)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ['m.json']
    assert MLP(2, [3, 1], seed=3).load(path).state_dict() == MLP(2, [3, 1], seed=0).state_dict()


def test_refuses_to_save_nan_parameters_over_a_good_file(tmp_path):
    path, before = good_file(tmp_path)
    model = MLP(2, [3, 1], seed=0)
    model.parameters()[4].data = float('inf')
    with pytest.raises(ValueError, match='refusing to save') as info:
        model.save(path)
    assert '\n' not in str(info.value)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ['m.json']


@pytest.mark.skipif(os.name != 'posix', reason='POSIX 权限 (permissions)')
def test_permissions_follow_umask_and_are_kept_on_overwrite(tmp_path):
    path = tmp_path / 'm.json'
    old = os.umask(0o022)
    try:
        MLP(2, [3, 1], seed=0).save(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644         # mkstemp 的 0600 没有漏出来
    os.chmod(path, 0o600)
    MLP(2, [3, 1], seed=1).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


# ---------------------------------------------------------------- 坏文件 (damaged files)
def assert_rejected(model, path):
    before = model.state_dict()
    with pytest.raises(ValueError) as info:
        model.load(path)
    message = str(info.value)
    assert '\n' not in message and '无法读取' in message and 'cannot load' in message
    assert model.state_dict() == before


def test_every_truncation_is_rejected_and_leaves_the_model_unchanged(tmp_path):
    path, data = good_file(tmp_path)
    model = MLP(2, [3, 1], seed=7)
    cut = tmp_path / 'cut.json'
    for n in range(len(data.rstrip())):
        cut.write_bytes(data[:n])
        assert_rejected(model, cut)


def with_parameter(path, text):
    """把第一个参数的值换成 text（原样写进 JSON）。"""
    doc = path.read_text(encoding='utf-8')
    name = 'layers.0.neurons.0.w0'
    start = doc.index(f'"{name}": ') + len(f'"{name}": ')
    end = doc.index(',', start)
    path.write_text(doc[:start] + text + doc[end:], encoding='utf-8')
    return name


@pytest.mark.parametrize('text', ['-10016348894188071', str(2 ** 53 + 1), '9' * 300])
def test_an_integer_a_float_cannot_hold_exactly_is_rejected(text, tmp_path):
    """规则：读进来的数就是文件里写的数。float(10016348894188071) 是 10016348894188072.0，所以拒绝。"""
    path, _ = good_file(tmp_path)
    name = with_parameter(path, text)
    model = MLP(2, [3, 1], seed=7)
    assert_rejected(model, path)
    with pytest.raises(ValueError, match=f'parameter {name} is the integer'):
        model.load(path)


@pytest.mark.parametrize('text, value', [('3', 3), (str(2 ** 53), 2 ** 53), (str(10 ** 17), 10 ** 17),
                                         ('-0', 0), ('1e400', None), ('0.1000000000000000055511151231257827', 0.1)])
def test_numbers_load_exactly_as_json_reads_them(text, value, tmp_path):
    path, _ = good_file(tmp_path)
    name = with_parameter(path, text)
    model = MLP(2, [3, 1], seed=7)
    if value is None:                                        # 1e400 是 inf
        assert_rejected(model, path)
    else:
        assert model.load(path).state_dict()[name] == value == json.loads(path.read_bytes())['parameters'][name]


@settings(max_examples=300)
@given(st.data())
def test_random_damage_either_loads_exactly_the_file_or_is_rejected(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp('fuzz')
    path, good = good_file(folder)
    damaged = bytearray(good)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(damaged) - 1))
        damaged[i] = data.draw(st.sampled_from(b'0123456789.-+eE"{}[],:ntfalsNI \n\xff'))
    path.write_bytes(bytes(damaged))
    model = MLP(2, [3, 1], seed=7)
    before = model.state_dict()
    try:
        model.load(path)
    except ValueError as exc:
        assert '\n' not in str(exc) and 'cannot load' in str(exc)
        assert model.state_dict() == before
    else:
        assert model.state_dict() == json.loads(bytes(damaged))['parameters']


def test_missing_file_is_a_one_line_file_not_found_error(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(FileNotFoundError) as info:
        model.load(tmp_path / 'nope.json')
    assert str(info.value) == f"文件不存在：{tmp_path / 'nope.json'} (no such file: {tmp_path / 'nope.json'})"
    assert model.state_dict() == before


# ---------------------------------------------------------------- 文件系统的边缘 (the file-system edge)
PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'micrograd_zh')
CHILD_PRELUDE = '''
import json, os, sys
from micrograd_zh import MLP
def report(**kw):
    print(json.dumps(kw))
'''


def temps(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith('.tmp'))


@pytest.fixture
def sandbox():
    """/tmp 下一个所有用户都能进的文件夹，里面有 micrograd_zh 的一份副本 (a copy anyone can import)。"""
    import shutil
    import tempfile
    base = tempfile.mkdtemp(prefix='micrograd-sandbox-')
    os.chmod(base, 0o755)
    shutil.copytree(PACKAGE, os.path.join(base, 'pkg', 'micrograd_zh'),
                    ignore=shutil.ignore_patterns('__pycache__'))
    for root, dirs, files in os.walk(os.path.join(base, 'pkg')):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    work = os.path.join(base, 'work')
    os.mkdir(work)
    try:
        yield base, work
    finally:
        for root, dirs, files in os.walk(base):        # 只读的文件夹也要删得掉
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(base)


def unprivileged_command():
    """以普通用户 (unprivileged user) 运行的命令前缀：本来就不是 root 时直接运行；root 用 setpriv 变成 nobody。

    root 无视权限位 (permission bits)，所以权限的测试必须以普通用户运行；CI 以 root 运行，这里就降权，不跳过。
    """
    if os.geteuid() != 0:
        return [], os.geteuid(), os.getegid()
    import pwd
    import shutil
    try:
        entry = pwd.getpwnam('nobody')
        uid, gid = entry.pw_uid, entry.pw_gid
    except KeyError:
        uid = gid = 65534
    setpriv = shutil.which('setpriv')
    assert setpriv, 'root 运行测试时需要 setpriv (util-linux) 来降权 (setpriv is needed to drop root)'
    return [setpriv, f'--reuid={uid}', f'--regid={gid}', '--clear-groups'], uid, gid


def run_unprivileged(sandbox, code):
    """在 sandbox 的 work 文件夹里，以普通用户运行一段 Python，返回它用 report(...) 报告的 dict。

    普通用户未必能运行 sys.executable（例如它在 root 的家目录里），那就用系统的 python3：子进程只需要标准库
    和 sandbox 里的 micrograd_zh 副本。
    """
    import subprocess
    base, work = sandbox
    prefix, uid, gid = unprivileged_command()
    os.chown(work, uid, gid)
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'PYTHONPATH': os.path.join(base, 'pkg'),
           'PYTHONDONTWRITEBYTECODE': '1', 'HOME': work, 'LC_ALL': 'C.UTF-8'}

    def runs(python):
        probe = subprocess.run(prefix + [python, '-c', 'import json, micrograd_zh'], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        return probe.returncode == 0

    pythons = [p for p in (sys.executable, '/usr/bin/python3', '/usr/local/bin/python3') if p and os.path.exists(p)]
    python = next((p for p in pythons if runs(p)), None)
    assert python, f'普通用户运行不了这些 Python (no Python the unprivileged user can run): {pythons}'
    done = subprocess.run(prefix + [python, '-c', CHILD_PRELUDE + code], cwd=work, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors='replace')
    assert os.geteuid() != 0 or 'uid=0' not in done.stdout.decode()
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def test_the_unprivileged_child_really_is_not_root(sandbox):
    result = run_unprivileged(sandbox, 'report(uid=os.geteuid(), writable=os.access("/", os.W_OK))')
    assert result['uid'] != 0 and result['writable'] is False


def test_a_read_only_folder_is_reported_with_the_users_path(sandbox):
    result = run_unprivileged(sandbox, '''
os.mkdir('ro')
os.chmod('ro', 0o555)
try:
    MLP(2, [3, 1], seed=0).save('ro/m.json')
    report(error=None)
except OSError as e:
    report(error=str(e), kind=type(e).__name__, left=os.listdir('ro'))
''')
    assert result['kind'] == 'PermissionError'
    assert result['error'].startswith('无法保存到 ro/m.json：') and '(cannot save to ro/m.json: ' in result['error']
    assert '.tmp' not in result['error'] and '\n' not in result['error'] and result['left'] == []


def test_read_only_files_are_refused_for_an_unprivileged_user(sandbox):
    base, work = sandbox
    with open(os.path.join(work, 'theirs.json'), 'w') as f:        # 别的用户 (root) 的文件，0644
        f.write('{}')
    result = run_unprivileged(sandbox, '''
MLP(2, [3, 1], seed=0).save('mine.json')
os.chmod('mine.json', 0o444)
errors = []
for name in ('mine.json', 'theirs.json'):
    try:
        MLP(2, [3, 1], seed=1).save(name)
    except PermissionError as e:
        errors.append(str(e))
report(errors=errors, mine=open('mine.json').read(), theirs=open('theirs.json').read(), left=sorted(os.listdir('.')))
''')
    assert [e.split(' ')[0] for e in result['errors']] == ['mine.json', 'theirs.json']
    assert all('is read-only: refusing to overwrite it' in e for e in result['errors'])
    assert result['theirs'] == '{}' and json.loads(result['mine'])['parameters'] == MLP(2, [3, 1], seed=0).state_dict()
    assert result['left'] == ['mine.json', 'theirs.json']


@pytest.mark.skipif(os.name != 'posix', reason='POSIX 权限 (permissions)')
def test_a_chmod_444_file_is_refused_even_for_root(tmp_path):
    path, before = good_file(tmp_path)
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError) as info:
        MLP(2, [3, 1], seed=9).save(path)
    assert str(info.value).startswith(f'{path} 是只读的') and '\n' not in str(info.value)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ['m.json']
    os.chmod(path, 0o644)                                   # 改成可写之后就能覆盖
    MLP(2, [3, 1], seed=9).save(path)
    assert path.read_bytes() != before


def test_a_fifo_is_not_replaced(tmp_path):
    fifo = tmp_path / 'm.json'
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match='path is not a regular file'):
        MLP(2, [3, 1], seed=0).save(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ['m.json']


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    target, _ = good_file(tmp_path)
    os.mkdir(tmp_path / 'links')
    link = tmp_path / 'links' / 'latest.json'
    os.symlink(os.path.join('..', 'm.json'), link)         # 相对链接 (relative link)
    model = MLP(2, [3, 1], seed=5)
    model.save(link)
    assert os.path.islink(link) and os.readlink(link) == os.path.join('..', 'm.json')
    assert MLP(2, [3, 1], seed=0).load(target).state_dict() == model.state_dict()
    assert MLP(2, [3, 1], seed=0).load(link).state_dict() == model.state_dict()
    assert sorted(os.listdir(tmp_path)) == ['links', 'm.json'] and os.listdir(tmp_path / 'links') == ['latest.json']
    dangling = tmp_path / 'links' / 'new.json'               # 指向还不存在的文件：创建那个文件
    os.symlink(tmp_path / 'created.json', dangling)
    model.save(dangling)
    assert os.path.islink(dangling) and json.loads((tmp_path / 'created.json').read_text())['parameters'] \
        == model.state_dict()


@pytest.mark.parametrize('length', range(242, 256))
def test_long_file_names_up_to_255_bytes_work(length, tmp_path):
    name = 'm' * (length - len('.json')) + '.json'
    path = tmp_path / name
    MLP(2, [3, 1], seed=1).save(path)
    MLP(2, [3, 1], seed=1).save(path)                        # 覆盖 (overwrite) 也行
    assert MLP(2, [3, 1], seed=0).load(path).state_dict() == MLP(2, [3, 1], seed=1).state_dict()
    assert os.listdir(tmp_path) == [name]


def test_a_255_byte_name_in_chinese_works(tmp_path):
    name = '模' * 83 + '.json'                               # 83 × 3 + 5 = 254 字节 (bytes)
    assert len(os.fsencode(name)) == 254
    MLP(2, [3, 1], seed=1).save(tmp_path / name)
    assert os.listdir(tmp_path) == [name]


def test_a_name_that_is_too_long_names_the_users_path(tmp_path):
    path = tmp_path / ('m' * 256)
    with pytest.raises(OSError) as info:
        MLP(2, [3, 1], seed=1).save(path)
    message = str(info.value)
    assert message == f'无法保存到 {path}：File name too long (cannot save to {path}: File name too long)'
    assert info.value.errno == errno.ENAMETOOLONG and os.listdir(tmp_path) == []


# kill -9 在保存的半中间：子进程在 fsync 或 os.replace 处停住，父进程把它杀掉，留下临时文件。
KILLED_CHILD = '''
import os, sys, time
from micrograd_zh import MLP, save
def stop_here(*args, **kwargs):
    print('ready', flush=True)
    time.sleep(600)
setattr(save.os, sys.argv[2], stop_here)
MLP(2, [3, 1], seed=9).save(sys.argv[1])
'''


def start_a_save_that_hangs(path, where):
    import subprocess
    env = dict(os.environ, PYTHONPATH=os.path.dirname(PACKAGE))
    child = subprocess.Popen([sys.executable, '-c', KILLED_CHILD, str(path), where], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline().strip() == b'ready', child.stderr.read()
    return child


@pytest.mark.skipif(os.name != 'posix', reason='kill -9 与进程号 (pid) 检查只在 POSIX 上')
@pytest.mark.parametrize('where', ['fsync', 'replace'])
def test_temp_files_left_by_kill_9_are_removed_by_the_next_save(where, tmp_path):
    import signal
    path, before = good_file(tmp_path)
    for _ in range(3):                                       # 每一次保存先清掉上一个被杀的进程留下的
        child = start_a_save_that_hangs(path, where)
        child.kill()                                         # SIGKILL：进程来不及清理
        assert child.wait() == -signal.SIGKILL
        child.stdout.close()
        child.stderr.close()
        assert [f'.{child.pid}.' in name for name in temps(tmp_path)] == [True]
        assert path.read_bytes() == before                   # 文件本身始终完整
    alive = start_a_save_that_hangs(path, where)                      # 正在写的进程：它的临时文件不能删
    try:
        MLP(2, [3, 1], seed=4).save(path)
        left = temps(tmp_path)
        assert len(left) == 1 and f'.{alive.pid}.' in left[0]
    finally:
        alive.kill()
        alive.wait()
        alive.stdout.close()
        alive.stderr.close()
    MLP(2, [3, 1], seed=4).save(path)
    assert os.listdir(tmp_path) == ['m.json']
    assert MLP(2, [3, 1], seed=0).load(path).state_dict() == MLP(2, [3, 1], seed=4).state_dict()


def test_a_file_that_only_looks_like_our_temp_file_is_kept(tmp_path):
    path, _ = good_file(tmp_path)
    keep = ['.m.json.1.abcdefgh.tmp', '.other.json.999999999.abcdefgh.micrograd.tmp', 'm.json.bak']
    for name in keep:
        (tmp_path / name).write_text('x')
    MLP(2, [3, 1], seed=4).save(path)
    assert sorted(os.listdir(tmp_path)) == sorted(keep + ['m.json'])


def test_numpy_integer_sizes_are_stored_as_int(tmp_path):
    np = pytest.importorskip('numpy')
    models = [MLP(np.int64(2), [np.int64(3), np.int32(1)], seed=0), Layer(np.int64(2), np.int64(3), seed=0),
              Neuron(np.int64(2), seed=0)]
    for i, model in enumerate(models):
        arch = model.architecture()
        sizes = [arch.get('nin'), arch.get('nout')] + list(arch.get('nouts', []))
        assert all(type(n) is int for n in sizes if n is not None), arch
        model.save(tmp_path / f'{i}.json')
        assert type(model).__name__ in (tmp_path / f'{i}.json').read_text()
