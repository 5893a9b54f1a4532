"""The ARM result files (counts beside x86 latency; the per-operator breakdown) and their Markdown tables.

:func:`collect_counts` and :func:`collect_operators` turn the raw outputs of tools/arm_count.py and
tools/compare_runtimes.py into result files (:mod:`shufflenet_det.results.result_file`) of kinds ``arm_counts``
and ``arm_operators``; :func:`counts_table`, :func:`ratios_table`, :func:`detector_ratios_table` and
:func:`operators_table` render them (registered in :mod:`shufflenet_det.results.tables`).
"""

import copy
import json
import re
from collections.abc import Collection
from pathlib import Path

from ..benchmark.ratios import CLAIMS, RatioClaim
from ..benchmark.zoo import MODELS, TABLE8_SIZES
from ..core.errors import ResultFileError
from ..core.markdown import markdown_table
from .counts import relative_spread, repeatable

RUNTIMES = ('onnxruntime', 'mnn', 'ncnn')
RUNTIME_NAMES = {'onnxruntime': 'ONNX Runtime', 'mnn': 'MNN', 'ncnn': 'ncnn'}
SUFFIXES = ('.ncnn.param', '.mnn', '.onnx')
#: The light-head detectors' pairs: ShuffleNet 2x and 1x, each against MobileNet 1.0.
LIGHT_HEAD_CLAIMS = (
    RatioClaim('Light-head ShuffleNet 2x vs MobileNet 1.0', 'Light-head R-CNN ShuffleNet 2x (g=3)',
               'Light-head R-CNN MobileNet v1 1.0'),
    RatioClaim('Light-head ShuffleNet 1x vs MobileNet 1.0', 'Light-head R-CNN ShuffleNet 1x (g=3)',
               'Light-head R-CNN MobileNet v1 1.0'),
)
#: Pairs whose per-operator breakdowns are set side by side: the paper's Table 8 claims, and the light-head pair
#: that Table 8's mult-adds put level.
BREAKDOWN_PAIRS = (*CLAIMS, LIGHT_HEAD_CLAIMS[0])
#: Detector pairs compared at each scale: the Faster R-CNN claims and their light-head twins.
DETECTOR_CLAIMS = (*(claim for claim in CLAIMS if claim.fast.startswith('Faster R-CNN')), *LIGHT_HEAD_CLAIMS)
#: Operators under this share of a model's instructions share one row of its breakdown table.
MINOR_SHARE = 0.01
#: What a result file keeps of each count besides the numbers in its row.
COUNT_DETAILS = ('cpu', 'input_shape', 'input_source', 'threads', 'warmup', 'repeatable', 'label', 'provenance')


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


def collect_counts(count_files: list[Path], x86_file: Path | None, previous: dict | None = None,
                   replaced: Collection[str] = ()) -> tuple[list[dict], dict]:
    """Rows of an ``arm_counts`` result file (one per model) and the details of their measurements.

    Each row holds, per runtime, the instructions per inference (``<runtime>_instructions``), every count made of
    it (``<runtime>_repeats``), the x86 median (``<runtime>_x86_ms``), the parity with ONNX Runtime and why a
    runtime did not run. A count of a model and runtime already known (from ``previous``, an earlier
    ``arm_counts`` result file, or an earlier count file) adds its counts to the row's repeats, so counts made at
    different times are checked against each other; the same count read twice is added once. The models in
    ``replaced`` (file stems of models exported again since ``previous``) lose their earlier counts and timings.

    Raises:
        ResultFileError: If two counts of one model and runtime were made on different CPUs, inputs, threads,
            warm-ups or runtime versions.
    """
    rows: dict[str, dict] = {row['stem']: dict(row) for row in (previous or {}).get('rows', [])
                             if row['stem'] not in replaced}
    details = copy.deepcopy((previous or {}).get('measurements') or {'counts': {}, 'x86': {}})
    details['counts'] = {key: entry for key, entry in details['counts'].items()
                         if key.rsplit(' ', 1)[0] not in replaced}
    details['x86'] = {stem: entry for stem, entry in details['x86'].items() if stem not in replaced}

    def row_of(stem: str) -> dict:
        name, where = display_name(stem)
        return rows.setdefault(stem, {'model': name, 'input': where, 'stem': stem})

    for path in count_files:
        for model, entry in json.loads(Path(path).read_text()).items():
            row, runtime, key = row_of(model_stem(model)), entry['runtime'], f'{model_stem(model)} {entry["runtime"]}'
            known = details['counts'].get(key)
            if known is None:
                row[f'{runtime}_instructions'] = entry['instructions_per_inference']
                row[f'{runtime}_version'] = entry['runtime_version']
                row[f'{runtime}_repeats'] = entry['per_inference_repeats']
                details['counts'][key] = {field: entry[field] for field in COUNT_DETAILS}
                continue
            measured = [known['provenance']] + [more['provenance'] for more in known.get('more_counts', [])]
            if entry['provenance'] in measured:
                continue
            before = {field: known[field] for field in ('cpu', 'input_shape', 'input_source', 'threads', 'warmup')}
            before['runtime_version'] = row[f'{runtime}_version']
            for field, value in before.items():
                if value != entry[field]:
                    raise ResultFileError(f'{path}: {key} was counted before with {field} {value!r}, here with '
                                     f'{entry[field]!r}; pass counts of the same model, input and runtime only')
            row[f'{runtime}_repeats'] = row[f'{runtime}_repeats'] + entry['per_inference_repeats']
            known.setdefault('more_counts', []).append(
                {'per_inference_repeats': entry['per_inference_repeats'], 'provenance': entry['provenance']})
    for model, entry in (json.loads(x86_file.read_text()).items() if x86_file and x86_file.is_file() else []):
        row = row_of(model_stem(model))
        for result in entry['results']:
            runtime = result['runtime']
            row[f'{runtime}_x86_ms'] = result['median_ms']
            row[f'{runtime}_version'] = result['version']
            if result['parity']:
                row[f'{runtime}_parity'] = result['parity'] + ('' if result['parity_ok'] else ' (FAILS)')
            if result['error']:  # the model's file name instead of its path on the measuring machine
                row[f'{runtime}_error'] = re.sub(r'\S*/(\S+\.onnx)', r'\1', result['error'].splitlines()[0])
        details['x86'][model_stem(model)] = entry['provenance'] | {'runs': entry['runs'], 'warmup': entry['warmup']}
    return sorted(rows.values(), key=row_order), details


def row_order(row: dict) -> tuple:
    """Classifiers before detectors, smaller inputs first, then the zoo's model order."""
    names = [model.name for model in MODELS]
    detector = row['input'].startswith('scale ')
    size = [int(value) for value in re.findall(r'\d+', row['input'])]
    return (detector, size[0] * size[-1] if size else 0, names.index(row['model']) if row['model'] in names else 99)


def collect_operators(path: Path) -> tuple[list[dict], dict]:
    """Rows of an ``arm_operators`` result file (per model and operator, instructions less the session calls) and
    each model's count provenance, by file stem (models may have been broken down in different runs)."""
    rows, provenance = [], {}
    for model, entry in json.loads(Path(path).read_text()).items():
        provenance[model_stem(model)] = entry['provenance']
        name, where = display_name(model_stem(model))
        call = entry['session_call_cost']
        for operator, values in entry['by_type'].items():
            rows.append({'model': name, 'input': where, 'runtime': entry['runtime'],
                         'runtime_version': entry['runtime_version'], 'cpu': entry['cpu'], 'operator': operator,
                         'segments': values['segments'],
                         'instructions': values['instructions'] - values['segments'] * call,
                         'mult_adds': values['mult_adds'], 'session_call_cost': call,
                         'whole_model_instructions': entry['whole_model_instructions']})
    return rows, provenance


def millions(value: int | None) -> str | None:
    """A count in millions."""
    return None if value is None else f'{value / 1e6:.1f}'


def fewest(row: dict, suffix: str) -> str | None:
    """The runtime with the smallest ``<runtime><suffix>`` value of ``row``."""
    known = {runtime: row.get(f'{runtime}{suffix}') for runtime in RUNTIMES if row.get(f'{runtime}{suffix}')}
    return RUNTIME_NAMES[min(known, key=known.get)] if known else None


def repeat_note(runtime: str, repeats: list[int]) -> str:
    """``ONNX Runtime counted 2 times: identical`` or ``... differing by 7e-07``."""
    spread = relative_spread(repeats)
    return (f'{runtime} counted {len(repeats)} times: ' + ('identical' if spread == 0 else f'differing by {spread:.0e}')
            + ('' if repeatable(repeats) else ' (NOT within the repeat tolerance)'))


def counts_table(data: dict) -> str:
    """Per model: instructions per runtime, the runtime with the fewest, x86 ms per runtime, the fastest, notes."""
    rows = []
    for row in data['rows']:
        notes = [f'{RUNTIME_NAMES[runtime]}: {row[f"{runtime}_parity"]}' for runtime in RUNTIMES
                 if row.get(f'{runtime}_parity')]
        notes += [f'{RUNTIME_NAMES[runtime]} does not run it: {row[f"{runtime}_error"]}' for runtime in RUNTIMES
                  if row.get(f'{runtime}_error')]
        notes += [repeat_note(RUNTIME_NAMES[runtime], row[f'{runtime}_repeats']) for runtime in RUNTIMES
                  if len(row.get(f'{runtime}_repeats') or []) > 1]
        rows.append([row['model'], row['input']]
                    + [millions(row.get(f'{runtime}_instructions')) for runtime in RUNTIMES]
                    + [fewest(row, '_instructions')]
                    + [None if row.get(f'{runtime}_x86_ms') is None else f'{row[f"{runtime}_x86_ms"]:.1f}'
                       for runtime in RUNTIMES]
                    + [fewest(row, '_x86_ms'), '; '.join(notes) or None])
    return markdown_table(
        ['model', 'input', *(f'{RUNTIME_NAMES[runtime]} M instr.' for runtime in RUNTIMES), 'fewest instructions',
         *(f'{RUNTIME_NAMES[runtime]} x86 ms' for runtime in RUNTIMES), 'fastest on x86',
         'parity with ONNX Runtime; notes'], rows)


def ratio_cells(fast: dict, slow: dict, suffix: str) -> tuple[list[str | None], float | None]:
    """Per-runtime ratios slow/fast of ``<runtime><suffix>``, and the ratio of each model on its best runtime
    (only when both models have figures in the same runtimes, so that each one's best is chosen among the same)."""
    per_runtime = [f'{slow[f"{runtime}{suffix}"] / fast[f"{runtime}{suffix}"]:.2f}x'
                   if fast.get(f'{runtime}{suffix}') and slow.get(f'{runtime}{suffix}') else None
                   for runtime in RUNTIMES]
    fast_values = [fast[f'{runtime}{suffix}'] for runtime in RUNTIMES if fast.get(f'{runtime}{suffix}')]
    slow_values = [slow[f'{runtime}{suffix}'] for runtime in RUNTIMES if slow.get(f'{runtime}{suffix}')]
    same_runtimes = [bool(fast.get(f'{runtime}{suffix}')) for runtime in RUNTIMES] == [
        bool(slow.get(f'{runtime}{suffix}')) for runtime in RUNTIMES]
    best = min(slow_values) / min(fast_values) if fast_values and slow_values and same_runtimes else None
    return per_runtime, best


def ratios_table(data: dict) -> str:
    """The paper's Table 8 ratios at each of its input sizes beside ours: instructions per runtime and on each
    model's best one, and x86 time."""
    rows = []
    for height, width in TABLE8_SIZES:
        where = f'{height}x{width}'
        by_name = {row['model']: row for row in data['rows'] if row['input'] == where}
        for claim in CLAIMS:
            fast, slow, paper = by_name.get(claim.fast), by_name.get(claim.slow), claim.paper_measured(where)
            if not fast or not slow or paper is None:
                continue
            instructions, best = ratio_cells(fast, slow, '_instructions')
            times, best_time = ratio_cells(fast, slow, '_x86_ms')
            rows.append([claim.name, where, f'{paper:.2f}x', *instructions, None if best is None else f'{best:.2f}x',
                         None if best is None else ('at or above' if best >= paper else 'below'), times[0],
                         None if best_time is None else f'{best_time:.2f}x'])
    return markdown_table(
        ['ratio (slower / faster)', 'input', 'paper (Snapdragon 820 time)',
         *(f'{RUNTIME_NAMES[runtime]} instr.' for runtime in RUNTIMES), 'instr., each on its best runtime',
         'vs paper', 'x86 time, ONNX Runtime', 'x86 time, each on its fastest runtime'], rows)


def ratios_by_size_table(data: dict) -> str:
    """One row per Table 8 ratio: ours in instructions, each model on its best runtime, beside the paper's at
    each input size (the README's short form of :func:`ratios_table`)."""
    sizes = [f'{height}x{width}' for height, width in TABLE8_SIZES]
    by_size = {where: {row['model']: row for row in data['rows'] if row['input'] == where} for where in sizes}
    rows = []
    for claim in (claim for claim in CLAIMS if any(claim.paper_measured(where) for where in sizes)):
        cells = []
        for where in sizes:
            fast, slow = by_size[where].get(claim.fast), by_size[where].get(claim.slow)
            paper = claim.paper_measured(where)
            best = ratio_cells(fast, slow, '_instructions')[1] if fast and slow else None
            cells.append(None if best is None or paper is None else f'{best:.2f}x ({paper:.2f}x)')
        rows.append([claim.name, *cells])
    return markdown_table(['ratio (slower / faster): instructions, best runtime each (paper, SD820 time)', *sizes],
                          rows)


def detector_ratios_table(data: dict) -> str:
    """MobileNet over ShuffleNet per detector pair and scale (above 1x: the ShuffleNet detector costs less), in
    instructions per runtime that runs detectors and each on its best runtime, beside x86 time."""
    detectors = [row for row in data['rows'] if row['input'].startswith('scale ')]
    runtimes = [index for index, runtime in enumerate(RUNTIMES)
                if any(row.get(f'{runtime}_instructions') for row in detectors)]
    rows = []
    for where in sorted({row['input'] for row in detectors}, key=lambda where: int(where.split()[1])):
        by_name = {row['model']: row for row in detectors if row['input'] == where}
        for claim in DETECTOR_CLAIMS:
            fast, slow = by_name.get(claim.fast), by_name.get(claim.slow)
            if not fast or not slow:
                continue
            instructions, best = ratio_cells(fast, slow, '_instructions')
            times, best_time = ratio_cells(fast, slow, '_x86_ms')
            rows.append([claim.name, where, *(instructions[index] for index in runtimes),
                         None if best is None else f'{best:.2f}x', times[0],
                         None if best_time is None else f'{best_time:.2f}x'])
    return markdown_table(
        ['MobileNet / ShuffleNet (above 1x: ShuffleNet costs less)', 'scale',
         *(f'{RUNTIME_NAMES[RUNTIMES[index]]} instr.' for index in runtimes), 'instr., each on its best runtime',
         'x86 time, ONNX Runtime', 'x86 time, each on its fastest runtime'], rows)


def operators_table(data: dict) -> str:
    """Per model: instructions by operator (session calls subtracted), share, mult-adds, instructions per one;
    then, for each pair of :data:`BREAKDOWN_PAIRS` broken down, what costs the faster-claimed model its share."""
    parts, models = [], list(dict.fromkeys((row['model'], row['input']) for row in data['rows']))
    for model, where in models:
        rows = sorted((row for row in data['rows'] if (row['model'], row['input']) == (model, where)),
                      key=lambda row: -row['instructions'])
        total = sum(row['instructions'] for row in rows)
        first = rows[0]
        parts.append(f'**{model} at {where}, {RUNTIME_NAMES[first["runtime"]]} {first["runtime_version"]}, '
                     f'{first["cpu"]}**: {len(rows)} operator kinds; the one-node segments sum to '
                     f'{total / 1e6:.1f} M instructions (each segment\'s session call of '
                     f'{first["session_call_cost"]:,} subtracted) against {first["whole_model_instructions"] / 1e6:.1f}'
                     ' M for the whole model (the difference: fusions lost between segments).')
        shown = [row for row in rows if row['instructions'] >= MINOR_SHARE * total]
        minor = [row for row in rows if row['instructions'] < MINOR_SHARE * total]
        if len(minor) > 1:
            shown.append({'operator': f'{len(minor)} other kinds, each under {100 * MINOR_SHARE:g} %: '
                                      + ', '.join(row['operator'] for row in minor),
                          'segments': sum(row['segments'] for row in minor),
                          'instructions': sum(row['instructions'] for row in minor),
                          'mult_adds': sum(row['mult_adds'] for row in minor)})
        else:
            shown += minor
        parts.append(markdown_table(
            ['operator', 'segments', 'M instr.', 'share', 'M mult-adds', 'instr. per mult-add'],
            [[row['operator'], row['segments'], f'{row["instructions"] / 1e6:.2f}',
              f'{100 * row["instructions"] / total:.1f} %',
              f'{row["mult_adds"] / 1e6:.1f}' if row['mult_adds'] else None,
              f'{row["instructions"] / row["mult_adds"]:.2f}' if row['mult_adds'] else None] for row in shown]))
    return '\n\n'.join(parts + cost_summaries(data['rows']))


def work_kind(operator: str) -> str:
    """The kind of work of an operator label, grouped 1x1 and dense 1x1 convolutions alike: ``Conv 1x1``,
    ``Conv 3x3 depthwise``, ``Gemm``."""
    head = operator.split('+')[0]
    return head.rsplit(' ', 1)[0] if head.startswith('Conv ') and not head.endswith('depthwise') else head


def instructions_per_mult_add(rows: list[dict]) -> dict[str, float]:
    """Instructions per mult-add of each kind of work with mult-adds in one model's rows."""
    kinds: dict[str, list[int]] = {}
    for row in rows:
        if row['mult_adds']:
            totals = kinds.setdefault(work_kind(row['operator']), [0, 0])
            totals[0] += row['instructions']
            totals[1] += row['mult_adds']
    return {kind: instructions / mult_adds for kind, (instructions, mult_adds) in kinds.items()}


def cost_summaries(rows: list[dict]) -> list[str]:
    """One :func:`cost_summary` per pair of :data:`BREAKDOWN_PAIRS` broken down at the same input."""
    summaries = []
    for claim in BREAKDOWN_PAIRS:
        for where in dict.fromkeys(row['input'] for row in rows if row['model'] == claim.fast):
            fast = [row for row in rows if (row['model'], row['input']) == (claim.fast, where)]
            slow = [row for row in rows if (row['model'], row['input']) == (claim.slow, where)]
            if slow:
                summaries.append(cost_summary(claim, where, fast, slow))
    return summaries


def cost_summary(claim: RatioClaim, where: str, fast: list[dict], slow: list[dict]) -> str:
    """What costs ``claim.fast`` its share against ``claim.slow``: instructions per mult-add of both, its operators
    whose share of instructions exceeds their share of mult-adds, each kind of work per mult-add in both, and
    what its segments would sum to at the other model's rate for each kind they share."""
    def per_mult_add(model_rows: list[dict]) -> float:
        return model_rows[0]['whole_model_instructions'] / sum(row['mult_adds'] for row in model_rows)

    total, macs = sum(row['instructions'] for row in fast), sum(row['mult_adds'] for row in fast)
    slow_total = sum(row['instructions'] for row in slow)
    heavy = sorted((row for row in fast if row['mult_adds'] and row['instructions'] >= MINOR_SHARE * total
                    and row['instructions'] / total > row['mult_adds'] / macs), key=lambda row: -row['instructions'])
    free = sum(row['instructions'] for row in fast if not row['mult_adds']) / total
    slow_free = sum(row['instructions'] for row in slow if not row['mult_adds']) / slow_total
    parts = [f'{row["operator"]}: {100 * row["instructions"] / total:.0f} % of the instructions for '
             f'{100 * row["mult_adds"] / macs:.0f} % of the mult-adds' for row in heavy]
    fast_rates, slow_rates = instructions_per_mult_add(fast), instructions_per_mult_add(slow)
    shared = [kind for kind in fast_rates if kind in slow_rates]
    at_slow_rates = sum(row['mult_adds'] * slow_rates[work_kind(row['operator'])]
                        if row['mult_adds'] and work_kind(row['operator']) in slow_rates else row['instructions']
                        for row in fast)
    rates = '; '.join(f'{kind} {fast_rates[kind]:.2f} / {slow_rates[kind]:.2f}' for kind in shared)
    return (f'What costs {claim.fast} its share against {claim.slow} at {where} '
            f'({RUNTIME_NAMES[fast[0]["runtime"]]}): it executes {per_mult_add(fast):.2f} instructions per mult-add, '
            f'{claim.slow} {per_mult_add(slow):.2f}. Operators with more than their share of instructions: '
            f'{"; ".join(parts) or "none"}; operators without mult-adds take {100 * free:.0f} % '
            f'({claim.slow}: {100 * slow_free:.0f} %). Instructions per mult-add by kind of work, the two models '
            f'(grouped and dense convolutions of one kernel size together): {rates or "none shared"}. At '
            f'{claim.slow}\'s rate for each kind they share, its segments would sum to {at_slow_rates / 1e6:.1f} M '
            f'instructions instead of {total / 1e6:.1f} M ({claim.slow}: {slow_total / 1e6:.1f} M).')
