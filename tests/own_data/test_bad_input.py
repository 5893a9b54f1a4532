"""Bad input: each case ends in a named error, or in a counted and listed skip or fix; nothing is dropped quietly."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tool_files import all_boxes, labelimg_xml, labelme_json, prepare, write_image

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.own_data.convert import SplitChoice, check_output_folder
from shufflenet_det.own_data.readers import read_source


def _voc_folder(src: Path, boxes: list[tuple], count: int = 2, size: tuple[int, int] = (64, 48)) -> None:
    for number in range(count):
        image = write_image(src / f'{number}.jpg', seed=number)
        (src / f'{number}.xml').write_text(labelimg_xml(image, boxes, size=size))


def _entries(summary: dict, kind: str) -> list[str]:
    return summary['problems'][kind]['entries']


def test_zero_and_negative_boxes_are_listed_skips(tmp_path: Path) -> None:
    # VOC's corners are inclusive: xmax = xmin - 1 is zero wide, xmax < that is negative.
    _voc_folder(tmp_path / 'src', [('a', 10, 10, 20, 20), ('a', 10, 10, 9, 30), ('a', 30, 10, 20, 20)])
    summary, splits = prepare(tmp_path / 'src', 'voc', tmp_path / 'out')
    src = tmp_path / 'src'
    assert _entries(summary, 'empty box') == [f'{src / "0.xml"} object 2: 0 x 21 px',
                                              f'{src / "0.xml"} object 3: -9 x 11 px',
                                              f'{src / "1.xml"} object 2: 0 x 21 px',
                                              f'{src / "1.xml"} object 3: -9 x 11 px']
    assert sum(len(coco['annotations']) for coco in splits.values()) == 2


def test_boxes_outside_the_image_are_clipped_or_skipped_and_counted(tmp_path: Path) -> None:
    _voc_folder(tmp_path / 'src', [('a', -5, 10, 20, 60), ('a', 100, 100, 120, 120)])
    summary, splits = prepare(tmp_path / 'src', 'voc', tmp_path / 'out')
    assert summary['problems']['clipped']['count'] == 2 and summary['problems']['outside']['count'] == 2
    assert all_boxes(splits)['0.jpg'] == [('a', [0.0, 9.0, 20.0, 39.0])]


def test_labels_outside_the_class_list_are_listed(tmp_path: Path) -> None:
    src = tmp_path / 'yolo'
    write_image(src / 'a.jpg')
    write_image(src / 'b.jpg', seed=1)
    (src / 'a.txt').write_text('0 0.5 0.5 0.2 0.2\n2 0.5 0.5 0.2 0.2\n')
    (src / 'b.txt').write_text('1 0.5 0.5 0.2 0.2\n')
    (src / 'classes.txt').write_text('x\ny\n')
    summary, _ = prepare(src, 'yolo', tmp_path / 'out')
    assert _entries(summary, 'unknown label') == [f'{src / "a.txt"} line 2: class 2 (the 2 classes are numbered 0-1)']

    _voc_folder(tmp_path / 'voc', [('cat', 2, 2, 20, 20), ('dog', 2, 2, 20, 20)])
    summary, _ = prepare(tmp_path / 'voc', 'voc', tmp_path / 'out2', classes=['cat'])
    assert summary['classes'] == ['cat'] and summary['problems']['unknown label']['count'] == 2


def test_missing_image_files_are_listed_skips(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    _voc_folder(src, [('a', 2, 2, 20, 20)], count=3)
    (src / '1.jpg').unlink()
    summary, _ = prepare(src, 'voc', tmp_path / 'out')
    assert _entries(summary, 'missing image') == [f'{src / "1.xml"}: 1.jpg']
    assert sum(split['images'] for split in summary['splits'].values()) == 2


def test_recorded_size_unlike_the_file_is_a_listed_skip(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    _voc_folder(src, [('a', 2, 2, 20, 20)], count=3)
    (src / '2.xml').write_text(labelimg_xml(src / '2.jpg', [('a', 2, 2, 20, 20)], size=(128, 96)))
    summary, _ = prepare(src, 'voc', tmp_path / 'out')
    assert _entries(summary, 'size mismatch') == [
        f'{src / "2.xml"}: recorded 128x96, but {src / "2.jpg"} is 64x48; re-annotate or re-export it with the image '
        'as it is']


def test_exif_rotated_jpeg_boxes_follow_the_pixels_the_user_sees(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    # Stored 64 wide and 48 high with orientation 6: a viewer turns it 90 degrees clockwise, 48 wide and 64 high.
    stored = np.zeros((48, 64, 3), np.uint8)
    stored[0:10, 0:20] = 255  # top-left of the stored pixels: top-right of the turned image
    src.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(stored).save(src / 'turned.jpg', exif=exif, quality=100)
    write_image(src / 'plain.jpg')
    # LabelMe shows the turned image and records its size; the box covers the white patch there.
    (src / 'turned.json').write_text(labelme_json('turned.jpg', [dict(label='patch', points=[[38, 0], [48, 20]])],
                                                  size=(48, 64)))
    (src / 'plain.json').write_text(labelme_json('plain.jpg', [dict(label='patch', points=[[1, 1], [9, 9]])]))
    summary, splits = prepare(src, 'labelme', tmp_path / 'out')
    written = np.asarray(Image.open(tmp_path / 'out/images/turned.png'))
    assert written.shape == (64, 48, 3)
    assert written[0:20, 38:48].min() > 200 and written[25:, :30].max() < 60
    assert all_boxes(splits)['turned.png'] == [('patch', [38.0, 0.0, 10.0, 20.0])]
    assert summary['problems']['rewritten']['entries'] == [f'{src / "turned.jpg"}: EXIF orientation 6']


def test_exif_ignored_by_the_tool_keeps_the_stored_pixels(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    write_image(src / 'turned.jpg', exif_orientation=6)
    write_image(src / 'plain.jpg', seed=1)
    for name in ('turned', 'plain'):  # the tool recorded the stored size, 64x48: it drew on the unturned pixels
        (src / f'{name}.xml').write_text(labelimg_xml(src / f'{name}.jpg', [('a', 1, 1, 60, 10)]))
    _, splits = prepare(src, 'voc', tmp_path / 'out')
    assert Image.open(tmp_path / 'out/images/turned.png').size == (64, 48)
    assert all_boxes(splits)['turned.png'] == [('a', [0.0, 0.0, 60.0, 10.0])]


@pytest.mark.parametrize('mode', ['L', 'RGBA', 'P', 'CMYK'])
def test_pixel_modes_give_the_same_pixels_to_every_reader(tmp_path: Path, mode: str) -> None:
    import cv2

    src = tmp_path / 'src'
    suffix = '.jpg' if mode in ('L', 'CMYK') else '.png'
    write_image(src / f'odd{suffix}', mode=mode)
    write_image(src / 'plain.jpg', seed=1)
    for name in (f'odd{suffix}', 'plain.jpg'):
        (src / f'{Path(name).stem}.xml').write_text(labelimg_xml(src / name, [('a', 2, 2, 20, 20)]))
    summary, splits = prepare(src, 'voc', tmp_path / 'out')
    odd = [name for name in all_boxes(splits) if name.startswith('odd')][0]
    assert odd == (f'odd{suffix}' if mode == 'L' else 'odd.png')  # 8-bit grey JPEGs decode alike: kept as they are
    path = tmp_path / 'out/images' / odd
    with Image.open(path) as image:
        pillow = np.asarray(image.convert('RGB'))
    assert np.array_equal(pillow, cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))


def test_sixteen_bit_images_are_listed_skips(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    _voc_folder(src, [('a', 2, 2, 20, 20)], count=2)
    Image.fromarray(np.full((48, 64), 40000, np.uint16)).save(src / 'deep.png')
    (src / 'deep.xml').write_text(labelimg_xml(src / 'deep.png', [('a', 2, 2, 20, 20)]))
    summary, _ = prepare(src, 'voc', tmp_path / 'out')
    assert summary['problems']['unsupported pixels']['count'] == 1


def test_same_file_name_in_two_folders(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for folder in ('day', 'night'):
        write_image(src / folder / 'cam1.jpg', seed=len(folder))
        write_image(src / folder / 'cam2.jpg', seed=len(folder) + 1)
        (src / folder / 'cam1.txt').write_text('0 0.5 0.5 0.5 0.5\n')
    (src / 'classes.txt').write_text('car\n')
    _, splits = prepare(src, 'yolo', tmp_path / 'out')
    assert {'day/cam1.jpg', 'night/cam1.jpg'} <= set(all_boxes(splits))  # both kept, under their folders

    (src / 'annotations').mkdir()
    (src / 'annotations' / 'cam1.xml').write_text(labelimg_xml(src / 'day/cam1.jpg', [('car', 2, 2, 9, 9)]))
    with pytest.raises(DatasetError, match=r"names image 'cam1.jpg', and files of that name lie in several folders"):
        read_source(src, 'voc')


def test_empty_annotation_files_are_listed(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    _voc_folder(src, [('a', 2, 2, 20, 20)], count=2)
    (src / 'blank.xml').write_text('')
    summary, _ = prepare(src, 'voc', tmp_path / 'out')
    assert _entries(summary, 'empty annotation') == [str(src / 'blank.xml')]


@pytest.mark.parametrize('annotation_format, file_name, text, where', [
    ('voc', '0.xml', '<annotation>\n<object><name>a</name>\n</annotation>\n', '0.xml: malformed XML (mismatched tag: '
                                                                            'line 3, column 2)'),
    ('labelme', 'a.json', '{\n  "shapes": [\n    {"label": "a",}\n  ]\n}\n',
     'a.json line 3, column 19: malformed JSON'),
    ('csv', 'boxes.csv', '0.jpg,1,2,3,4,a\n0.jpg,1,2,three,4,a\n', 'boxes.csv line 2: xmin, ymin, xmax, ymax must be'),
    ('csv', 'boxes.csv', '0.jpg,1,2,3,4,a\n0.jpg,1,2,3\n', 'boxes.csv line 2: 4 columns, expected 6'),
    ('yolo', '0.txt', '0 0.5 0.5 0.1 0.1\n0 0.5 0.5\n', '0.txt line 2: 3 values'),
    ('coco', 'ann.json', '{"images": [], "annotations": [\n,]}', 'ann.json line 2, column 1: malformed JSON'),
])
def test_malformed_files_name_the_file_and_line(tmp_path: Path, annotation_format: str, file_name: str, text: str,
                                                where: str) -> None:
    src = tmp_path / 'src'
    write_image(src / '0.jpg')
    (src / 'classes.txt').write_text('a\n')
    (src / file_name).write_text(text)
    with pytest.raises(DatasetError) as error:
        prepare(src, annotation_format, tmp_path / 'out')
    assert str(src / where) in str(error.value)


def test_duplicate_coco_image_ids_are_an_error(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    write_image(src / 'a.jpg')
    write_image(src / 'b.jpg', seed=1)
    (src / 'ann.json').write_text(json.dumps({
        'images': [{'id': 1, 'file_name': 'a.jpg'}, {'id': 1, 'file_name': 'b.jpg'}],
        'annotations': [{'image_id': 1, 'category_id': 1, 'bbox': [1, 1, 5, 5]}],
        'categories': [{'id': 1, 'name': 'a'}]}))
    with pytest.raises(DatasetError, match='image id 1 is used by 2 images'):
        read_source(src, 'coco')


def test_output_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / 'mine').mkdir()
    (tmp_path / 'mine' / 'notes.txt').write_text('keep me')
    with pytest.raises(DatasetError, match='holding other files'):
        check_output_folder(tmp_path / 'mine')
    _voc_folder(tmp_path / 'src', [('a', 2, 2, 20, 20)])
    prepare(tmp_path / 'src', 'voc', tmp_path / 'out', SplitChoice())
    check_output_folder(tmp_path / 'out')  # its own earlier output: cleared for the new run
    assert not (tmp_path / 'out' / 'images').exists()
