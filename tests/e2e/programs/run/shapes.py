"""Test debuggee: the crashing function's argument is an object, which no literal can hold."""


class Shape:
    def __init__(self, width):
        self.width = width


def area(shape):
    return shape.width * shape.height


if __name__ == "__main__":
    print(area(Shape(3)))
