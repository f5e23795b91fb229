"""Sends a welcome mail. Bug: find_user returns None for an unknown id and the caller never checks
-> AttributeError on None."""

USERS = {
    1: {"name": "Ada", "email": "ADA@example.com"},
    2: {"name": "Lin", "email": "lin@example.com"},
}


class User:
    def __init__(self, name: str, email: str) -> None:
        self.name = name
        self.email = email


def find_user(user_id: int) -> User | None:
    row = USERS.get(user_id)
    if row is None:
        return None
    return User(row["name"], row["email"])


def welcome_address(user_id: int) -> str:
    user = find_user(user_id)
    return user.email.lower()


if __name__ == "__main__":
    for uid in (1, 3):
        print(welcome_address(uid))
