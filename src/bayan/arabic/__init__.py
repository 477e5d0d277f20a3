"""Arabic text machinery shared by the pipeline stages: folding, segmentation,
numbers and ordinals, dates, and the clitic-aware gazetteer matcher.

Hand-written where no offline library handles Arabic well (see each module)."""
