"""Test debuggee: an uncaught exception."""


def parse(text):
    return int(text)  # @bp raise


def main():
    print("parsing")
    parse("not a number")


main()
