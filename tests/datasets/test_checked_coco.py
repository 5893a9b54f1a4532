"""CheckedCocoDataset and LoadImageFromFileChecked: clear errors and counted warnings for bad input."""

import json
from pathlib import Path

import pytest
from mmdet.registry import DATASETS, TRANSFORMS
from mmengine.registry import init_default_scope

import shufflenet_det.datasets.checked_coco as checked_coco
from shufflenet_det.core.errors import DatasetError
from shufflenet_det.datasets import CLASSES, generate_dataset

ANN_FILE = 'annotations/instances_train.json'


@pytest.fixture(autouse=True)
def mmdet_scope() -> None:
    init_default_scope('mmdet')


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return generate_dataset(tmp_path / 'shapes', num_train=6, num_val=1, seed=1).root


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages the module logs, captured by patching its ``print_log``."""
    logged = []
    monkeypatch.setattr(checked_coco, 'print_log', lambda msg, **kwargs: logged.append(msg))
    return logged


def build(root: Path, ann_file: str = ANN_FILE, **kwargs):
    cfg = dict(type='CheckedCocoDataset', data_root=str(root), ann_file=ann_file,
               data_prefix=dict(img='train/'), metainfo=dict(classes=CLASSES), pipeline=[])
    return DATASETS.build({**cfg, **kwargs})


def edit_json(root: Path, edit) -> dict:
    path = root / ANN_FILE
    coco = json.loads(path.read_text())
    edit(coco)
    path.write_text(json.dumps(coco))
    return coco


def num_instances(dataset) -> int:
    return sum(len(dataset.get_data_info(i)['instances']) for i in range(len(dataset)))


def test_importing_the_package_registers_the_classes() -> None:
    assert DATASETS.get('CheckedCocoDataset') is checked_coco.CheckedCocoDataset
    assert TRANSFORMS.get('LoadImageFromFileChecked') is checked_coco.LoadImageFromFileChecked


def test_clean_dataset_loads_without_warning(root: Path, warnings: list[str]) -> None:
    dataset = build(root)
    coco = json.loads((root / ANN_FILE).read_text())
    assert len(dataset) == 6
    assert num_instances(dataset) == len(coco['annotations'])
    assert warnings == []


def test_missing_annotation_file_names_path_and_fix(root: Path) -> None:
    with pytest.raises(FileNotFoundError, match='instances_nope.json does not exist') as error:
        build(root, ann_file='annotations/instances_nope.json')
    assert 'tools/make_dataset.py' in str(error.value)


def test_missing_image_folder_names_path(root: Path) -> None:
    with pytest.raises(FileNotFoundError, match='image folder .*nowhere/ does not exist'):
        build(root, data_prefix=dict(img='nowhere/'))


def test_missing_coco_says_how_to_download_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match='cocodataset.org') as error:
        build(tmp_path / 'data' / 'coco', ann_file='annotations/instances_train2017.json',
              data_prefix=dict(img='train2017/'))
    assert 'data/coco/train2017/' in str(error.value) and 'ln -s' in str(error.value)


def test_malformed_json_names_file_and_position(root: Path) -> None:
    (root / ANN_FILE).write_text('{"images": [')
    with pytest.raises(ValueError, match=r'instances_train.json is not valid JSON: .* line 1, column 13'):
        build(root)


@pytest.mark.parametrize(('edit', 'expected'), [
    (lambda coco: coco.pop('categories'), 'has no categories list'),
    (lambda coco: coco['annotations'][2].pop('bbox'), r'annotations\[2\] lacks bbox'),
    (lambda coco: coco['annotations'][1].update(bbox=[1, 2, 3]), r'annotations\[1\] has a bbox that is not'),
    (lambda coco: coco['images'][0].pop('file_name'), r'images\[0\] lacks file_name'),
])
def test_structurally_wrong_json_names_file_and_entry(root: Path, edit, expected: str) -> None:
    edit_json(root, edit)
    with pytest.raises(ValueError, match=f'instances_train.json.*{expected}'):
        build(root)


def test_unknown_classes_are_an_error(root: Path) -> None:
    with pytest.raises(ValueError, match="has no categories named 'cat', 'dog': classes are matched to categories by "
                                         "name, and the classes are 'cat', 'dog' while the file's categories are "
                                         "'circle', 'square', 'triangle', 'cross', 'ring'"):
        build(root, metainfo=dict(classes=('cat', 'dog')))


def test_bad_annotations_are_skipped_and_counted(root: Path, warnings: list[str]) -> None:
    def spoil(coco: dict) -> None:
        anns = coco['annotations']
        anns[0]['bbox'][2] = 0
        anns[1]['bbox'][3] = -4
        anns[2]['bbox'][:2] = [500, 500]
        anns[3]['category_id'] = 99
        anns[4]['image_id'] = 12345

    coco = edit_json(root, spoil)
    dataset = build(root)
    assert len(dataset) == 6
    assert num_instances(dataset) == len(coco['annotations']) - 5
    assert len(warnings) == 1
    assert warnings[0] == (f'{root / ANN_FILE}: skipped 5 annotations (2 empty boxes (zero or negative width, '
                           'height or area), '
                           '1 box outside its image, 1 with unknown category id 99, '
                           '1 for an image id not in images)')


def test_images_without_file_are_skipped_and_counted(root: Path, warnings: list[str]) -> None:
    (root / 'train' / '000002.jpg').unlink()
    dataset = build(root)
    assert len(dataset) == 5
    assert not any(info['img_path'].endswith('000002.jpg') for info in map(dataset.get_data_info, range(5)))
    assert len(warnings) == 1 and 'skipped 1 image without a file in' in warnings[0]
    assert '000002.jpg' in warnings[0]


def test_image_folder_without_any_listed_image_is_an_error(root: Path) -> None:
    (root / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match='none of the 6 images of .* is in .*empty'):
        build(root, data_prefix=dict(img='empty/'))


def test_corrupt_image_is_skipped_in_training(root: Path, warnings: list[str]) -> None:
    bad = root / 'train' / '000003.jpg'
    bad.write_bytes(b'this is not a jpeg')
    load = TRANSFORMS.build(dict(type='LoadImageFromFileChecked'))
    assert load(dict(img_path=str(bad))) is None
    assert len(warnings) == 1 and f'cannot read image {bad}' in warnings[0]
    loaded = load(dict(img_path=str(root / 'train' / '000001.jpg')))
    assert loaded['img'].shape[2] == 3


def test_unreadable_image_is_an_error_in_test_mode_before_any_inference(root: Path) -> None:
    (root / 'train' / '000003.jpg').write_bytes(b'this is not a jpeg')
    with pytest.raises(DatasetError, match='cannot read image .*000003.jpg'):
        build(root, test_mode=True)


def test_truncated_image_is_an_error_in_test_mode(root: Path, warnings: list[str]) -> None:
    image = root / 'train' / '000003.jpg'
    image.write_bytes(image.read_bytes()[:2000])  # the header still reads; the pixels do not
    dataset = build(root, test_mode=True, pipeline=[dict(type='LoadImageFromFileChecked')])
    paths = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
    index = next(i for i, path in enumerate(paths) if path.endswith('000003.jpg'))
    assert dataset[0 if index else 1]['img'] is not None
    with pytest.raises(DatasetError, match='cannot read image .*000003.jpg'):
        dataset[index]
