"""The audit trail (``trail``), what a reading records (``readings``) and clinician
feedback with the dataset it becomes (``feedback``). No Qt, no TensorFlow."""
