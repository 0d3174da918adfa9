"""Federation: peer agentnet servers as collaborators (records, peer nodes, agent-card import)."""
