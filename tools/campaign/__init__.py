"""营销获客 at population scale: pure, vectorised functions over population tables (pandas/numpy/Arrow).

Generator and loader of a customer base, batch segment linking, product fit and risk pre-screen from
the knowledge base's rules, propensity/uplift models trained on past campaigns, expected-value
economics and the budget/bid allocation. No LLM, no graph: agents/campaign wires these together.
"""
