"""Inputs that used to fail late or silently: a config with a syntax error (its file named), batch_size=0,
flops.py --proposals 0 or -5, make_dataset.py into another dataset's folder."""

import json
import runpy
import sys

import pytest
from conftest import ROOT, run_tool_in_process

from shufflenet_det.cli.run_setup import load_run_config
from shufflenet_det.core.errors import ConfigError

DEMO_CONFIG = str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py')


def test_a_syntax_error_names_the_config_and_line(tmp_path, monkeypatch):
    config = tmp_path / 'broken.py'
    config.write_text(f"_base_ = '{DEMO_CONFIG}'\nmodel = dict(backbone=dict(widen_factor=0.5)\n")
    message = run_tool_in_process('train.py', str(config), '--work-dir', str(tmp_path / 'work'),
                                  monkeypatch=monkeypatch)
    assert message == (f"error: config {config} has a syntax error at line 2: '(' was never closed: model = "
                       'dict(backbone=dict(widen_factor=0.5)')


def test_a_syntax_error_in_an_inherited_file_names_that_file(tmp_path):
    base = tmp_path / 'base.py'
    base.write_text("_base_ = '" + DEMO_CONFIG + "'\nlr = 0.1 +\n")
    child = tmp_path / 'child.py'
    child.write_text("_base_ = './base.py'\n")
    with pytest.raises(ConfigError, match=f'^config {base} has a syntax error at line 2: invalid syntax'):
        load_run_config(str(child), None, str(tmp_path / 'work'), 'none')


@pytest.mark.parametrize('key', ['train_dataloader', 'test_dataloader'])
def test_a_batch_size_of_zero_is_refused(key, tmp_path):
    with pytest.raises(ConfigError) as error:
        load_run_config(DEMO_CONFIG, {f'{key}.batch_size': 0}, str(tmp_path), 'none')
    assert str(error.value) == (f'{key}.batch_size is 0: it must be a whole number of images of at least 1 (per '
                                f'process), e.g. --cfg-options {key}.batch_size=2')


@pytest.mark.parametrize('proposals', ['0', '-5'])
def test_flops_refuses_a_proposal_count_below_one(proposals, monkeypatch, capsys):
    assert run_tool_in_process('flops.py', '--config', DEMO_CONFIG, '--proposals', proposals,
                               monkeypatch=monkeypatch) == '2'
    assert (f"flops.py: error: argument --proposals: expected an integer >= 1, got '{proposals}'"
            in capsys.readouterr().err)


def test_make_dataset_refuses_a_folder_it_did_not_write(tmp_path, monkeypatch):
    user_dataset = tmp_path / 'my_dataset'
    (user_dataset / 'annotations').mkdir(parents=True)
    annotations = user_dataset / 'annotations' / 'instances_train.json'
    annotations.write_text(json.dumps({'images': [], 'annotations': [], 'categories': [{'id': 1, 'name': 'cat'}]}))
    message = run_tool_in_process('make_dataset.py', '--out', str(user_dataset), '--num-train', '2', '--num-val', '1',
                                  monkeypatch=monkeypatch)
    assert message == (f'error: --out {user_dataset}: is a non-empty folder that tools/make_dataset.py did not write '
                       '(no .shapes_dataset or shapes meta.json in it); writing there would overwrite its '
                       'annotations/, train/ and val/: give a new or empty folder')
    assert json.loads(annotations.read_text())['categories'] == [{'id': 1, 'name': 'cat'}]


def test_make_dataset_writes_and_rewrites_its_own_folder(tmp_path, monkeypatch, capsys):
    out = tmp_path / 'shapes'
    for num_train in ('2', '3'):  # a second run with other parameters rewrites the folder it wrote
        monkeypatch.setattr(sys, 'argv', ['make_dataset.py', '--out', str(out), '--num-train', num_train,
                                          '--num-val', '1'])
        runpy.run_path(str(ROOT / 'tools/make_dataset.py'), run_name='__main__')
    assert len(json.loads((out / 'annotations' / 'instances_train.json').read_text())['images']) == 3
    assert capsys.readouterr().out.count('wrote the shapes dataset') == 2
