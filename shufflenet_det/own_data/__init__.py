"""Your own data: read annotations in the formats annotation tools write (Pascal VOC, YOLO, CSV, LabelMe, COCO),
check them, and write a COCO dataset with a summary and a training config (``tools/prepare_dataset.py``)."""
