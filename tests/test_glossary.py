"""术语表 (docs/glossary.md) 的规则：

1. docs/tutorial/ 的每一页里，一个术语第一次出现时，后面的括号里有它的英文，例如“反向传播 (backpropagation)”
   （术语和括号之间可以隔着几个汉字，如“标量自动微分引擎 (scalar autograd engine)”），之后再出现时不再写英文；
2. 教程各页和 README（中文部分）都不用“不要写成”一栏里的词（引号“”里提到的除外），同一个概念只用一个词。

只看正文：代码块、行内代码、缩进的公式、标题、图片、链接（链接文字是别的页的标题）和 HTML 注释都不算。一个位置按最长的术语算
（“梯度下降”里不再单独算“梯度”）。
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / 'docs' / 'glossary.md'
README = ROOT / 'README.md'
PAGES = sorted((ROOT / 'docs' / 'tutorial').glob('*.md'))
CJK = '\u4e00-\u9fff'


def _table(section):
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if line.startswith('|') and not set(cells[0]) <= set('-: ') and cells[0] not in ('中文', '不要写成'):
            rows.append(cells)
    return rows


def glossary():
    text = GLOSSARY.read_text(encoding='utf-8')
    terms = _table(text.split('\n## 术语\n')[1].split('\n## ')[0])
    avoid = _table(text.split('\n## 不要写成\n')[1])
    return {zh: en for zh, en, *_ in terms}, [w.strip() for bad, _ in avoid for w in bad.split('、')]


TERMS, AVOID = glossary()


def _blank(match):
    """去掉的部分换成同样长的空白 (same-length blanks)，位置和行号保持不变。"""
    return re.sub(r'[^\n]', '\x00', match.group(0))


def _blank_statements(text):
    from micrograd_zh.exercises import EXERCISES
    lines = {line for e in EXERCISES for line in e.statement.splitlines() if line.strip()}
    return '\n'.join(re.sub(r'[^\n]', '\x00', line) if line in lines else line for line in text.split('\n'))


def prose(page):
    """正文 (running text)：代码、公式、标题、图片、链接、注释和加粗记号都换成空白。README 只看 ## English 之前。"""
    text = page.read_text(encoding='utf-8')
    if page == README and '\n## English' in text:
        cut = text.index('\n## English')
        text = text[:cut] + re.sub(r'[^\n]', '\x00', text[cut:])
    if page.name == '11-exercises.md':                 # 题目原文来自 micrograd_zh.exercises，ex(n) 单独显示它，
        text = _blank_statements(text)                  # 自成一体，所以不按本页的“第一次出现”算
    for pattern, flags in ((r'^```.*?^```[ \t]*$', re.S | re.M), (r'<!--.*?-->', re.S), (r'^#.*$', re.M),
                           (r'^    .*$', re.M),                          # 缩进的公式块 (indented formula blocks)
                           (r'!?\[[^\]]*\]\([^)]*\)', 0),                 # 图片和链接：链接文字是别的页的标题
                           (r'`[^`\n]*`', 0), (r'\*\*', 0)):
        text = re.sub(pattern, _blank, text, flags=flags)
    return text


def occurrences(text, terms):
    """按最长匹配 (longest match) 找出正文里的术语：[(术语, 结束位置), ...]。"""
    by_first = {}
    for term in sorted(terms, key=len, reverse=True):
        by_first.setdefault(term[0], []).append(term)
    found, i = [], 0
    while i < len(text):
        term = next((t for t in by_first.get(text[i], ()) if text.startswith(t, i)), None)
        if term:
            found.append((term, i + len(term)))
            i += len(term)
        else:
            i += 1
    return found


def _english_after(text, end, lenient):
    """术语后面括号里的内容；lenient 时允许中间隔着至多 8 个汉字。没有括号返回 None。"""
    gap = f'[{CJK}\x00]{{0,8}}' if lenient else ''
    match = re.compile(rf'{gap}[\s\x00]*\(([^)]*)\)').match(text, end)
    return match.group(1).lower() if match else None


def test_glossary_is_well_formed():
    assert len(TERMS) >= 60
    text = GLOSSARY.read_text(encoding='utf-8')
    rows = _table(text.split('\n## 术语\n')[1].split('\n## ')[0])
    assert len({r[0] for r in rows}) == len(rows), '术语表里有重复的中文词 (duplicate Chinese term)'
    assert all(re.search(f'[{CJK}]', zh) and re.search('[A-Za-z]', en) for zh, en, *_ in rows)


def test_first_use_rule_catches_both_mistakes():
    """检查器本身：缺英文、重复英文、不要写成的词都抓得到。"""
    text = '梯度下降里先有梯度 (gradient)。再说梯度 (gradient) 就多余了。反传是错的。'
    seen = check(text)
    assert any('梯度下降' in p and '第一次' in p for p in seen)
    assert any('梯度' in p and '又写了英文' in p for p in seen)
    assert any('反传' in p for p in seen)
    assert check('梯度 (gradient) 是向量 (vector)；梯度的每个分量。') == []


def avoided(text):
    unquoted = re.sub(r'“[^”]*”', '', text)
    return [f'不要写成“{word}”' for word in AVOID if word in unquoted]


def check(text):
    problems, seen = [], set()
    for term, end in occurrences(text, TERMS):
        english = TERMS[term].lower()
        line = text.count('\n', 0, end) + 1
        context = f"第 {line} 行 (line {line})：" + text[max(0, end - len(term) - 10):end + 25].replace('\n', ' ').replace('\x00', '')
        if term not in seen:
            seen.add(term)
            inside = _english_after(text, end, lenient=True)
            if inside is None or english not in inside:
                problems.append(f'“{term}”第一次出现没有写英文 ({TERMS[term]})，{context}')
        else:
            inside = _english_after(text, end, lenient=False)
            if inside is not None and inside.startswith(english):
                problems.append(f'“{term}”不是第一次出现，又写了英文，{context}')
    return problems + avoided(text)


@pytest.mark.parametrize('page', PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_terms_follow_the_glossary(page):
    problems = check(prose(page))
    assert not problems, f'{page.relative_to(ROOT)}：\n' + '\n'.join(problems)


def test_readme_uses_the_glossary_words():
    problems = avoided(prose(README))
    assert not problems, problems
