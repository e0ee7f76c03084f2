"""The package's layers hold: no import cycles, no upward imports.

Read from the source with `ast`, so an import hidden inside a function counts
as much as one at the top of a module. Function-level imports are allowed
only for the optional heavy dependencies named in `LAZY_DEPENDENCIES`.
"""

import ast
import dataclasses
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gans"

# From the bottom up; a module may import only from its own rank or below,
# and the units of one rank must not import each other in a circle.
RANKS = {
    "version": 0,
    "utils": 0,
    "distribute": 1,
    "presets": 1,
    "data": 2,
    "plotting": 2,
    "losses": 2,
    "augment": 2,
    "clustering": 2,
    "networks": 2,
    "contracts": 3,
    "export": 3,
    "models": 4,
    "evaluation": 5,
    "callbacks": 6,
    "latent": 6,  # projection reads the ImageNet features of evaluation
    "jobs.plumbing": 7,
    "jobs.engines": 8,
    "jobs": 9,
    "recipes": 10,  # the old name of jobs
    "cli": 10,  # the keras-gans command
    "evaluate": 11,  # python -m keras_gans.evaluate: a wrapper of the command
    "__main__": 11,  # python -m keras_gans
    "": 12,  # keras_gans/__init__.py: the public API
}

# Optional dependencies that only one feature needs and that are slow to
# import: the only imports allowed inside functions.
LAZY_DEPENDENCIES = {
    "tensorflow_datasets",
    "cv2",
    "ai_edge_litert",
    "soundfile",
    "scipy",
    "pesq",
    "pystoi",
    "imageio_ffmpeg",
    "pypinyin",
}


def _modules():
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(module, path):
    """`(target module, line, inside a function)` for every import in `path`."""
    tree = ast.parse(path.read_text())
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(child) for child in ast.walk(node) if child is not node)
    # A program's entry block runs only when the file is the program, never
    # on import (`python -m keras_gans.evaluation.train_classifier` calls
    # the command): it adds no import-time dependency.
    program = set()
    for node in tree.body:
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and getattr(node.test.left, "id", None) == "__name__"
        ):
            program.update(id(child) for child in ast.walk(node))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if id(node) in program:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            yield name, node.lineno, id(node) in in_function


def _internal(name):
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _unit(module):
    """The layer unit of a module: its entry in `RANKS`."""
    inner = module.partition(".")[2]
    while inner not in RANKS:
        inner = inner.rpartition(".")[0]
    return inner


def _graph():
    edges = {module: set() for module in MODULES}
    lazy = []
    for module, path in MODULES.items():
        for name, line, inside in _imports(module, path):
            target = _internal(name) if name.startswith("keras_gans") else None
            if inside:
                lazy.append((module, line, name))
            if target and target != module:
                edges[module].add(target)
    return edges, lazy


def _cycles(edges):
    """Strongly connected groups of more than one node (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in edges:
        if node not in index:
            visit(node)
    return groups


def test_every_module_has_a_layer():
    assert {_unit(module) for module in MODULES} <= set(RANKS)
    assert len(MODULES) > 50  # the walk found the package


def test_no_module_imports_a_higher_layer():
    edges, _ = _graph()
    upward = [
        f"{module} -> {target}"
        for module, targets in edges.items()
        for target in targets
        # A package's __init__ re-exports its own modules.
        if RANKS[_unit(target)] > RANKS[_unit(module)]
        and not (MODULES[module].name == "__init__.py" and target.startswith(module + "."))
    ]
    assert upward == []


def test_no_import_cycles_between_modules():
    edges, _ = _graph()
    assert _cycles(edges) == []


def test_no_import_cycles_between_layer_units():
    # e.g. evaluation -> callbacks -> evaluation, even through different modules.
    edges, _ = _graph()
    units = {unit: set() for unit in RANKS}
    for module, targets in edges.items():
        for target in targets:
            if _unit(target) != _unit(module):
                units[_unit(module)].add(_unit(target))
    assert _cycles(units) == []


def test_function_level_imports_are_only_optional_dependencies():
    _, lazy = _graph()
    hidden = [
        f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {name}"
        for module, line, name in lazy
        if name.partition(".")[0] not in LAZY_DEPENDENCIES
    ]
    assert hidden == []


def _public_modules():
    """Top-level modules and packages, less those that are not an API:
    private files, the version number and the commands."""
    not_apis = {"keras_gans.version", "keras_gans.evaluate", "keras_gans.__main__"}
    return sorted(
        module
        for module, path in MODULES.items()
        if module.count(".") <= 1
        and module not in not_apis
        and not (path.name.startswith("_") and path.name != "__init__.py")
    )


# Chosen when collected, so that no case is one that could only skip.
@pytest.mark.parametrize("module", _public_modules())
def test_public_modules_declare_all(module):
    path = MODULES[module]
    tree = ast.parse(path.read_text())
    names = [
        t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if hasattr(t, "id")
    ]
    assert "__all__" in names, f"{path} has no __all__"


def test_every_job_is_a_declared_job_and_resolving_twice_changes_nothing():
    import keras_gans as kg

    assert list(kg.jobs.JOBS) == [
        "mnist", "images", "audio", "video", "text", "vocoder", "style",
        "super-resolution", "inpainting",
    ]  # fmt: skip
    for name, job in kg.jobs.JOBS.items():
        assert isinstance(job, kg.jobs.Job), name
        assert job.NAME == name and job.DEFAULT in job.PRESETS.values(), name
        config, explicit = job.configure(epochs=2)
        assert config.epochs == 2 and "epochs" in explicit, name
    resolved = kg.jobs.mnist.resolve(arch="mlp", epochs=2)
    assert resolved.config.mixed_precision != "auto" and resolved.config.output_dir
    assert kg.jobs.mnist.resolve(resolved.config).config == resolved.config
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolved.config = None
