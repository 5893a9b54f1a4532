"""The package's shape: no module imports one that imports it back, and the root holds only subpackages."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / 'shufflenet_det'


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob('*.py') if 'configs' not in path.parts}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports anywhere in its body, top-level and inside functions alike."""
    package = name if path.name == '__init__.py' else name.rpartition('.')[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                anchor = package.split('.')[:len(package.split('.')) - node.level + 1]
                base = '.'.join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f'{base}.{alias.name}' for alias in node.names)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    return {name: imported_modules(name, path, set(modules)) for name, path in modules.items()}


def test_no_module_imports_a_module_that_imports_it_back():
    graph = import_graph()
    circles = sorted({tuple(sorted((a, b))) for a, targets in graph.items() for b in targets if a in graph[b]})
    assert not circles, f'modules importing each other: {circles}'


def test_no_import_cycles_at_all():
    graph = import_graph()
    state: dict[str, str] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 'open'
        for target in sorted(graph[node]):
            if state.get(target) == 'open':
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[node] = 'done'

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, f'import cycles: {cycles}'


def test_package_root_holds_only_subpackages():
    loose = sorted(path.name for path in PACKAGE.glob('*.py') if path.name != '__init__.py')
    assert not loose, f'modules at the package root: {loose}'
