"""The only package that imports TensorFlow/Keras; import its modules lazily from the app."""
