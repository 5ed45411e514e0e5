"""Industry tracking (field notes, versioned profiles, indicator signals) and post-loan monitoring."""
