"""在 CI 中（环境变量 CI 非空）任何被跳过的测试都算失败：CI 装齐了依赖，跳过就意味着漏测。

In CI every skipped test fails the run: CI installs every optional dependency, so a skip means a gap.
"""

import os


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin('terminalreporter')
    skipped = reporter.stats.get('skipped', []) if reporter else []
    if os.environ.get('CI') and skipped:
        reporter.write_line(f'CI 中不允许跳过测试 (no skips allowed in CI): {len(skipped)} skipped', red=True)
        session.exitstatus = 1
