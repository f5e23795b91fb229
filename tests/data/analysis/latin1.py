# -*- coding: latin-1 -*-
def café_name(x):
    s = "déjà vu"
    if x:  # @latin-if
        s += x
    return s
