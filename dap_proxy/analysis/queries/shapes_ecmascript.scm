; Code shapes that repeat a fault elsewhere (JavaScript and both TypeScript grammars).
(binary_expression operator: ["<" "<=" ">" ">=" "==" "===" "!=" "!=="]) @compare
(for_statement condition: (_ (binary_expression right: (binary_expression operator: ["+" "-"] right: (number)) @loop_bound)))
(member_expression object: (call_expression function: (member_expression property: (property_identifier) @_find (#match? @_find "^(find|get)$"))) @unchecked)
