"""测试的共同设置 (shared test settings)。

1. 在 CI 中（环境变量 CI 非空）任何被跳过的测试都算失败：CI 装齐了依赖，跳过就意味着漏测。
2. hypothesis 的设置 (profiles)：任何一次失败都打印出能重现它的例子和 @reproduce_failure 代码 (print_blob)；
   不设时限 (deadline=None)，因为两个核被好几个进程分着用时，一个例子偶尔慢一点不是错误。
   CI 里用 derandomize=True：例子由测试本身决定 (derandomized)，每次运行都一样，CI 的结果可以重现；
   本地运行时照常随机探索，并把失败的例子记在 .hypothesis/ 里，下次先重放它。

In CI every skipped test fails the run. Hypothesis prints the failing example and a reproduce blob, has no
deadline, and is derandomized in CI (the same examples every run) while exploring freely elsewhere.
"""

import os

try:
    from hypothesis import settings
except ImportError:                               # 只装了核心时 (core only) 也能运行其余测试
    settings = None

if settings is not None:
    settings.register_profile('dev', print_blob=True, deadline=None)
    settings.register_profile('ci', print_blob=True, deadline=None, derandomize=True, database=None)
    settings.load_profile('ci' if os.environ.get('CI') else 'dev')


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin('terminalreporter')
    skipped = reporter.stats.get('skipped', []) if reporter else []
    if os.environ.get('CI') and skipped:
        reporter.write_line(f'CI 中不允许跳过测试 (no skips allowed in CI): {len(skipped)} skipped', red=True)
        session.exitstatus = 1
