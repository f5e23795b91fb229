; Call sites by callee name (JavaScript and both TypeScript grammars).
(call_expression function: (identifier) @callee)
(call_expression function: (member_expression property: (property_identifier) @callee))
(new_expression constructor: (identifier) @callee)
