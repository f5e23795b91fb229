def good(x):
    if x > 1:  # @broken-good-if
        return x
    return 0


def bad(y):
    y = y +
    return y


def after(z):
    for i in range(z):  # @broken-after-loop
        z.append(i)
    return z
