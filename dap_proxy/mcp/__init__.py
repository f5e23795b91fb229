"""`smart-debug mcp`: triage, localize and the workspace's history as Model Context Protocol
tools, so an AI agent (Claude Code, Cursor's agent, any MCP client) uses the same engines a person
does, with the same safety rules (no tool writes the user's files, every call is bounded in time,
results are redacted)."""
