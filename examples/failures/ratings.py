"""Average rating per product. Bug: a product with no reviews yet divides by a zero count."""


def average_rating(reviews: list[int]) -> float:
    total = sum(reviews)
    count = len(reviews)
    return total / count


if __name__ == "__main__":
    catalogue = {"lamp": [4, 5, 3], "desk": []}
    for name, reviews in catalogue.items():
        print(name, average_rating(reviews))
