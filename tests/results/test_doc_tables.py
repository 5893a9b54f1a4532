"""Published tables are made from the result files under results/: the committed ones match, bad input is named."""

import json
from pathlib import Path

import pytest

from shufflenet_det.core.errors import ResultFileError
from shufflenet_det.results.doc_tables import result_files_in_use, stale_documents, update_document
from shufflenet_det.results.result_file import REQUIRED_KEYS, read_result_file, run_provenance, write_result_file
from shufflenet_det.results.tables import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
PROVENANCE = {'machine': 'Test CPU', 'command': 'python tools/x.py', 'commit': 'abc', 'date': '2026-01-01'}


def result_files() -> list[Path]:
    return sorted((ROOT / 'results').rglob('*.json'))


def test_every_committed_table_equals_what_its_result_file_makes():
    stale = stale_documents(ROOT)
    assert not stale, f'stale tables in {[str(path.relative_to(ROOT)) for path in stale]}: run tools/make_tables.py'


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
