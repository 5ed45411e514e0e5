"""Configuration's one home: ``Settings`` (read only by composition roots) and the ``Services`` container."""
