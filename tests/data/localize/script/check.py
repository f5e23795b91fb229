import sys

from wordcount import count

if count("a b\nc") != [2, 1]:
    print("wrong counts", count("a b\nc"))
    sys.exit(1)
print("ok")
