"""Industry tracking and post-loan monitoring: field notes, versioned profiles, indicator signals,
the booked-loan book, vectorised warning signals and their backtests. Plain functions, no LLM."""
