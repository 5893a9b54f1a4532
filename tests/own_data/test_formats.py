"""Each format's reader on files written the way the real annotation tools write them, quirks included."""

import json
from pathlib import Path

import pytest
from tool_files import all_boxes, jpeg_bytes, labelimg_xml, labelme_json, prepare, write_image

from shufflenet_det.own_data.convert import SplitChoice


def test_labelimg_voc_flat_folder(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for number in range(3):
        image = write_image(src / f'img{number}.jpg', seed=number)
        (src / f'img{number}.xml').write_text(labelimg_xml(image, [('cat', 1, 1, 64, 48), ('dog', 11, 21, 30, 40, 1)]))
    summary, splits = prepare(src, 'voc', tmp_path / 'out')
    assert summary['classes'] == ['cat', 'dog']
    assert sorted(summary['splits']) == ['train', 'val'] and summary['splits']['val']['images'] == 1
    boxes = all_boxes(splits)['img0.jpg']
    # VOC's corners are 1-based and inclusive: xmin=1..xmax=64 is the whole 64 px wide image.
    assert boxes == [('cat', [0.0, 0.0, 64.0, 48.0]), ('dog', [10.0, 20.0, 20.0, 20.0])]
    crowd = [ann['iscrowd'] for coco in splits.values() for ann in coco['annotations']]
    assert crowd.count(1) == 3  # the difficult dog boxes, ignored as VOC's benchmark ignores them
    assert (tmp_path / 'out/images/img0.jpg').read_bytes() == (src / 'img0.jpg').read_bytes()


def test_voc_devkit_uses_its_imagesets_split(tmp_path: Path) -> None:
    root = tmp_path / 'VOCdevkit/VOC2007'
    for number in range(4):
        image = write_image(root / 'JPEGImages' / f'00000{number}.jpg', seed=number)
        (root / 'Annotations').mkdir(parents=True, exist_ok=True)
        (root / 'Annotations' / f'00000{number}.xml').write_text(labelimg_xml(image, [('car', 5, 5, 20, 20)]))
    (root / 'ImageSets/Main').mkdir(parents=True)
    (root / 'ImageSets/Main/train.txt').write_text('000000\n000001\n')
    (root / 'ImageSets/Main/val.txt').write_text('000002\n')
    summary, splits = prepare(tmp_path / 'VOCdevkit', 'voc', tmp_path / 'out')
    assert [image['file_name'] for image in splits['val']['images']] == ['VOC2007/JPEGImages/000002.jpg']
    assert summary['splits']['train']['images'] == 2
    assert summary['problems']['not in split lists']['count'] == 1  # 000003 is in no list: listed, not lost quietly


def test_cvat_voc_fractional_corners(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for number in range(2):
        image = write_image(src / 'JPEGImages' / f'frame_{number:06d}.png', seed=number)
        text = labelimg_xml(image, [('person', 10.5, 12.25, 30.75, 40.0)]).replace('\t', '  ')
        (src / 'Annotations').mkdir(parents=True, exist_ok=True)
        (src / 'Annotations' / f'frame_{number:06d}.xml').write_text(text)
    _, splits = prepare(src, 'voc', tmp_path / 'out')
    assert all_boxes(splits)['JPEGImages/frame_000000.png'] == [('person', [9.5, 11.25, 21.25, 28.75])]


def _roboflow_yolo(src: Path) -> None:
    for split in ('train', 'valid'):
        for number in range(2):
            write_image(src / split / 'images' / f'{split}{number}_jpg.rf.abc.jpg', seed=number)
            (src / split / 'labels').mkdir(parents=True, exist_ok=True)
            (src / split / 'labels' / f'{split}{number}_jpg.rf.abc.txt').write_text(
                '0 0.5 0.5 0.25 0.5\r\n1 0.05 0.1 0.2 0.2 \r\n')
    (src / 'data.yaml').write_text("train: ../train/images\nval: ../valid/images\n\nnc: 2\nnames: ['bolt', 'nut']\n")


def test_roboflow_yolo_export_with_data_yaml_split(tmp_path: Path) -> None:
    _roboflow_yolo(tmp_path / 'src')
    summary, splits = prepare(tmp_path / 'src' / 'data.yaml', 'yolo', tmp_path / 'out')
    assert summary['classes'] == ['bolt', 'nut']
    assert [image['file_name'] for image in splits['val']['images']] == [
        'valid/images/valid0_jpg.rf.abc.jpg', 'valid/images/valid1_jpg.rf.abc.jpg']
    # cx cy w h normalised to the 64x48 image; the second box sticks out on the left and is clipped.
    assert all_boxes(splits)['train/images/train0_jpg.rf.abc.jpg'] == [
        ('bolt', [24.0, 12.0, 16.0, 24.0]), ('nut', [0.0, 0.0, 9.6, 9.6])]
    assert summary['problems']['clipped']['count'] == 4


def test_yolo_names_map_classes_txt_segments_and_background_images(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    write_image(src / 'a.jpg')
    write_image(src / 'b.jpg', seed=1)
    write_image(src / 'c.jpg', seed=2)
    (src / 'a.txt').write_text('1 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75\n')  # a segment: the box around it
    (src / 'b.txt').write_text('')  # LabelImg writes an empty file for an image without objects
    (src / 'classes.txt').write_text('dog\ncat\n')  # c.jpg has no label file: a background image too
    summary, splits = prepare(src, 'yolo', tmp_path / 'out', SplitChoice(val_fraction=0.34))
    assert all_boxes(splits)['a.jpg'] == [('cat', [16.0, 12.0, 32.0, 24.0])]
    assert sum(split['images_without_boxes'] for split in summary['splits'].values()) == 2

    (src / 'classes.txt').unlink()
    (src / 'data.yaml').write_text('path: .\ntrain: .\nnames:\n  0: dog\n  1: cat\n')
    summary, _ = prepare(src, 'yolo', tmp_path / 'out2', SplitChoice(mode='random'))
    assert summary['classes'] == ['dog', 'cat']


def test_keras_retinanet_csv_without_header(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for number in range(3):
        write_image(src / 'images' / f'{number}.jpg', seed=number)
    (src / 'boxes.csv').write_text('images/0.jpg,10,5,30,25,tree\nimages/0.jpg,0,0,8,8,bush\n'
                                   'images/1.jpg,1,2,3,4,tree\nimages/2.jpg,,,,,\n')
    summary, splits = prepare(src / 'boxes.csv', 'csv', tmp_path / 'out')
    assert summary['classes'] == ['bush', 'tree']
    assert all_boxes(splits)['images/0.jpg'] == [('tree', [10.0, 5.0, 20.0, 20.0]), ('bush', [0.0, 0.0, 8.0, 8.0])]
    assert all_boxes(splits)['images/2.jpg'] == []


def test_tensorflow_csv_with_header_and_split_per_file(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for split in ('train', 'valid'):
        write_image(src / split / 'x.jpg', seed=len(split))
        (src / split / '_annotations.csv').write_text(
            'filename,width,height,class,xmin,ymin,xmax,ymax\nx.jpg,64,48,apple,4,4,20,30\n')
    summary, splits = prepare(src, 'csv', tmp_path / 'out')
    assert [image['file_name'] for image in splits['val']['images']] == ['valid/x.jpg']
    assert all_boxes(splits)['train/x.jpg'] == [('apple', [4.0, 4.0, 16.0, 26.0])]


def test_labelme_shapes_windows_paths_and_embedded_image(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    write_image(src / 'images' / 'a.jpg')
    shapes = [dict(label='leaf', points=[[40, 30], [10, 5]]),  # dragged from bottom-right to top-left
              dict(label='leaf', points=[[2, 2], [12, 4], [6, 20]], shape_type='polygon'),
              dict(label='stem', points=[[30, 20], [30, 28]], shape_type='circle'),
              dict(label='stem', points=[[5, 5]], shape_type='point')]
    (src / 'json').mkdir()
    (src / 'json' / 'a.json').write_text(labelme_json('..\\images\\a.jpg', shapes))
    (src / 'json' / 'gone.json').write_text(labelme_json('gone.jpg', [dict(label='leaf', points=[[1, 1], [9, 9]])],
                                                         image_data=jpeg_bytes()))
    summary, splits = prepare(src, 'labelme', tmp_path / 'out')
    assert all_boxes(splits)['images/a.jpg'] == [('leaf', [10.0, 5.0, 30.0, 25.0]), ('leaf', [2.0, 2.0, 10.0, 18.0]),
                                                 ('stem', [22.0, 12.0, 16.0, 16.0])]
    assert all_boxes(splits)['gone.jpg'] == [('leaf', [1.0, 1.0, 8.0, 8.0])]  # written from imageData
    assert (tmp_path / 'out/images/gone.jpg').read_bytes() == jpeg_bytes()
    assert summary['problems']['no box shape']['count'] == 1
    assert summary['problems']['embedded image']['count'] == 1


def test_coco_as_tools_write_it(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for number in range(3):
        write_image(src / 'images' / f'{number}.jpg', seed=number)
    coco = {
        # Roboflow's category 0 is the dataset's name and every class's supercategory; it has no boxes.
        'categories': [{'id': 0, 'name': 'fruits', 'supercategory': 'none'},
                       {'id': 3, 'name': 'apple', 'supercategory': 'fruits'},
                       {'id': 7, 'name': 'pear', 'supercategory': 'fruits'}],
        'images': [{'id': 10, 'file_name': '/data/upload/1/0.jpg', 'width': 64, 'height': 48},
                   {'id': 11, 'file_name': 'images/1.jpg'},
                   {'id': 12, 'file_name': '2.jpg', 'width': 64, 'height': 48}],
        'annotations': [{'id': 1, 'image_id': 10, 'category_id': 3, 'bbox': [1, 2, 10, 20]},  # no area, iscrowd
                        {'id': 2, 'image_id': 11, 'category_id': 7,
                         'segmentation': [[10, 10, 30, 10, 30, 40, 10, 40]]},  # no bbox
                        {'id': 3, 'image_id': 12, 'category_id': 7, 'bbox': [5, 5, 5, 5], 'iscrowd': 1}],
    }
    (src / 'result.json').write_text(json.dumps(coco))
    summary, splits = prepare(src / 'result.json', 'coco', tmp_path / 'out')
    assert summary['classes'] == ['apple', 'pear']
    boxes = all_boxes(splits)
    assert boxes['images/0.jpg'] == [('apple', [1.0, 2.0, 10.0, 20.0])]
    assert boxes['images/1.jpg'] == [('pear', [10.0, 10.0, 20.0, 30.0])]
    assert [ann['category_id'] for coco in splits.values() for ann in coco['annotations']
            if ann['iscrowd']] == [2]  # re-numbered 1..N in class order, crowd kept as crowd


@pytest.mark.parametrize('fraction, expected_val', [(0.2, 2), (0.5, 5)])
def test_random_split_is_seeded_and_sized(tmp_path: Path, fraction: float, expected_val: int) -> None:
    src = tmp_path / 'src'
    for number in range(10):
        image = write_image(src / f'{number}.png', seed=number)
        (src / f'{number}.xml').write_text(labelimg_xml(image, [('a', 2, 2, 9, 9)]))
    first, splits = prepare(src, 'voc', tmp_path / 'one', SplitChoice('random', fraction, seed=3))
    again, splits_again = prepare(src, 'voc', tmp_path / 'two', SplitChoice('random', fraction, seed=3))
    assert first['splits']['val']['images'] == expected_val
    assert splits['val']['images'] == splits_again['val']['images']


def test_voc_file_name_without_its_suffix(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    for number in range(2):
        image = write_image(src / 'JPEGImages' / f'{number}.JPG', seed=number)
        (src / 'Annotations').mkdir(parents=True, exist_ok=True)
        (src / 'Annotations' / f'{number}.xml').write_text(labelimg_xml(image, [('a', 3, 3, 9, 9)],
                                                                        filename=str(number)))
    _, splits = prepare(src, 'voc', tmp_path / 'out')
    assert sorted(all_boxes(splits)) == ['JPEGImages/0.JPG', 'JPEGImages/1.JPG']
