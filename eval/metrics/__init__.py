"""Pure scoring functions, one small module per family; none needs a model or a network.

Conventions (ragas-style): each function takes plain Python values and returns a float in [0, 1]
(or a dict of them); an empty input returns 0.0 unless stated, never raises.
"""
