; The one combined query of the whole-file pass for Python. Capture names are `<role>.<detail>`;
; facts.py maps each to a fact kind and a reason. Captures starting with `_` only constrain.

; --- functions and classes (the function table, entry points)
(function_definition) @function.def
(class_definition) @class.def
(decorated_definition (decorator) @function.decorator definition: (function_definition))
; `if __name__ == "__main__":` is recognised in Python from the if condition's text (a text
; predicate here would be evaluated on every `if` with a comparison, and costs more).

; --- decision nodes
(if_statement condition: (_) @decision.if)
(elif_clause condition: (_) @decision.elif)
(else_clause) @decision.else
(match_statement subject: (_) @decision.match)
(case_clause) @decision.case
(conditional_expression) @decision.ternary
(while_statement condition: (_) @decision.loop_condition)
(boolean_operator) @decision.short_circuit
(if_statement consequence: (block (return_statement) @decision.early_return))
(elif_clause consequence: (block (return_statement) @decision.early_return))

; --- loops
(for_statement) @loop.for
(while_statement) @loop.while
[(list_comprehension) (set_comprehension) (dictionary_comprehension) (generator_expression)] @loop.comprehension

; --- state mutation points
(assignment left: (attribute) @mutation.attribute)
(assignment left: (subscript) @mutation.subscript)
(assignment left: (pattern_list [(attribute) (subscript)] @mutation.unpacked))
(augmented_assignment left: (_) @mutation.augmented)
(delete_statement) @mutation.delete
(global_statement (identifier) @scope.global)
(nonlocal_statement (identifier) @scope.nonlocal)

; --- calls: boundaries, recursion and mutating methods (`.append()`...) are decided in
; Python against tables (a text predicate here costs more than the rest of the call patterns)
(call function: (identifier) @call.function)
(call function: (attribute) @call.member)
[(import_statement) (import_from_statement)] @import.statement

; --- arithmetic that often hides the bug: divisions (zero divisors) and +/- 1 offsets
(binary_operator operator: ["/" "//" "%"]) @arithmetic.division
(augmented_assignment operator: ["/=" "//=" "%="]) @arithmetic.division
(binary_operator operator: ["+" "-"] right: (integer)) @arithmetic.offset

; --- error handling
(try_statement) @error.try
(except_clause) @error.except
(finally_clause) @error.finally
(raise_statement) @error.raise
(assert_statement) @error.assert
(except_clause (block (return_statement) @error.return))

; --- returns
(return_statement) @return.statement
