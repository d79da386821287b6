"""De-identified copies: DICOM files (PS3.15 Basic Profile, ``dicom``) and clinical
records (patient references replaced, ``text``). No Qt, no TensorFlow."""
