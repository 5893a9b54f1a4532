"""Detections are matched one to one on label, IoU and score."""

import numpy as np

from shufflenet_det.export import Detections, match_detections


def detections(boxes, scores, labels) -> Detections:
    return Detections(np.array(boxes, dtype=np.float32).reshape(-1, 4), np.array(scores, dtype=np.float32),
                      np.array(labels))


REFERENCE = detections([[0, 0, 10, 10], [20, 20, 40, 40], [5, 5, 15, 15]], [0.9, 0.8, 0.3], [1, 2, 1])


def test_identical_detections_all_match():
    report = match_detections('img', REFERENCE, REFERENCE)
    assert (report.matched, report.considered, report.rate) == (3, 3, 1.0)
    assert report.max_box_error == 0.0


def test_wrong_label_moved_box_or_score_do_not_match():
    exported = detections([[0, 0, 10, 10], [20, 20, 40, 42], [5, 5, 15, 15]], [0.9, 0.8, 0.31], [3, 2, 1])
    report = match_detections('img', REFERENCE, exported)
    assert report.matched == 0 and report.rate == 0.0


def test_only_the_top_k_reference_detections_count():
    exported = detections([[0, 0, 10, 10]], [0.9], [1])
    report = match_detections('img', REFERENCE, exported, top_k=1)
    assert (report.matched, report.considered) == (1, 1)


def test_one_exported_detection_matches_only_once():
    duplicated = detections([[0, 0, 10, 10], [0, 0, 10, 10]], [0.9, 0.9], [1, 1])
    report = match_detections('img', duplicated, detections([[0, 0, 10, 10]], [0.9], [1]))
    assert (report.matched, report.considered) == (1, 2)


def test_no_detections_on_either_side_is_agreement_but_one_sided_is_not():
    empty = detections([], [], [])
    assert match_detections('img', empty, empty).rate == 1.0
    assert match_detections('img', empty, REFERENCE).rate == 0.0
