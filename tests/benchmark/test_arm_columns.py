"""The sweep report's aarch64 instruction columns and instruction ratios, from hand-made rows."""

from shufflenet_det.benchmark.ratios import compare_ratios
from shufflenet_det.benchmark.report import sweep_markdown
from shufflenet_det.benchmark.rows import Row
from shufflenet_det.deploy.machine import Machine

X86 = Machine(cpu='Intel Xeon', architecture='x86_64', board=None, logical_cpus=2, usable_cpus=2, governor=None,
              system='Linux', python='3.11', threads=1, versions={'onnxruntime': '1.32.0'})


def row(model: str, runtime: str, median: float, instructions: int | None) -> Row:
    return Row(model=model, key=model.lower(), kind='classifier', input='224x224', scale=None, runtime=runtime,
               threads=1, median_ms=median, p10_ms=median, p90_ms=median, min_ms=median, runs=3, gflops=0.1,
               mparams=1.0, rois=None, detections=None, note='', arm_instructions=instructions)


def test_instruction_ratios_sit_beside_time_ratios_with_a_verdict():
    rows = [row('ShuffleNet 0.5x (g=3)', 'onnx', 2.0, 28_800_000), row('AlexNet', 'onnx', 20.0, 259_000_000),
            row('ShuffleNet 0.5x (g=3)', 'mnn', 3.0, None), row('AlexNet', 'mnn', 30.0, None)]
    results = {result.runtime: result for result in compare_ratios(rows)}
    assert abs(results['onnx'].arm_measured - 259 / 28.8) < 1e-9
    assert results['onnx'].arm_verdict == 'does not hold'  # 9.0x against the paper's 12.1x at 25 % tolerance
    assert results['mnn'].arm_measured is None and results['mnn'].arm_verdict is None
    markdown = sweep_markdown(rows, ['onnx', 'mnn'], X86, 1, 3, arm_cpu='cortex-a72')
    assert 'ONNX Runtime M aarch64 instr. (emulated cortex-a72; not a time)' in markdown
    assert 'MNN M aarch64 instr.' not in markdown  # nothing counted for MNN: no column
    assert '| 28.8 ' in markdown and '8.99x' in markdown and 'verdict (instructions)' in markdown


def test_without_counts_the_report_has_no_instruction_columns():
    rows = [row('ShuffleNet 0.5x (g=3)', 'onnx', 2.0, None), row('AlexNet', 'onnx', 20.0, None)]
    assert 'aarch64 instr' not in sweep_markdown(rows, ['onnx'], X86, 1, 3)
