; Code shapes that repeat a fault elsewhere (analysis/shapes.py): comparisons against a bound,
; loop bounds with +/- arithmetic, and a `.get()` result used without a None check.
(comparison_operator) @compare
(call function: (identifier) @_range (#eq? @_range "range")
  arguments: (argument_list (binary_operator operator: ["+" "-"] right: (integer)) @loop_bound))
(attribute object: (call function: (attribute attribute: (identifier) @_get (#eq? @_get "get"))) @unchecked)
(subscript value: (call function: (attribute attribute: (identifier) @_get2 (#eq? @_get2 "get"))) @unchecked)
