"""The split an annotation file's name or folder gives, shared by the COCO and CSV readers."""

from pathlib import Path

from shufflenet_det.own_data.splits import names_give_splits, split_named_by


def test_a_word_of_the_name_or_the_folder_names_the_split():
    assert split_named_by(Path('annotations/instances_val2017.json')) == 'val'
    assert split_named_by(Path('export/valid/_annotations.csv')) == 'val'
    assert split_named_by(Path('train.csv')) == 'train'
    assert split_named_by(Path('labels-test.json')) == 'test'
    assert split_named_by(Path('annotations/trainer.json')) is None  # a word, not a prefix of one
    assert split_named_by(Path('data/boxes.csv')) is None


def test_the_source_split_holds_only_when_every_file_names_one():
    assert names_give_splits([Path('train.json'), Path('val.json')])
    assert not names_give_splits([Path('train.json')])  # one file: the converter splits it
    assert not names_give_splits([Path('train.json'), Path('extra.json')])
