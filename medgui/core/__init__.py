"""Pure-Python core: no Qt here (enforced by import-linter), TensorFlow only in ``core.ml``."""
