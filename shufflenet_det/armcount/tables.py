"""The ARM tables of docs/arm.md, generated from the result files under ``results/arm/``.

``counts_<runtime>_<cpu>.json`` (tools/arm_count.py) give aarch64 instructions per inference,
``x86_runtimes.json`` (tools/compare_runtimes.py) the parity and x86 latency of each runtime in one run.
"""

import json
from pathlib import Path

from ..benchmark.ratios import CLAIMS
from ..benchmark.zoo import MODELS
from ..core.markdown import markdown_table

RUNTIMES = ('onnxruntime', 'mnn', 'ncnn')
RUNTIME_NAMES = {'onnxruntime': 'ONNX Runtime', 'mnn': 'MNN', 'ncnn': 'ncnn'}
SUFFIXES = ('.ncnn.param', '.mnn', '.onnx')
BEGIN, END = '<!-- arm-tables:begin -->', '<!-- arm-tables:end -->'


def model_stem(path: str) -> str:
    """``shufflenet-1x_224x224`` for any of the model's files (ONNX, MNN or ncnn)."""
    name = Path(path).name
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def display_name(stem: str) -> tuple[str, str]:
    """(model name, input) of an exported file stem: ``shufflenet-1x_224x224`` or ``frcnn_lh_mobilenet_v1_300``."""
    base, _, where = stem.rpartition('_')
    for model in MODELS:
        if model.key == base or (model.config and Path(model.config).name == base):
            return model.name, (f'scale {where}' if model.config else where)
    return base, where


def load_results(folder: Path) -> tuple[dict, dict, dict]:
    """Counts by (stem, runtime), their entries' provenance, and the x86 comparison by stem."""
    counts, provenance = {}, {}
    for path in sorted(folder.glob('counts_*.json')):
        for model, entry in json.loads(path.read_text()).items():
            counts[(model_stem(model), entry['runtime'])] = entry
            provenance[path.name] = entry['provenance'] | {'cpu': entry['cpu']}
    x86_path = folder / 'x86_runtimes.json'
    x86 = {model_stem(model): entry for model, entry in json.loads(x86_path.read_text()).items()} \
        if x86_path.is_file() else {}
    return counts, provenance, x86


def millions(entry: dict | None) -> str | None:
    """An instruction count in millions."""
    return None if entry is None else f'{entry["instructions_per_inference"] / 1e6:.1f}'


def x86_result(x86: dict, stem: str, runtime: str) -> dict | None:
    """The x86 comparison's result of ``runtime`` on ``stem``."""
    return next((result for result in x86.get(stem, {}).get('results', []) if result['runtime'] == runtime), None)


def best(values: dict[str, float | None]) -> str | None:
    """The runtime with the smallest value."""
    known = {name: value for name, value in values.items() if value}
    return RUNTIME_NAMES[min(known, key=known.get)] if known else None


def model_table(counts: dict, x86: dict) -> str:
    """Per model: instructions per runtime, x86 latency per runtime, the best of each, parity notes."""
    stems = list(dict.fromkeys([stem for stem, _ in counts] + list(x86)))
    rows = []
    for stem in stems:
        name, where = display_name(stem)
        entries = {runtime: counts.get((stem, runtime)) for runtime in RUNTIMES}
        results = {runtime: x86_result(x86, stem, runtime) for runtime in RUNTIMES}
        times = {runtime: result and result['median_ms'] for runtime, result in results.items()}
        notes = [f'{RUNTIME_NAMES[runtime]}: {result["parity"]}' for runtime, result in results.items()
                 if result and result['parity']]
        notes += [f'{RUNTIME_NAMES[runtime]} did not run: {result["error"].splitlines()[0]}'
                  for runtime, result in results.items() if result and result['error']]
        rows.append([name, where] + [millions(entries[runtime]) for runtime in RUNTIMES]
                    + [best({runtime: entry and entry['instructions_per_inference']
                             for runtime, entry in entries.items()})]
                    + [None if times[runtime] is None else f'{times[runtime]:.1f}' for runtime in RUNTIMES]
                    + [best(times), '; '.join(notes) or None])
    headers = (['model', 'input'] + [f'{RUNTIME_NAMES[runtime]} M instr.' for runtime in RUNTIMES]
               + ['fewest instructions'] + [f'{RUNTIME_NAMES[runtime]} x86 ms' for runtime in RUNTIMES]
               + ['fastest on x86', 'parity with ONNX Runtime / notes'])
    return markdown_table(headers, rows)


def ratio_table(counts: dict, x86: dict, input_label: str = '224x224') -> str:
    """The paper's Table 8 ratios beside ours in instructions (per runtime, and each network on its best one)."""
    by_name = {}
    for (stem, runtime), entry in counts.items():
        name, where = display_name(stem)
        if where == input_label:
            by_name.setdefault(name, {})[runtime] = entry['instructions_per_inference']
    times = {}
    for stem in x86:
        name, where = display_name(stem)
        if where == input_label:
            times[name] = {runtime: (x86_result(x86, stem, runtime) or {}).get('median_ms') for runtime in RUNTIMES}
    rows = []
    for claim in CLAIMS:
        fast, slow = by_name.get(claim.fast), by_name.get(claim.slow)
        paper = claim.paper_measured(input_label)
        if not fast or not slow or paper is None:
            continue
        per_runtime = [f'{slow[runtime] / fast[runtime]:.2f}x' if runtime in fast and runtime in slow else None
                       for runtime in RUNTIMES]
        best_ratio = min(slow.values()) / min(fast.values())
        fast_time, slow_time = times.get(claim.fast, {}), times.get(claim.slow, {})
        ort_time = (slow_time['onnxruntime'] / fast_time['onnxruntime']
                    if fast_time.get('onnxruntime') and slow_time.get('onnxruntime') else None)
        best_time = (min(v for v in slow_time.values() if v) / min(v for v in fast_time.values() if v)
                     if any(fast_time.values()) and any(slow_time.values()) else None)
        rows.append([claim.name, f'{paper:.2f}x'] + per_runtime
                    + [f'{best_ratio:.2f}x', 'at or above' if best_ratio >= paper else 'below',
                       None if ort_time is None else f'{ort_time:.2f}x',
                       None if best_time is None else f'{best_time:.2f}x'])
    headers = (['ratio (slower / faster)', 'paper (Snapdragon 820 time)']
               + [f'{RUNTIME_NAMES[runtime]} instr.' for runtime in RUNTIMES]
               + ['instr., each on its best runtime', 'vs paper', 'x86 time, ONNX Runtime',
                  'x86 time, each on its fastest runtime'])
    return markdown_table(headers, rows)


def operator_tables(folder: Path) -> list[str]:
    """Per model of ``per_operator_*.json``: instructions by operator type (less each segment's session call),
    with mult-adds and instructions per mult-add."""
    parts = []
    for path in sorted(folder.glob('per_operator_*.json')):
        for model, entry in json.loads(path.read_text()).items():
            name, where = display_name(model_stem(model))
            call = entry['session_call_cost']
            net = {op_type: values['instructions'] - values['segments'] * call
                   for op_type, values in entry['by_type'].items()}
            total = sum(net.values())
            rows = [[op_type, values['segments'], f'{net[op_type] / 1e6:.2f}', f'{100 * net[op_type] / total:.1f} %',
                     f'{values["mult_adds"] / 1e6:.1f}' if values['mult_adds'] else None,
                     f'{net[op_type] / values["mult_adds"]:.2f}' if values['mult_adds'] else None]
                    for op_type, values in sorted(entry['by_type'].items(), key=lambda item: -net[item[0]])]
            parts.append(
                f'**{name} at {where}, {RUNTIME_NAMES[entry["runtime"]]} {entry["runtime_version"]}, {entry["cpu"]}, '
                f'by operator** (`results/arm/{path.name}`): the model cut into {len(entry["segments"])} one-node '
                f'segments, each counted in one process; each segment\'s session call ({call:,} instructions, '
                f'counted apart) is subtracted. The segments then sum to {total / 1e6:.1f} M instructions against '
                f'{entry["whole_model_instructions"] / 1e6:.1f} M for the whole model (the difference: fusions and '
                'buffer reuse lost between segments).')
            parts.append(markdown_table(['operator', 'segments', 'M instr.', 'share', 'M mult-adds',
                                         'instr. per mult-add'], rows))
    return parts


def cost_summary(folder: Path) -> str | None:
    """Where the small network's instructions go compared with the large one's, from the per-operator files.

    Written from the data: each model's instructions per mult-add, and the small network's operators whose
    share of instructions exceeds their share of mult-adds.
    """
    entries = {}
    for path in sorted(folder.glob('per_operator_*.json')):
        for model, entry in json.loads(path.read_text()).items():
            entries[display_name(model_stem(model))[0]] = entry
    claim = next(claim for claim in CLAIMS if claim.name == 'ShuffleNet 0.5x vs AlexNet')
    if claim.fast not in entries or claim.slow not in entries:
        return None

    def per_mult_add(entry: dict) -> float:
        return entry['whole_model_instructions'] / sum(values['mult_adds'] for values in entry['by_type'].values())

    fast = entries[claim.fast]
    call = fast['session_call_cost']
    net = {op_type: values['instructions'] - values['segments'] * call for op_type, values in fast['by_type'].items()}
    total, macs = sum(net.values()), sum(values['mult_adds'] for values in fast['by_type'].values())
    heavy = sorted(((op_type, net[op_type] / total, values['mult_adds'] / macs)
                    for op_type, values in fast['by_type'].items() if values['mult_adds']
                    and net[op_type] / total > values['mult_adds'] / macs), key=lambda item: -item[1])
    free = sum(share for op_type, share in ((op, net[op] / total) for op in net)
               if not fast['by_type'][op_type]['mult_adds'])
    parts = [f'{op_type}: {100 * share:.0f} % of the instructions for {100 * mult_share:.0f} % of the mult-adds'
             for op_type, share, mult_share in heavy]
    slow_rate = per_mult_add(entries[claim.slow])
    return (f'What costs {claim.fast} its share against {claim.slow} (ONNX Runtime): it executes '
            f'{per_mult_add(fast):.2f} instructions per mult-add, {claim.slow} {slow_rate:.2f}. '
            f'Operators with more than their share of instructions: {"; ".join(parts)}; operators without '
            f'mult-adds (additions, reshapes, transposes, pooling, concatenation) take {100 * free:.0f} %.')


def provenance_lines(provenance: dict, x86: dict) -> str:
    """Where each result file's numbers came from."""
    lines = [f'- `results/arm/{name}`: {entry["cpu"]} under {entry["emulator"]}; host {entry["host_cpu"]}; '
             f'commit {entry["commit"][:12]}; {entry["date"]}' for name, entry in provenance.items()]
    machines = {entry['provenance']['machine']['label']: entry['provenance'] for entry in x86.values()}
    lines += [f'- `results/arm/x86_runtimes.json`: {label}; commit {entry["commit"][:12]}; {entry["date"]}'
              for label, entry in machines.items()]
    return '\n'.join(lines)


def arm_tables(folder: Path) -> str:
    """The Markdown of all ARM tables, with the provenance of every number."""
    counts, provenance, x86 = load_results(Path(folder))
    return '\n\n'.join([
        '**aarch64 instructions per inference (millions; emulated, one thread, fp32) and x86 latency (ms, one '
        'thread, same run for the three runtimes).** Instruction counts are not times.',
        model_table(counts, x86),
        "**The paper's Table 8 speed ratios at 224x224 beside ours.**",
        ratio_table(counts, x86),
        *operator_tables(Path(folder)),
        *filter(None, [cost_summary(Path(folder))]),
        'Sources:\n\n' + provenance_lines(provenance, x86),
    ])


def write_into(document: Path, tables: str) -> None:
    """Replace the text between the arm-tables markers of ``document`` with ``tables``.

    Raises:
        ValueError: If the document lacks the markers.
    """
    text = document.read_text()
    if BEGIN not in text or END not in text:
        raise ValueError(f'{document} has no {BEGIN} ... {END} markers to write the tables between')
    head, rest = text.split(BEGIN, 1)
    document.write_text(f'{head}{BEGIN}\n{tables}\n{END}{rest.split(END, 1)[1]}')
