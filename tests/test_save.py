"""保存和读取模型 (micrograd_zh/save.py)：往返 (round trip)、原子写入 (atomic write)、坏文件不改模型。"""

import json
import os
import stat

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


@settings(max_examples=300, deadline=None)
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
