"""Per-category breakdowns: categories add up to the total in both runtimes and find ShuffleNet's parts."""

import pytest

from shufflenet_det.benchmark.breakdown import categories as cat
from shufflenet_det.benchmark.breakdown.onnx_profile import NodeEvent, assign_scopes, onnx_breakdown, roi_count
from shufflenet_det.benchmark.breakdown.run import breakdown_setting
from shufflenet_det.benchmark.breakdown.table import Breakdown, accumulate, breakdown_markdown, typical_runs
from shufflenet_det.benchmark.breakdown.torch_hooks import ScopeTimer, torch_breakdown
from shufflenet_det.benchmark.case import Setting
from shufflenet_det.benchmark.classifiers import classifier_case
from shufflenet_det.benchmark.rows import ModelKind
from shufflenet_det.benchmark.zoo import MODELS_BY_KEY


@pytest.fixture(scope='module')
def shufflenet_case():
    return classifier_case(Setting(MODELS_BY_KEY['shufflenet-0.5x'], size=(64, 64)))


def assert_sums_to_total(breakdown: Breakdown) -> None:
    assert breakdown.total_ms > 0
    assert sum(breakdown.by_part.values()) == pytest.approx(breakdown.total_ms, rel=1e-9)


def test_scope_timer_records_exclusive_time():
    timer = ScopeTimer()
    with timer.scope('outer', 'a'):
        with timer.scope('inner', 'b'):
            sum(range(10000))
    (inner_part, _, inner_ms), (outer_part, _, outer_ms) = timer.records
    assert (inner_part, outer_part) == ('inner', 'outer')
    assert inner_ms > 0 and outer_ms >= 0


def test_typical_runs_drop_stalls_and_accumulate_averages():
    runs = [[('p', 'x', 1.0)], [('p', 'x', 100.0)], [('p', 'x', 1.2)], [('p', 'x', 0.9)]]
    assert sorted(sum(ms for *_, ms in run) for run in typical_runs(runs)) == [1.0, 1.2]
    by_op, by_part = accumulate(runs)
    assert by_op == pytest.approx({'x': 1.1}) and by_part == pytest.approx({'p': 1.1})


def test_network_glue_and_overhead_add_up_to_the_total():
    result = Breakdown(model='m', input_label='8x8', runtime='r', runs=1, by_op={'conv': 6.0, 'other': 4.0},
                       by_part={'backbone': 5.0, cat.PART_GLUE: 3.0, cat.PART_OVERHEAD: 2.0})
    assert result.by_kind == pytest.approx({'network': 5.0, cat.PART_GLUE: 3.0, cat.PART_OVERHEAD: 2.0})
    assert '| network, glue, overhead' in breakdown_markdown(result, 'machine')


def test_torch_breakdown_of_shufflenet(shufflenet_case):
    case = shufflenet_case
    result = torch_breakdown(case.model, case.torch_run, case.kind, case.name, case.input_label, warmup=1, runs=2)
    assert_sums_to_total(result)
    for category in (cat.CONV_1X1_GROUP, cat.CONV_DEPTHWISE, cat.CHANNEL_SHUFFLE, cat.BATCH_NORM,
                     cat.FULLY_CONNECTED):
        assert result.by_op.get(category, 0) > 0, category
    assert {'stem', 'stage2', 'stage3', 'stage4', 'fc'} <= set(result.by_part)
    text = breakdown_markdown(result, 'test machine (x86_64), 1 thread')
    assert 'test machine' in text and 'channel shuffle' in text and '| total' in text


def test_onnx_breakdown_of_shufflenet(shufflenet_case, tmp_path):
    case = shufflenet_case
    path = case.export_onnx(tmp_path)
    result = onnx_breakdown(path, case.onnx_feed, 1, case.kind, case.name, case.input_label, warmup=1, runs=2,
                            profile_dir=tmp_path / 'profiles')
    assert_sums_to_total(result)
    assert result.by_op.get(cat.CONV_1X1_GROUP, 0) > 0
    assert result.by_op.get(cat.CONV_DEPTHWISE, 0) > 0
    assert result.by_op.get(cat.CHANNEL_SHUFFLE, 0) > 0
    assert {'stage2', 'stage3', 'stage4'} <= set(result.by_part)


def node(name: str, op: str) -> NodeEvent:
    return NodeEvent(name=name, op=op, start_us=0, duration_us=1, input_shapes=(), output_shapes=())


def test_runtime_nodes_take_the_scope_of_their_neighbours():
    nodes = [node('/backbone/stage2/stage2.0/compress/conv/Conv', 'Conv'), node('ReorderInput_token_3', 'ReorderInput'),
             node('/Relu_output_0_nchwc', 'Conv'), node('ReorderOutput_token_4', 'ReorderOutput')]
    producers = {'/Relu_output_0': '/rpn_conv/Conv'}
    scopes = assign_scopes(nodes, producers)
    assert scopes == [['backbone', 'stage2', 'stage2.0', 'compress', 'conv'], ['rpn_conv'], ['rpn_conv'],
                      ['rpn_conv']]


def test_nodes_onnx_runtime_fused_keep_their_own_scope():
    # A Gemm fused with its Relu must count in the box head, not in the glue node before it.
    nodes = [node('/Slice_3', 'Slice'), node('fused /shared_fcs.0/Gemm', 'FusedGemm')]
    assert assign_scopes(nodes, {}) == [[], ['shared_fcs.0']]
    assert cat.part_of(['shared_fcs.0'], ModelKind.DETECTOR, cat.FULLY_CONNECTED) == cat.PART_ROI_HEAD


def test_roi_count_sums_roi_align_outputs():
    levels = [NodeEvent('/roi/RoiAlign', 'RoiAlign', 0, 1, (), (('float', (120, 256, 7, 7)), )),
              NodeEvent('/roi/RoiAlign_1', 'RoiAlign', 0, 1, (), (('float', (30, 256, 7, 7)), )),
              node('/Conv', 'Conv')]
    assert roi_count(levels) == 150


def test_breakdown_inputs_by_model_kind():
    assert breakdown_setting('shufflenet-0.5x', None).size == (224, 224)
    assert breakdown_setting('frcnn-shufflenet-1x', '300').scale == 300
    with pytest.raises(ValueError, match='300, 600'):
        breakdown_setting('frcnn-shufflenet-1x', '224x224')
