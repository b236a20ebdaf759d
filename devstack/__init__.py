"""Development launcher and test harness: the whole platform on one machine.

`python -m devstack run` starts it (see docs/runtime.md); `devstack.stack.Stack`
is the same composition for the tests (fixtures in `devstack.pytest_plugin`).
"""
