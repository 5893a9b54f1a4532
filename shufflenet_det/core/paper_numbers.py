"""Published numbers the project measures against (ShuffleNet v1 and MobileNet v1 papers, reference models).

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
    # torchvision's reference classifiers: AlexNet as ShuffleNet v1 Table 8 lists it; VGG-16 and GoogLeNet from
    # MobileNet v1 Table 8; ResNet-50 from torchvision's model documentation (4.09 G; He et al. 2016 give 3.8 G).
    'AlexNet': 720,
    'VGG-16': 15300,
    'GoogLeNet': 1550,
    'ResNet-50': 4100,
}

#: Parameters (millions) published for the classification networks (Megvii's release; MobileNet v1 Table 8;
#: torchvision's model documentation for ResNet-50).
CLASSIFIER_MPARAMS = {
    'ShuffleNet 0.5x (g=3)': 0.7,
    'ShuffleNet 1x (g=3)': 1.9,
    'ShuffleNet 1.5x (g=3)': 3.4,
    'ShuffleNet 2x (g=3)': 5.4,
    'MobileNet v1 1.0': 4.2,
    'VGG-16': 138,
    'GoogLeNet': 6.8,
    'ResNet-50': 25.6,
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

#: Device of the paper's speed measurements (ShuffleNet v1 Table 8): the label of every paper latency column.
TABLE8_DEVICE = 'Snapdragon 820, 1 core (paper)'

#: Classification-network latency in ms on :data:`TABLE8_DEVICE`, ShuffleNet v1 Table 8, by model and input
#: (height, width).
TABLE8_LATENCY_MS = {
    'ShuffleNet 0.5x (g=3)': {(224, 224): 15.2, (480, 640): 87.4, (720, 1280): 260.1},
    'ShuffleNet 1x (g=3)': {(224, 224): 37.8, (480, 640): 222.2, (720, 1280): 684.5},
    'ShuffleNet 2x (g=3)': {(224, 224): 108.8, (480, 640): 617.0, (720, 1280): 1857.6},
    'AlexNet': {(224, 224): 184.0, (480, 640): 1156.7, (720, 1280): 3633.9},
    'MobileNet v1 1.0': {(224, 224): 110.0, (480, 640): 612.0, (720, 1280): 1879.2},
}

#: Mult-adds (millions) at 224x224 as Table 8 lists them (ShuffleNet 1x: 140 there, 137 in Table 2).
TABLE8_MFLOPS = {
    'ShuffleNet 0.5x (g=3)': 38,
    'ShuffleNet 1x (g=3)': 140,
    'ShuffleNet 2x (g=3)': 524,
    'AlexNet': 720,
    'MobileNet v1 1.0': 569,
}

#: ImageNet top-1 classification error (%) as Table 8 lists it.
TABLE8_CLS_ERROR = {
    'ShuffleNet 0.5x (g=3)': 43.2,
    'ShuffleNet 1x (g=3)': 32.6,
    'ShuffleNet 2x (g=3)': 26.3,
    'AlexNet': 42.8,
    'MobileNet v1 1.0': 29.4,
}

#: The paper's headline speed-up of ShuffleNet 0.5x over AlexNet (section 4.5): measured, and from mult-adds.
SHUFFLENET_05_VS_ALEXNET = {'measured': 13.0, 'theoretical': 18.0}
