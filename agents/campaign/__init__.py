"""营销获客: the population-scale campaign assistant (deterministic; see service.py)."""
