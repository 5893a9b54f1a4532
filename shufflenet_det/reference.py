"""Published numbers the project measures against (ShuffleNet v1 and MobileNet v1 papers).

They fill the "paper" columns of reports; they are never written into a result column.
"""

#: Classification-network mult-adds (millions) at 224x224, ShuffleNet v1 Table 2 / Table 8, and
#: MobileNet v1 Table 8; keyed by a short model name.
CLASSIFIER_MFLOPS = {
    'ShuffleNet 1x (g=1)': 143,
    'ShuffleNet 1x (g=2)': 140,
    'ShuffleNet 1x (g=3)': 137,
    'ShuffleNet 1x (g=4)': 133,
    'ShuffleNet 1x (g=8)': 137,
    'ShuffleNet 0.5x (g=3)': 38,
    'ShuffleNet 1.5x (g=3)': 292,
    'ShuffleNet 2x (g=3)': 524,
    'MobileNet v1 1.0': 569,
}

#: Parameters (millions) published for the classification networks (Megvii's release; MobileNet paper).
CLASSIFIER_MPARAMS = {
    'ShuffleNet 0.5x (g=3)': 0.7,
    'ShuffleNet 1x (g=3)': 1.9,
    'ShuffleNet 1.5x (g=3)': 3.4,
    'ShuffleNet 2x (g=3)': 5.4,
    'MobileNet v1 1.0': 4.2,
}

#: Backbone configs of the reference models, keyed like the tables above.
CLASSIFIER_BACKBONES = {
    **{f'ShuffleNet 1x (g={g})': dict(type='ShuffleNetV1', groups=g, widen_factor=1.0) for g in (1, 2, 3, 4, 8)},
    'ShuffleNet 0.5x (g=3)': dict(type='ShuffleNetV1', groups=3, widen_factor=0.5),
    'ShuffleNet 1.5x (g=3)': dict(type='ShuffleNetV1', groups=3, widen_factor=1.5),
    'ShuffleNet 2x (g=3)': dict(type='ShuffleNetV1', groups=3, widen_factor=2.0),
    'MobileNet v1 1.0': dict(type='MobileNetV1', widen_factor=1.0),
}

#: Faster R-CNN with MobileNet v1, MobileNets paper Table 13: mult-adds (billions) by input scale.
MOBILENET_FRCNN_GFLOPS = {300: 25.2, 600: 30.5}

#: COCO minival mAP[.5:.95] of Faster R-CNN, ShuffleNet v1 Table 7, by backbone and input scale.
DETECTION_MAP = {
    'ShuffleNet 2x (g=3)': {300: 18.7, 600: 25.0},
    'ShuffleNet 1x (g=3)': {300: 14.5, 600: 19.8},
    'MobileNet v1 1.0 (MobileNets paper)': {300: 16.4, 600: 19.8},
    'MobileNet v1 1.0 (ShuffleNet authors)': {300: 14.9, 600: 19.3},
}
