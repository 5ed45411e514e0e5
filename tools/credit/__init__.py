"""Credit tools for the loan-review assistant: plain, tested functions (no LLM, no I/O at import).

application (schema, PII masking) · identity (ID/phone checks) · industry (segment lookup) ·
features (facts, flows, scorecard inputs) · policy (hard/prudent/refer rules from the credit policy) ·
binning + scorecard (fit / score / reason codes) · simulator + train (the shipped model) ·
limit_pricing · decision · audit (hash-chained log) · psi (stability) · metrics + validation (German/Taiwan).
"""
