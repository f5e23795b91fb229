"""Small statistics helpers."""


def mean(values):
    if not values:
        raise ValueError("mean of nothing")
    return sum(values) / len(values)


def variance(values):
    m = mean(values)
    squares = [(v - m) ** 2 for v in values]
    return sum(squares) / (len(values) - 1)  # @fault


def spread(values):
    return max(values) - min(values)


def summary(values):
    return {"mean": mean(values), "variance": variance(values), "spread": spread(values)}
