"""Customer-service bot (客服): guard → understand → retrieve → answer → check → reply or hand off."""
