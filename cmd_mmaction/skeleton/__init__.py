"""Skeleton maths shared by datasets, models and converters: layouts, modalities,
the papers' pre-normalisations and temporal resampling (pure functions, no registry)."""
