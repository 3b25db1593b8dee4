"""Evaluation of colorizer weights through the shipped pipeline: ``python -m train.eval <command>``.

* :mod:`train.eval.methods` - the table rows: a model through ``Colorizer.batch``, or a baseline;
* :mod:`train.eval.pairs` - the test-split harness (``pairs``): PSNR, SSIM, adherence, steer;
* :mod:`train.eval.checkset` - the anime check-set harness (``checkset``): slot accuracy, edits,
  hints, clicks, cross reference;
* :mod:`train.eval.metrics`, :mod:`train.eval.slot_metrics`, :mod:`train.eval.baselines` - the
  measures (pure NumPy) and the trivial colourers a model has to beat;
* :mod:`train.eval.report` - markdown tables, picture grids, JSON;
* :mod:`train.eval.confusion` - the role confusion of the sketch segmentation (``role-confusion``);
* :mod:`train.eval.pictures` - the README pictures of the slots (``slot-pictures``);
* :mod:`train.eval.cli` - the command line.
"""
