"""Staff copilot: one chat that calls the three assistants as tools (model-driven or keyword-routed)."""
