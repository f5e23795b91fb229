; Call sites by callee name, for callers and blast radius (analysis/callers.py).
(call function: (identifier) @callee)
(call function: (attribute attribute: (identifier) @callee))
