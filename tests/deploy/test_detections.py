"""Detections are matched one to one on label, score and box (IoU or coordinate difference)."""

import numpy as np

from shufflenet_det.deploy.detections import Detections, MatchTolerance, match_detections

PARITY = MatchTolerance(score=1e-3, min_iou=0.99)
REFERENCE = Detections.from_arrays([[0, 0, 10, 10], [20, 20, 40, 40], [5, 5, 15, 15]], [0.9, 0.8, 0.3], [1, 2, 1])


def test_identical_detections_all_match():
    match = match_detections(REFERENCE, REFERENCE, PARITY)
    assert (match.matched, match.considered, match.rate, match.unmatched) == (3, 3, 1.0, ())
    assert match.max_box_error == 0.0


def test_wrong_label_moved_box_or_score_do_not_match():
    other = Detections.from_arrays([[0, 0, 10, 10], [20, 20, 40, 42], [5, 5, 15, 15]], [0.9, 0.8, 0.31], [3, 2, 1])
    match = match_detections(REFERENCE, other, PARITY)
    assert match.matched == 0 and match.rate == 0.0 and match.unmatched == (0, 1, 2)


def test_coordinate_tolerance():
    nudged = Detections.from_arrays([[0, 0, 10.01, 10], [20, 20, 40, 40.5], [5, 5, 15, 15]], [0.9, 0.8, 0.3],
                                    [1, 2, 1])
    match = match_detections(REFERENCE, nudged, MatchTolerance(score=1e-4, box=0.05))
    assert match.matched == 2 and match.unmatched == (1, )
    assert np.isclose(match.max_box_error, 0.01, rtol=1e-3)


def test_only_the_top_k_reference_detections_count():
    match = match_detections(REFERENCE, Detections.from_arrays([[0, 0, 10, 10]], [0.9], [1]), PARITY, top_k=1)
    assert (match.matched, match.considered) == (1, 1)


def test_one_detection_matches_only_once():
    duplicated = Detections.from_arrays([[0, 0, 10, 10], [0, 0, 10, 10]], [0.9, 0.9], [1, 1])
    match = match_detections(duplicated, Detections.from_arrays([[0, 0, 10, 10]], [0.9], [1]), PARITY)
    assert (match.matched, match.considered) == (1, 2)


def test_no_detections_on_either_side_is_agreement_but_one_sided_is_not():
    empty = Detections.from_arrays([], [], [])
    assert match_detections(empty, empty, PARITY).rate == 1.0
    assert match_detections(empty, REFERENCE, PARITY).rate == 0.0
    assert match_detections(REFERENCE, empty, PARITY).unmatched == (0, 1, 2)


def test_list_round_trip_names_classes():
    items = REFERENCE.to_list(('a', 'b'))
    assert [item['class'] for item in items] == ['b', '#2', 'b']
    back = Detections.from_list(items)
    assert np.array_equal(back.boxes, REFERENCE.boxes) and back.labels.dtype == np.int64
