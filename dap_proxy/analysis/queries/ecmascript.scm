; The one combined query of the whole-file pass for JavaScript, TypeScript and TSX (the
; TypeScript grammars extend JavaScript's, so every node here exists in all three).
; Capture names are `<role>.<detail>`; facts.py maps each to a fact kind and a reason.

; --- functions and classes (the function table, entry points)
; Names, handlers and tests are read from each function's parent in facts.py.
[
  (function_declaration) (generator_function_declaration) (method_definition)
  (arrow_function) (function_expression) (generator_function)
] @function.def
[(class_declaration) (class)] @class.def

; --- decision nodes
(if_statement condition: (_) @decision.if)
(else_clause) @decision.else
(switch_statement value: (_) @decision.switch)
[(switch_case) (switch_default)] @decision.case
(ternary_expression) @decision.ternary
(while_statement condition: (_) @decision.loop_condition)
(do_statement condition: (_) @decision.loop_condition)
(for_statement condition: (_) @decision.loop_condition)
(binary_expression operator: ["&&" "||" "??"]) @decision.short_circuit
(if_statement consequence: (return_statement) @decision.early_return)
(if_statement consequence: (statement_block (return_statement) @decision.early_return))

; --- loops
(for_statement) @loop.for
(for_in_statement) @loop.for_in
(while_statement) @loop.while
(do_statement) @loop.do

; --- state mutation points
(assignment_expression left: (member_expression) @mutation.attribute)
(assignment_expression left: (subscript_expression) @mutation.subscript)
(augmented_assignment_expression left: (_) @mutation.augmented)
(update_expression argument: (_) @mutation.update)
((unary_expression operator: "delete") @mutation.delete)
; --- calls: boundaries, recursion and mutating methods (`.push()`...) are decided in
; Python against tables (a text predicate here costs more than the rest of the call patterns)
(call_expression function: (identifier) @call.function)
(new_expression constructor: (identifier) @call.function)
(call_expression function: (member_expression) @call.member)
(import_statement) @import.statement
((variable_declarator
   value: (call_expression function: (identifier) @_require)) @import.require
  (#eq? @_require "require"))

; --- arithmetic that often hides the bug: divisions (zero divisors) and +/- 1 offsets
(binary_expression operator: ["/" "%"]) @arithmetic.division
(augmented_assignment_expression operator: ["/=" "%="]) @arithmetic.division
(binary_expression operator: ["+" "-"] right: (number)) @arithmetic.offset

; --- error handling
(try_statement) @error.try
(catch_clause) @error.catch
(finally_clause) @error.finally
(throw_statement) @error.throw
(catch_clause body: (statement_block (return_statement) @error.return))

; --- returns
(return_statement) @return.statement
