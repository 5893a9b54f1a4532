"""Published tables are made from the result files under results/: the committed ones match, bad input is named."""

import json
from pathlib import Path

import pytest

from shufflenet_det.core.errors import ResultFileError
from shufflenet_det.results.doc_tables import (
    missing_figures,
    result_files_in_use,
    stale_documents,
    update_document,
    update_documents,
)
from shufflenet_det.results.result_file import REQUIRED_KEYS, read_result_file, run_provenance, write_result_file
from shufflenet_det.results.shapes_rows import GridRow
from shufflenet_det.results.tables import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
PROVENANCE = {'machine': 'Test CPU', 'command': 'python tools/x.py', 'commit': 'abc', 'date': '2026-01-01'}


def result_files() -> list[Path]:
    return sorted((ROOT / 'results').rglob('*.json'))


def test_every_committed_table_equals_what_its_result_file_makes():
    stale = stale_documents(ROOT)
    assert not stale, f'stale tables in {[str(path.relative_to(ROOT)) for path in stale]}: run tools/make_tables.py'


def test_every_marked_figure_is_drawn():
    assert not missing_figures(ROOT), 'run tools/make_tables.py'


@pytest.mark.parametrize('path', result_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_result_file_has_provenance_a_known_kind_and_a_document(path):
    data = read_result_file(path)
    assert set(REQUIRED_KEYS) <= set(data) and 'transcribed_from' in data
    assert isinstance(data['rows'], list) and any(kind == data['kind'] for kind, _ in RENDERERS)
    assert path in result_files_in_use(ROOT), f'no document shows {path.relative_to(ROOT)}'


def write_kinds(tmp_path: Path) -> None:
    rows = [{'detector': 'A', 'map_test_batch8': 50.0, 'map_test_batch1': 51.0, 'map_onnx': 51.0}]
    write_result_file(tmp_path / 'results' / 'eval.json', 'export_eval', rows, PROVENANCE)


def test_update_rewrites_between_the_markers_only(tmp_path):
    write_kinds(tmp_path)
    text = 'before\n<!-- table: results/eval.json -->\nold table\n<!-- end table -->\nafter\n'
    updated = update_document(text, tmp_path)
    assert updated.startswith('before\n<!-- table: results/eval.json -->\n| detector ')
    assert 'old table' not in updated and updated.endswith('<!-- end table -->\nafter\n')
    assert '| A ' in updated and 'machine: Test CPU' in updated and 'commit: abc' in updated
    assert update_document(updated, tmp_path) == updated


def test_a_marker_without_its_end_is_refused(tmp_path):
    write_kinds(tmp_path)
    with pytest.raises(ResultFileError, match='without its "<!-- end table -->"'):
        update_document('<!-- table: results/eval.json -->\n| stale |\n', tmp_path, 'README.md')


def test_a_missing_file_an_unknown_view_and_a_file_without_provenance_are_refused(tmp_path):
    write_kinds(tmp_path)
    with pytest.raises(ResultFileError, match='does not exist'):
        update_document('<!-- table: results/nope.json -->\n<!-- end table -->', tmp_path)
    with pytest.raises(ResultFileError, match="no table for kind 'export_eval' in view 'wide'"):
        update_document('<!-- table: results/eval.json view=wide -->\n<!-- end table -->', tmp_path)
    (tmp_path / 'bare.json').write_text(json.dumps({'kind': 'export_eval', 'rows': []}))
    with pytest.raises(ResultFileError, match='lacks machine, command, commit, date'):
        read_result_file(tmp_path / 'bare.json')


def test_a_grid_row_with_an_unknown_column_is_refused(tmp_path):
    write_result_file(tmp_path / 'grid.json', 'grid', [{'detector': 'x', 'mAP': 1.0}], PROVENANCE)
    with pytest.raises(ResultFileError, match="unknown \\['mAP'\\]"):
        update_document('<!-- table: grid.json -->\n<!-- end table -->', tmp_path)


def test_a_tool_run_records_its_command_commit_and_date():
    provenance = run_provenance('Test CPU', ['tools/compare.py', '--epochs', '36'])
    assert provenance['command'] == 'python tools/compare.py --epochs 36' and provenance['machine'] == 'Test CPU'
    assert provenance['commit'] is None or len(provenance['commit'].removesuffix('+dirty')) == 40
    assert provenance['date'].endswith('+00:00')


GRID_ROW = {**dict.fromkeys(GridRow.field_names()), 'detector': 'shapes_frcnn_x', 'backbone': 'X', 'head': 'C4',
            'scale': 192, 'map_torch': 50.0, 'map_onnx': 50.1, 'ort_ms': 12.0}


def test_a_figure_marker_draws_its_png_and_names_its_file_as_in_use(tmp_path):
    write_result_file(tmp_path / 'results' / 'grid.json', 'grid', [GRID_ROW, {**GRID_ROW, 'scale': 384,
                                                                               'ort_ms': 40.0}], PROVENANCE)
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'a.md').write_text('![plot](images/grid.png) <!-- figure: results/grid.json -->\n')
    assert missing_figures(tmp_path) == [tmp_path / 'docs' / 'images' / 'grid.png']
    assert tmp_path / 'docs' / 'images' / 'grid.png' in update_documents(tmp_path)
    assert (tmp_path / 'docs' / 'images' / 'grid.png').read_bytes().startswith(b'\x89PNG')
    assert not missing_figures(tmp_path) and result_files_in_use(tmp_path) == {tmp_path / 'results' / 'grid.json'}


def test_a_figure_of_a_kind_without_one_is_refused(tmp_path):
    write_kinds(tmp_path)
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'a.md').write_text('![plot](images/e.png) <!-- figure: results/eval.json -->\n')
    with pytest.raises(ResultFileError, match="'export_eval' result, which has no figure"):
        update_documents(tmp_path)


def test_sweep_ratios_are_taken_to_the_reference_of_the_same_runtime_and_input():
    def row(key: str, runtime: str, median_ms: float) -> dict:
        return {'key': key, 'model': key, 'runtime': runtime, 'input': '300x400', 'rois': 100, 'gflops': 1.0,
                'median_ms': median_ms}

    data = {'kind': 'sweep', **PROVENANCE, 'reference_key': 'ref',
            'rows': [row('ref', 'onnx', 10.0), row('ref', 'mnn', 20.0), row('small', 'onnx', 5.0),
                     row('small', 'mnn', 5.0)]}
    table = ' '.join(RENDERERS[('sweep', 'full')](data).split())
    assert '| small | onnx | 300x400 | 100 | 1 | 5.0 | 0.50x |' in table
    assert '| small | mnn | 300x400 | 100 | 1 | 5.0 | 0.25x |' in table
    data['reference_key'] = 'gone'
    with pytest.raises(ResultFileError, match="no row has the reference_key 'gone'"):
        RENDERERS[('sweep', 'full')](data)
