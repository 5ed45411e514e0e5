"""QA inspection (质检): scores any dialog against the rubric in the corpus; its own LangGraph graph."""
